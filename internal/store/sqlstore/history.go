package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// The duty history (migration 00028): the duties a case no longer owes,
// out of its document. A fold leaves the duties it closed in
// Case.ClosedDuties; writing the document writes them here.

const (
	historyColumns = 5
	insertHistory  = "INSERT INTO duty_history (id, case_id, status, closed_at, doc) VALUES (?, ?, ?, ?, ?)"
)

// historyArgs appends the duty_history row of closed duty d of case caseID.
func historyArgs(args []any, caseID string, d *domain.Duty) ([]any, error) {
	doc, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode duty %s: %w", d.ID, err)
	}
	return append(args, d.ID, caseID, string(d.Status), fmtTime(d.Closed), string(doc)), nil
}

// putHistory writes the duties c closed since it was read (PutCase). The
// service writes a case once a command, from a fold of what it read; the
// value it returns keeps them, so its caller sees what the command closed.
func (x *tx) putHistory(c *domain.Case) error {
	for i := range c.ClosedDuties {
		args, err := historyArgs(make([]any, 0, historyColumns), c.ID, &c.ClosedDuties[i])
		if err != nil {
			return err
		}
		if _, err := x.exec(insertHistory, args...); err != nil {
			return fmt.Errorf("duty history of %s: %w", c.Ref, err)
		}
	}
	return nil
}

// putHistoryNew writes the closed duties of cases new to the record, many
// rows to a statement (PutNewCases).
func (x *tx) putHistoryNew(cs []*domain.Case) error {
	var args []any
	var err error
	for _, c := range cs {
		for i := range c.ClosedDuties {
			if args, err = historyArgs(args, c.ID, &c.ClosedDuties[i]); err != nil {
				return err
			}
		}
	}
	if err := x.insertRows("duty_history (id, case_id, status, closed_at, doc)", historyColumns, args); err != nil {
		return fmt.Errorf("duty history: %w", err)
	}
	return nil
}

// ClosedDuties lists the duties case caseID no longer owes, in the order
// they were opened (ids count them: "….d12" after "….d9").
func (db *DB) ClosedDuties(ctx context.Context, caseID string) ([]domain.Duty, error) {
	rows, err := db.query(ctx, "SELECT doc FROM duty_history WHERE case_id = ?", caseID)
	if err != nil {
		return nil, fmt.Errorf("duty history: %w", err)
	}
	var out []domain.Duty
	if err := eachDoc(rows, func(b []byte) error {
		var d domain.Duty
		if err := json.Unmarshal(b, &d); err != nil {
			return err
		}
		out = append(out, d)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("duty history of %s: %w", caseID, err)
	}
	sort.Slice(out, func(i, j int) bool { return dutyNumber(out[i].ID) < dutyNumber(out[j].ID) })
	return out, nil
}

// dutyNumber is the count a duty id ends with (duty.Reconcile numbers them).
func dutyNumber(id string) int {
	n, _ := strconv.Atoi(id[strings.LastIndex(id, ".d")+2:])
	return n
}

// ScanClosedDuties streams every closed duty, by case.
func (db *DB) ScanClosedDuties(ctx context.Context, fn func(caseID string, d *domain.Duty) error) error {
	rows, err := db.query(ctx, "SELECT case_id, doc FROM duty_history ORDER BY case_id, id")
	if err != nil {
		return fmt.Errorf("duty history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var caseID, doc string
		if err := rows.Scan(&caseID, &doc); err != nil {
			return fmt.Errorf("duty history: %w", err)
		}
		var d domain.Duty
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			return fmt.Errorf("duty history of %s: %w", caseID, err)
		}
		if err := fn(caseID, &d); err != nil {
			return err
		}
	}
	return rows.Err()
}

var _ store.DutyHistory = (*DB)(nil)

// addHistory adds c's duty_history rows to d, as putHistory writes them.
// A fold of the whole log keeps every duty each case closed.
func (d Derived) addHistory(c *domain.Case) {
	for i := range c.ClosedDuties {
		args, err := historyArgs(nil, c.ID, &c.ClosedDuties[i])
		if err != nil {
			continue // a Duty always encodes
		}
		d["duty_history"][c.ClosedDuties[i].ID] = texts(args...)
	}
}

// buildHistory splits the documents written before migration 00028,
// once: their closed duties move to the duty history, and the documents
// take the shape the fold now gives (domain.Case.SplitDuties), so that
// rebuild finds them equal to the replay. It runs after the migrations,
// inside their lock.
func (db *DB) buildHistory(ctx context.Context) error {
	var n int
	if err := db.w.QueryRowContext(ctx, "SELECT COUNT(*) FROM duty_history_built").Scan(&n); err != nil {
		return fmt.Errorf("duty history: %w", err)
	}
	if n > 0 {
		return nil
	}
	return db.Write(ctx, func(t store.Tx) error {
		x := t.(*tx)
		rows, err := x.t.QueryContext(ctx, "SELECT doc FROM cases")
		if err != nil {
			return err
		}
		var cs []*domain.Case
		if err := eachDoc(rows, func(b []byte) error {
			var c domain.Case
			if err := json.Unmarshal(b, &c); err != nil {
				return err
			}
			if c.DutyCount == 0 && len(c.Duties) > 0 {
				cs = append(cs, &c)
			}
			return nil
		}); err != nil {
			return fmt.Errorf("duty history: %w", err)
		}
		for _, c := range cs {
			c.SplitDuties()
			doc, err := json.Marshal(c)
			if err != nil {
				return err
			}
			if _, err := x.exec("UPDATE cases SET doc = ? WHERE id = ?", string(doc), c.ID); err != nil {
				return fmt.Errorf("duty history of %s: %w", c.Ref, err)
			}
		}
		if err := x.putHistoryNew(cs); err != nil {
			return err
		}
		_, err = x.exec("INSERT INTO duty_history_built (id) VALUES (1)")
		return err
	})
}
