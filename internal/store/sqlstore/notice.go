package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// buildNoticeEach fills, once, the list of decisions owed with their
// dates (domain.Notice.Each) in documents written before it was kept
// (migration 00042). The dates are not in the old document, only in the
// log, so each such case's events are folded again and its victims'
// notices taken from the fold: the document then equals the replay, and
// the victim's page shows each decision's own date. It runs after the
// migrations, inside their lock.
func (db *DB) buildNoticeEach(ctx context.Context) error {
	if done, err := db.built(ctx, "notice_each_built"); err != nil || done {
		return err
	}
	// Find the cases first, outside the write: folding reads their events.
	rows, err := db.w.QueryContext(ctx, "SELECT doc FROM cases")
	if err != nil {
		return fmt.Errorf("notices: %w", err)
	}
	var stale []*domain.Case
	if err := eachDoc(rows, func(b []byte) error {
		if !strings.Contains(string(b), `"notice_due"`) {
			return nil
		}
		var c domain.Case
		if err := json.Unmarshal(b, &c); err != nil {
			return err
		}
		for _, v := range c.Victims {
			if v.NoticeDue != nil && len(v.NoticeDue.Each) == 0 {
				stale = append(stale, &c)
				break
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("notices: %w", err)
	}
	for _, c := range stale {
		evs, err := db.CaseEvents(ctx, c.ID)
		if err != nil {
			return err
		}
		var folded *domain.Case
		for _, e := range evs {
			if folded, err = domain.ApplyCase(folded, e); err != nil {
				return fmt.Errorf("notices of %s: %w", c.Ref, err)
			}
		}
		if folded == nil {
			continue
		}
		owed := map[string]*domain.Notice{}
		for _, v := range folded.Victims {
			owed[v.ID] = v.NoticeDue
		}
		for i := range c.Victims {
			c.Victims[i].NoticeDue = owed[c.Victims[i].ID]
		}
	}
	return db.Write(ctx, func(t store.Tx) error {
		x := t.(*tx)
		for _, c := range stale {
			doc, err := json.Marshal(c)
			if err != nil {
				return err
			}
			if _, err := x.exec("UPDATE cases SET doc = ? WHERE id = ?", string(doc), c.ID); err != nil {
				return fmt.Errorf("notices of %s: %w", c.Ref, err)
			}
		}
		_, err := x.exec("INSERT INTO notice_each_built (id) VALUES (1)")
		return err
	})
}

// built says whether a one-time reshaping of older records, marked by a
// row in table (a migration's *_built table), has already run.
func (db *DB) built(ctx context.Context, table string) (bool, error) {
	var n int
	if err := db.w.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		return false, fmt.Errorf("%s: %w", table, err)
	}
	return n > 0, nil
}
