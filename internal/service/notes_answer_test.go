package service_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestCommandAnswerHoldsEveryNote: a command's answer made whole (what
// POST /api/v1/cases/{ref}/notes and every other case command send back
// as the case record, through WholeCase) lists every note of the case,
// as its document held them, not only those the command added.
func TestCommandAnswerHoldsEveryNote(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		var err error
		for _, text := range []string{"first", "second"} {
			if c, err = f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version, Text: text}); err != nil {
				t.Fatal(err)
			}
			c = whole(t, f, c)
		}
		if len(c.Notes) != c.NoteCount {
			t.Errorf("AddNote answers %d notes of the case's %d", len(c.Notes), c.NoteCount)
		}
		c, err = f.Svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
			OwnerID: f.Investigator2.ID(), Reason: "rota"})
		if err != nil {
			t.Fatal(err)
		}
		c = whole(t, f, c)
		if len(c.Notes) != c.NoteCount {
			t.Errorf("AssignOwner answers %d notes of the case's %d", len(c.Notes), c.NoteCount)
		}
	})
}

// TestCommandAnswerHoldsEveryReview: as for notes, a command's answer made
// whole lists every review of the case, not only one the command recorded.
func TestCommandAnswerHoldsEveryReview(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		var err error
		for _, text := range []string{"first review", "second review"} {
			if c, err = f.Svc.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version, Summary: text}); err != nil {
				t.Fatal(err)
			}
			c = whole(t, f, c)
		}
		if len(c.Reviews) != 2 || c.ReviewCount != 2 {
			t.Errorf("RecordReview answers %d reviews of the case's %d", len(c.Reviews), c.ReviewCount)
		}
		c, err = f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version, Text: "a note"})
		if err != nil {
			t.Fatal(err)
		}
		c = whole(t, f, c)
		if len(c.Reviews) != c.ReviewCount {
			t.Errorf("AddNote answers %d reviews of the case's %d", len(c.Reviews), c.ReviewCount)
		}
	})
}

// whole is command answer c as the API sends it (service.WholeCase).
func whole(t *testing.T, f *fixture.Force, c *domain.Case) *domain.Case {
	t.Helper()
	c, err := f.Svc.WholeCase(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
