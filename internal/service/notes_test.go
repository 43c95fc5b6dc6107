package service_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestNoteReadNeedToKnowAndLogged: a case's notes are out of its document,
// in the note log (issue 20); the service reads them back for a page only
// for someone with need-to-know, and records the read, as it did when
// they were in the document. The export holds them too.
func TestNoteReadNeedToKnowAndLogged(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		c, err := f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version,
			Text: "The school's safeguarding lead will call back"})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Notes) != 0 || doc.NoteCount != 1 {
			t.Fatalf("the document holds %d notes, counts %d", len(doc.Notes), doc.NoteCount)
		}
		wantLoggedRead(t, db, f, c, f.Supervisor, "supervision", func(got *domain.Case) error {
			if ns := got.Notes; len(ns) != 1 || ns[0].Text != "The school's safeguarding lead will call back" {
				return fmt.Errorf("notes read: %+v", ns)
			}
			return nil
		}, "safeguarding lead will call back")
	})
}

// TestCorrectionNamesANoteOfTheCase: with the notes out of the document,
// a correction is checked against the note log: a note of the case may be
// corrected, one of another case may not, and the refusal appends nothing.
func TestCorrectionNamesANoteOfTheCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		note := func(c *domain.Case, text, corrects string) (*domain.Case, error) {
			return f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version, Text: text,
				Corrects: corrects})
		}
		a, b := f.Allocated(t), f.Allocated(t)
		a, err := note(a, "Visited on Monday", "")
		if err != nil {
			t.Fatal(err)
		}
		orig := a.Notes[0].ID
		if b, err = note(b, "Visited on Friday", ""); err != nil {
			t.Fatal(err)
		}
		// Another command, so that the note is only in the log.
		if a, err = note(a, "Called the school", ""); err != nil {
			t.Fatal(err)
		}
		seq, _ := db.LatestSeq(ctx)
		if _, err := note(b, "Visited on Tuesday", orig); !strings.Contains(strings.Join(problemRules(t, err), ","),
			"unknown_note") {
			t.Fatalf("corrected another case's note: %v", err)
		}
		if after, _ := db.LatestSeq(ctx); after != seq {
			t.Fatalf("a refused correction appended %d events", after-seq)
		}
		if a, err = note(a, "Visited on Tuesday", orig); err != nil {
			t.Fatalf("the case's own note, in the log: %v", err)
		}
		got, err := db.Notes(ctx, a.ID)
		if err != nil || len(got) != 3 || got[2].Corrects != orig || a.NoteCount != 3 {
			t.Fatalf("notes after the correction: %+v %v (count %d)", got, err, a.NoteCount)
		}
	})
}
