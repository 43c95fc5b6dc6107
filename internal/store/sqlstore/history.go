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

// putHistory writes the duties c closed and the contacts and notes it
// recorded since it was read (PutCase). The service writes a case once a
// command, from a fold of what it read; the value it returns keeps them,
// so its caller sees what the command closed.
func (x *tx) putHistory(c *domain.Case) error {
	if err := x.putNotes(c); err != nil { // notes.go
		return err
	}
	if err := x.putReviews(c); err != nil { // reviews.go
		return err
	}
	if err := x.putContacts(c); err != nil {
		return err
	}
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
	var contacts []any
	for _, c := range cs {
		if contacts, err = appendContacts(contacts, c); err != nil {
			return err
		}
	}
	if err := x.insertRows(contactTable, contactColumns, contacts); err != nil {
		return fmt.Errorf("contact log: %w", err)
	}
	if err := x.putNotesNew(cs); err != nil { // notes.go
		return err
	}
	return x.putReviewsNew(cs) // reviews.go
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
	return db.scanDuties(ctx, "SELECT case_id, doc FROM duty_history ORDER BY case_id, id", "case", fn)
}

// ScanClosedDutiesByTeam streams every closed duty with its case's team
// now. Unordered, the join streams: each row looks its case up by id.
func (db *DB) ScanClosedDutiesByTeam(ctx context.Context, fn func(teamID string, d *domain.Duty) error) error {
	return db.scanDuties(ctx, "SELECT c.team_id, h.doc FROM duty_history h JOIN cases c ON c.id = h.case_id", "team", fn)
}

