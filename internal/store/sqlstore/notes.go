package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// The note log (migration 00044): a case's notes, out of its document. A
// fold leaves the notes it added in Case.Notes (the n-th of NoteCount
// counting from the end); writing the document writes them here.

const (
	noteColumns = 5
	noteTable   = "case_notes (case_id, n, id, at, doc)"
	insertNote  = "INSERT INTO " + noteTable + " VALUES (?, ?, ?, ?, ?)"
	selectNotes = "SELECT case_id, doc FROM case_notes WHERE case_id = ? ORDER BY n"
	scanNotes   = "SELECT case_id, doc FROM case_notes ORDER BY case_id, n"
	hasNote     = "SELECT COUNT(*) FROM case_notes WHERE case_id = ? AND id = ?"
	// The documents as written before the note log, by id a chunk at a
	// time: every note in them. Inside a JSON string a quote is escaped,
	// so `"notes":` is only ever a key.
	docsWithNotes = "SELECT id, doc FROM cases WHERE id > ? AND doc LIKE '%\"notes\":%' ORDER BY id LIMIT ?"
	rewriteDoc    = "UPDATE cases SET doc = ? WHERE id = ?"
	notesBuilt    = "INSERT INTO case_notes_built (id) VALUES (1)"
)

// dropNoNotes take an empty or null note list out of the old documents.
// encoding/json writes no spaces, and "notes" was never the first key
// (the id is), so it is always preceded by a comma.
var dropNoNotes = []string{
	`UPDATE cases SET doc = REPLACE(doc, ',"notes":[]', '') WHERE doc LIKE '%,"notes":[]%'`,
	`UPDATE cases SET doc = REPLACE(doc, ',"notes":null', '') WHERE doc LIKE '%,"notes":null%'`,
}

// appendNotes appends the case_notes rows of the notes c added since it
// was read.
func appendNotes(args []any, c *domain.Case) ([]any, error) {
	first := c.NoteCount - len(c.Notes) // how many are in the log already
	for j := range c.Notes {
		n := &c.Notes[j]
		doc, err := json.Marshal(n)
		if err != nil {
			return nil, fmt.Errorf("encode note %s: %w", n.ID, err)
		}
		args = append(args, c.ID, first+j+1, n.ID, fmtTime(n.At), string(doc))
	}
	return args, nil
}

// putNotes writes the notes c added since it was read (PutCase, through
// putHistory): a row a statement, through exec, so that on PostgreSQL it
// joins the write's pipeline (pipe.go), as putContacts does.
func (x *tx) putNotes(c *domain.Case) error {
	args, err := appendNotes(nil, c)
	if err != nil {
		return err
	}
	for i := 0; i+noteColumns <= len(args); i += noteColumns {
		if _, err := x.exec(insertNote, args[i:i+noteColumns]...); err != nil {
			return fmt.Errorf("note log of %s: %w", c.Ref, err)
		}
	}
	return nil
}

// putNotesNew writes the notes of cases new to the record, many rows to a
// statement (PutNewCases, through putHistoryNew).
func (x *tx) putNotesNew(cs []*domain.Case) error {
	var args []any
	var err error
	for _, c := range cs {
		if args, err = appendNotes(args, c); err != nil {
			return err
		}
	}
	if err := x.insertRows(noteTable, noteColumns, args); err != nil {
		return fmt.Errorf("note log: %w", err)
	}
	return nil
}

// addNotes adds c's case_notes rows to d, as putNotes writes them. A fold
// of the whole log keeps every note of each case.
func (d Derived) addNotes(c *domain.Case) {
	args, _ := appendNotes(nil, c) // a Note always encodes
	for i := 0; i+noteColumns <= len(args); i += noteColumns {
		r := texts(args[i : i+noteColumns]...)
		d["case_notes"][r[0]+" "+r[1]] = r
	}
}

// Notes lists case caseID's notes in the order added.
func (db *DB) Notes(ctx context.Context, caseID string) ([]domain.Note, error) {
	var out []domain.Note
	err := db.scanNotes(ctx, selectNotes, []any{caseID}, func(_ string, n *domain.Note) error {
		out = append(out, *n)
		return nil
	})
	return out, err
}

// ScanNotes streams every note, by case and order.
func (db *DB) ScanNotes(ctx context.Context, fn func(caseID string, n *domain.Note) error) error {
	return db.scanNotes(ctx, scanNotes, nil, fn)
}

// HasNote reports whether case caseID has note noteID: a correction must
// name one.
func (db *DB) HasNote(ctx context.Context, caseID, noteID string) (bool, error) {
	rows, err := db.query(ctx, hasNote, caseID, noteID)
	if err != nil {
		return false, fmt.Errorf("note log of %s: %w", caseID, err)
	}
	defer rows.Close()
	var n int
	for rows.Next() {
		if err := rows.Scan(&n); err != nil {
			return false, fmt.Errorf("note log of %s: %w", caseID, err)
		}
	}
	return n > 0, rows.Err()
}

