package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// raw runs q on db's own connection, with PostgreSQL's placeholders there.
func raw(db *sqlstore.DB, q string) string {
	if db.Engine() == "postgres" {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	return q
}

func count(t testing.TB, db *sqlstore.DB, q string) int {
	t.Helper()
	var n int
	if err := db.Raw().QueryRow(raw(db, q)).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// TestOldNotesSplitInChunks: a record written before the note log
// (migration 00044) is split a few cases a transaction. Stopped after the
// first chunk, it has split those cases only and is not marked done;
// opened again, it finishes without writing a note twice, and the record
// equals its replay.
func TestOldNotesSplitInChunks(t *testing.T) {
	ctx := context.Background()
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		notes, noted := 0, 0
		for i := range 7 {
			c := f.Allocated(t)
			if i%3 > 0 {
				noted++
			}
			for j := range i % 3 { // cases with 0, 1 and 2 notes
				f.Clock.Advance(time.Minute)
				var err error
				c, err = f.Svc.AddNote(ctx, f.Investigator, c.ID,
					service.NewNote{Version: c.Version, Text: fmt.Sprintf("note %d of case %d", j, i)})
				if err != nil {
					t.Fatal(err)
				}
				notes++
			}
		}
		if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
			t.Fatalf("before: %v %v", d, err)
		}
		// Each document as the old fold wrote it: every note in it (an
		// empty list for none), no count.
		rows, err := db.Raw().Query("SELECT id, doc FROM cases ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		old := map[string]string{}
		for rows.Next() {
			var id, b string
			if err := rows.Scan(&id, &b); err != nil {
				t.Fatal(err)
			}
			ns, err := db.Notes(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			enc, _ := json.Marshal(ns)
			if len(ns) == 0 {
				enc = []byte("[]")
			}
			// The old struct order: the notes after the actions.
			b = strings.Replace(b, fmt.Sprintf(`"note_count":%d,`, len(ns)), "", 1)
			old[id] = strings.Replace(b, `"actions":`, `"notes":`+string(enc)+`,"actions":`, 1)
			if !strings.Contains(old[id], `"notes":`) || strings.Contains(old[id], "note_count") {
				t.Fatalf("could not age %s", b)
			}
		}
		rows.Close()
		for id, b := range old {
			if _, err := db.Raw().Exec(raw(db, "UPDATE cases SET doc = ? WHERE id = ?"), b, id); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{"DELETE FROM case_notes", "DELETE FROM case_notes_built"} {
			if _, err := db.Raw().Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if _, d, err := replay.Compare(ctx, db); err != nil || d == nil {
			t.Fatalf("the old documents are not told from the new: %v %v", d, err)
		}

		stopped := errors.New("stopped")
		restore := sqlstore.SetNoteChunk(2, func() error { return stopped })
		err = db.Migrate(ctx)
		restore()
		if !errors.Is(err, stopped) {
			t.Fatalf("the split was not stopped: %v", err)
		}
		left := count(t, db, `SELECT COUNT(*) FROM cases WHERE doc LIKE '%"notes":%'`)
		if done := count(t, db, "SELECT COUNT(*) FROM case_notes_built"); done != 0 || left != noted-2 {
			t.Fatalf("stopped after a chunk of 2: %d of %d noted cases left, marked done %d", left, noted, done)
		}

		defer sqlstore.SetNoteChunk(2, func() error { return nil })()
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
			t.Fatalf("after the split: %v %v", d, err)
		}
		if n := count(t, db, `SELECT COUNT(*) FROM cases WHERE doc LIKE '%"notes"%'`); n != 0 {
			t.Errorf("%d documents still hold notes", n)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM case_notes"); n != notes {
			t.Errorf("%d notes in the log, want %d", n, notes)
		}
	})
}