// scanDuties streams the rows of query, a key and a closed duty's
// document each, to fn; of names the key in errors.
func (db *DB) scanDuties(ctx context.Context, query, of string, fn func(key string, d *domain.Duty) error) error {
	rows, err := db.query(ctx, query)
	if err != nil {
		return fmt.Errorf("duty history: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key, doc string
		if err := rows.Scan(&key, &doc); err != nil {
			return fmt.Errorf("duty history: %w", err)
		}
		var d domain.Duty
		if err := json.Unmarshal([]byte(doc), &d); err != nil {
			return fmt.Errorf("duty history of %s %s: %w", of, key, err)
		}
		if err := fn(key, &d); err != nil {
			return err
		}
	}
	return rows.Err()
}

var _ store.DutyHistory = (*DB)(nil)

// addHistory adds c's duty_history, victim_contacts and case_notes rows
// to d, as putHistory writes them. A fold of the whole log keeps every
// duty each case closed, every contact and every note.
func (d Derived) addHistory(c *domain.Case) {
	args, _ := appendContacts(nil, c) // a Contact always encodes
	for i := 0; i+contactColumns <= len(args); i += contactColumns {
		r := texts(args[i : i+contactColumns]...)
		d["victim_contacts"][r[0]+" "+r[1]+" "+r[2]] = r
	}
	for i := range c.ClosedDuties {
		args, err := historyArgs(nil, c.ID, &c.ClosedDuties[i])
		if err != nil {
			continue // a Duty always encodes
		}
		d["duty_history"][c.ClosedDuties[i].ID] = texts(args...)
	}
	d.addNotes(c)   // notes.go
	d.addReviews(c) // reviews.go
}

// buildHistory splits the documents written before migrations 00028,
// 00041 (buildContacts) and 00044 (buildNotes), once each: their closed
// duties move to the duty history, and the documents
// take the shape the fold now gives (domain.Case.SplitDuties), so that
// rebuild finds them equal to the replay. It runs after the migrations,
// inside their lock.
func (db *DB) buildHistory(ctx context.Context) error {
	// The notes first, then the contacts: the documents the later splits
	// rewrite would lose them.
	if err := db.buildNotes(ctx); err != nil { // notes.go
		return err
	}
	if err := db.buildReviews(ctx); err != nil { // reviews.go, 00046
		return err
	}
	if err := db.buildContacts(ctx); err != nil {
		return err
	}
	if done, err := db.built(ctx, "duty_history_built"); err != nil || done {
		return err
	}
	// A case split has its DutyCount set, so a stop resumes cleanly.
	if err := db.eachDocChunk(ctx, func(x *tx, docs [][]byte) error {
		var cs []*domain.Case
		for _, b := range docs {
			var c domain.Case
			if err := json.Unmarshal(b, &c); err != nil {
				return fmt.Errorf("duty history: %w", err)
			}
			if c.DutyCount == 0 && len(c.Duties) > 0 {
				cs = append(cs, &c)
			}
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
		return x.putHistoryNew(cs)
	}); err != nil {
		return err
	}
	return db.Write(ctx, func(t store.Tx) error {
		_, err := t.(*tx).exec("INSERT INTO duty_history_built (id) VALUES (1)")
		return err
	})
}

// The contact log (migration 00041): victims' contacts, out of the case's
// document. A fold leaves the contacts it recorded in each Victim.Contacts
// (the n-th of ContactCount counting from the end); writing the document
// writes them here.

const (
	contactColumns = 5
	contactTable   = "victim_contacts (case_id, victim_id, n, at, doc)"
	insertContact  = "INSERT INTO " + contactTable + " VALUES (?, ?, ?, ?, ?)"
)

// appendContacts appends the victim_contacts rows of the contacts c's
// victims recorded since it was read.
func appendContacts(args []any, c *domain.Case) ([]any, error) {
	for i := range c.Victims {
		v := &c.Victims[i]
		first := v.ContactCount - len(v.Contacts) // how many are in the log already
		for j := range v.Contacts {
			doc, err := json.Marshal(&v.Contacts[j])
			if err != nil {
				return nil, fmt.Errorf("encode contact %s: %w", v.Contacts[j].ID, err)
			}
			args = append(args, c.ID, v.ID, first+j+1, fmtTime(v.Contacts[j].At), string(doc))
		}
	}
	return args, nil
}

// putContacts writes the contacts c recorded since it was read (PutCase):
// a row a statement, through exec, so that on PostgreSQL it joins the
// write's pipeline (pipe.go) instead of sending it as a bulk insert would.
func (x *tx) putContacts(c *domain.Case) error {
	args, err := appendContacts(nil, c)
	if err != nil {
		return err
	}
	for i := 0; i+contactColumns <= len(args); i += contactColumns {
		if _, err := x.exec(insertContact, args[i:i+contactColumns]...); err != nil {
			return fmt.Errorf("contact log of %s: %w", c.Ref, err)
		}
	}
	return nil
}

// Contacts lists case caseID's contacts by victim, each in the order
// recorded.
func (db *DB) Contacts(ctx context.Context, caseID string) (map[string][]domain.Contact, error) {
	out := map[string][]domain.Contact{}
	err := db.scanContacts(ctx, "SELECT case_id, victim_id, doc FROM victim_contacts WHERE case_id = ? ORDER BY victim_id, n",
		[]any{caseID}, func(_, victimID string, c *domain.Contact) error {
			out[victimID] = append(out[victimID], *c)
			return nil
		})
	return out, err
}

// ScanContacts streams every contact, by case, victim and order.
func (db *DB) ScanContacts(ctx context.Context, fn func(caseID, victimID string, c *domain.Contact) error) error {
	return db.scanContacts(ctx, "SELECT case_id, victim_id, doc FROM victim_contacts ORDER BY case_id, victim_id, n",
		nil, fn)
}

func (db *DB) scanContacts(ctx context.Context, q string, args []any,
	fn func(caseID, victimID string, c *domain.Contact) error) error {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("contact log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var caseID, victimID, doc string
		if err := rows.Scan(&caseID, &victimID, &doc); err != nil {
			return fmt.Errorf("contact log: %w", err)
		}
		var c domain.Contact
		if err := json.Unmarshal([]byte(doc), &c); err != nil {
			return fmt.Errorf("contact log of %s: %w", caseID, err)
		}
		if err := fn(caseID, victimID, &c); err != nil {
			return err
		}
	}
	return rows.Err()
}

var _ store.ContactLog = (*DB)(nil)

// buildContacts splits the documents written before migration 00041,
// once: their victims' contacts move to the contact log, and the
// documents take the shape the fold now gives (domain.Victim.AddContact),
// so that rebuild finds them equal to the replay. It runs after the
// migrations, inside their lock.
func (db *DB) buildContacts(ctx context.Context) error {
	if done, err := db.built(ctx, "victim_contacts_built"); err != nil || done {
		return err
	}
	// The documents as they were: each victim's whole contact list.
	type oldVictim struct {
		Contacts []domain.Contact `json:"contacts"`
	}
	// A victim split has its ContactCount set, so a stop resumes cleanly.
	if err := db.eachDocChunk(ctx, func(x *tx, docs [][]byte) error {
		var cs []*domain.Case
		for _, b := range docs {
			var c domain.Case
			var old struct {
				Victims []oldVictim `json:"victims"`
			}
			if err := json.Unmarshal(b, &c); err != nil {
				return fmt.Errorf("contact log: %w", err)
			}
			if err := json.Unmarshal(b, &old); err != nil {
				return fmt.Errorf("contact log: %w", err)
			}
			split := false
			for i := range c.Victims {
				if i < len(old.Victims) && c.Victims[i].ContactCount == 0 {
					for _, ct := range old.Victims[i].Contacts {
						c.Victims[i].AddContact(ct)
						split = true
					}
				}
			}
			if split {
				cs = append(cs, &c)
			}
		}
		var args []any
		for _, c := range cs {
			doc, err := json.Marshal(c)
			if err != nil {
				return err
			}
			if _, err := x.exec("UPDATE cases SET doc = ? WHERE id = ?", string(doc), c.ID); err != nil {
				return fmt.Errorf("contact log of %s: %w", c.Ref, err)
			}
			if args, err = appendContacts(args, c); err != nil {
				return err
			}
		}
		if err := x.insertRows(contactTable, contactColumns, args); err != nil {
			return fmt.Errorf("contact log: %w", err)
		}
		return nil
	}); err != nil {
		return err
	}
	return db.Write(ctx, func(t store.Tx) error {
		_, err := t.(*tx).exec("INSERT INTO victim_contacts_built (id) VALUES (1)")
		return err
	})
}
