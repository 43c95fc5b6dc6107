package replay_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestOldNoticesFilledOnOpen: a record written before each decision owed
// kept its own date (migration 00042) has a victim's notice with no list.
// Rebuild told it from the replay, so a force that upgraded found its
// record "differs from its log". Opening the store fills the list from
// the case's log, and the record then equals its replay.
func TestOldNoticesFilledOnOpen(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, c := contacted(t, db)
		c, err := f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Suspect B"})
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []domain.SuspectStatus{domain.SuspectArrested, domain.SuspectCharged} {
			f.Clock.Advance(time.Hour)
			if c, err = f.Svc.SetSuspectStatus(ctx, f.Investigator, c.ID, service.SetSuspectStatus{Version: c.Version,
				Suspect: c.Suspects[0].ID, Status: st}); err != nil {
				t.Fatal(err)
			}
		}
		live, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := live.Victims[0].NoticeDue; n == nil || len(n.Each) != 2 {
			t.Fatalf("the victim is not owed two decisions: %+v", n)
		}
		// The document as the old fold wrote it: no list.
		var doc map[string]any
		b, _ := json.Marshal(live)
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		delete(doc["victims"].([]any)[0].(map[string]any)["notice_due"].(map[string]any), "each")
		b, _ = json.Marshal(doc)
		migrateOldShape(t, db, c.ID, b, "DELETE FROM notice_each_built")
		after, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if n := after.Victims[0].NoticeDue; n == nil || len(n.Each) != 2 || !n.Each[1].At.After(n.Each[0].At) {
			t.Errorf("each decision's date not restored: %+v", n)
		}
	})
}
