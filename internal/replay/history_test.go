package replay_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestOldDocumentsSplitOnOpen: a record written before the duty history
// (migration 00028) kept every duty in its case's document. Opening the
// store moves the closed ones to the duty history, and the record then
// equals its replay, as one written since does.
func TestOldDocumentsSplitOnOpen(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t) // allocating met the referral's allocation duty
		f.Clock.Advance(time.Hour)
		if _, err := f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version,
			Text: "seen"}); err != nil {
			t.Fatal(err)
		}
		closed, err := db.ClosedDuties(ctx, c.ID)
		if err != nil || len(closed) == 0 {
			t.Fatalf("no closed duty in the history to move back: %v %v", closed, err)
		}
		live, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		// The document as the old fold wrote it.
		old := *live
		old.Duties = append(closed, live.Duties...)
		old.DutyCount, old.LastDutyClosed, old.ApprovalEnded = 0, time.Time{}, nil
		doc, err := json.Marshal(&old)
		if err != nil {
			t.Fatal(err)
		}
		migrateOldShape(t, db, c.ID, doc, "DELETE FROM duty_history WHERE case_id = ?",
			"DELETE FROM duty_history_built")
		got, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range got.Duties {
			if d.Status != domain.DutyOpen && d.Status != domain.DutyWaived {
				t.Errorf("duty %s (%s) left in the document", d.ID, d.Status)
			}
		}
	})
}