func (db *DB) scanNotes(ctx context.Context, q string, args []any, fn func(caseID string, n *domain.Note) error) error {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("note log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var caseID, doc string
		if err := rows.Scan(&caseID, &doc); err != nil {
			return fmt.Errorf("note log: %w", err)
		}
		var n domain.Note
		if err := json.Unmarshal([]byte(doc), &n); err != nil {
			return fmt.Errorf("note log of %s: %w", caseID, err)
		}
		if err := fn(caseID, &n); err != nil {
			return err
		}
	}
	return rows.Err()
}

var _ store.NoteLog = (*DB)(nil)

// buildNotes splits the documents written before migration 00044, once:
// their notes move to the note log and the document keeps their count, so
// that rebuild finds them equal to the replay. It edits each document's
// JSON rather than decoding it into a domain.Case and encoding it again,
// which would drop what the splits after it (contacts, duties) have still
// to move. It runs after the migrations, inside their lock, before them.
//
// A record of a million cases must not be held at once (it took 4.4 GiB),
// so the split goes noteChunk cases at a time by id, each chunk its own
// transaction. That is safe to resume: a chunk rewrites its documents and
// writes their notes together, and a document split has no "notes" key
// left, so a split stopped part way picks up at the first case not yet
// split and never writes a note twice. The marker is written last.
func (db *DB) buildNotes(ctx context.Context) error {
	if done, err := db.built(ctx, "case_notes_built"); err != nil || done {
		return err
	}
	// The old fold wrote "notes" without omitempty, so most documents
	// hold only an empty list: drop it in the database, no case read.
	if err := db.Write(ctx, func(t store.Tx) error {
		x := t.(*tx)
		for _, q := range dropNoNotes {
			if _, err := x.exec(q); err != nil {
				return fmt.Errorf("note log: %w", err)
			}
		}
		return nil
	}); err != nil {
		return err
	}
	after := ""
	for {
		last, err := db.splitNotes(ctx, after)
		if err != nil {
			return err
		}
		if last == "" {
			break
		}
		after = last
		if err := notesChunkDone(); err != nil { // a test stops here
			return err
		}
	}
	return db.Write(ctx, func(t store.Tx) error {
		_, err := t.(*tx).exec(notesBuilt)
		return err
	})
}

// notesChunkDone is called after each chunk of the split commits; tests
// make it fail to stop the split part way.
var notesChunkDone = func() error { return nil }

// noteChunk is how many cases one transaction of the split rewrites.
var noteChunk = 500

// splitNotes splits the next noteChunk documents after id after that
// still hold notes, in one transaction, and says the last it split (""
// when none was left).
func (db *DB) splitNotes(ctx context.Context, after string) (string, error) {
	last := ""
	err := db.Write(ctx, func(t store.Tx) error {
		x := t.(*tx)
		last = ""
		rows, err := x.t.QueryContext(ctx, x.d.q(docsWithNotes), after, noteChunk)
		if err != nil {
			return fmt.Errorf("note log: %w", err)
		}
		type split struct {
			id  string
			doc map[string]json.RawMessage
		}
		var cs []split
		if err := func() error {
			defer rows.Close()
			for rows.Next() {
				var id, b string
				if err := rows.Scan(&id, &b); err != nil {
					return fmt.Errorf("note log: %w", err)
				}
				var doc map[string]json.RawMessage
				if err := json.Unmarshal([]byte(b), &doc); err != nil {
					return fmt.Errorf("note log of %s: %w", id, err)
				}
				cs = append(cs, split{id, doc})
			}
			return rows.Err()
		}(); err != nil {
			return err
		}
		var args []any
		for _, s := range cs {
			last = s.id
			raw, ok := s.doc["notes"]
			if !ok {
				continue // "notes": inside a value, not a key: nothing to move
			}
			c := &domain.Case{ID: s.id}
			if err := json.Unmarshal(raw, &c.Notes); err != nil {
				return fmt.Errorf("notes of %s: %w", s.id, err)
			}
			delete(s.doc, "notes")
			c.NoteCount = len(c.Notes)
			if c.NoteCount > 0 {
				s.doc["note_count"] = json.RawMessage(fmt.Sprint(c.NoteCount))
			}
			doc, err := json.Marshal(s.doc)
			if err != nil {
				return err
			}
			if _, err := x.exec(rewriteDoc, string(doc), s.id); err != nil {
				return fmt.Errorf("note log of %s: %w", s.id, err)
			}
			if args, err = appendNotes(args, c); err != nil {
				return err
			}
		}
		if err := x.insertRows(noteTable, noteColumns, args); err != nil {
			return fmt.Errorf("note log: %w", err)
		}
		return nil
	})
	return last, err
}
