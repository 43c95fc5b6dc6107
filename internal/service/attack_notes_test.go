package service_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAttackNotesCorrectionOfAnotherCase: a correction must name a note of
// the same case; a note of another case (now only in the note log) is
// refused, and another team's officer cannot see or note the case.
func TestAttackNotesCorrectionOfAnotherCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		a, b := f.Allocated(t), f.Allocated(t)
		a, err := f.Svc.AddNote(ctx, f.Investigator, a.ID, service.NewNote{Version: a.Version, Text: "school visit"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.AddNote(ctx, f.Investigator, b.ID, service.NewNote{Version: b.Version,
			Text: "wrong", Corrects: a.Notes[0].ID}); err == nil {
			t.Error("a correction of another case's note was accepted")
		}
		if _, err := f.Svc.ViewCase(ctx, f.OtherTeam, a.Ref, "curious"); err == nil {
			t.Error("another team's officer viewed the case and its notes")
		}
		if _, err := f.Svc.AddNote(ctx, f.OtherTeam, a.ID, service.NewNote{Version: a.Version + 1,
			Text: "x", Corrects: a.Notes[0].ID}); err == nil {
			t.Error("another team's officer noted the case")
		}
	})
}
