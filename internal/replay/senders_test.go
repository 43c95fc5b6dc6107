package replay_test

import (
	"encoding/json"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestOldClosureSendersFilledOnOpen: a record written before a closure
// sent back kept who sent it back and when (migration 00050) has past
// closures with only the reason. Rebuild told them from the replay, so a
// force that upgraded would find its record "differs from its log" (the
// review of b9970f4 found it). Opening the store fills them from the
// case's log, and the record then equals its replay.
func TestOldClosureSendersFilledOnOpen(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		must := func(c *domain.Case, err error) *domain.Case {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		c := f.Allocated(t)
		c = must(svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
			DateOfBirth: "2011-03-02"}))
		v := c.Victims[0]
		for _, k := range []string{domain.ContactAccount, domain.ContactSupportReferral} {
			c = must(svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v.ID,
				Kind: k, Method: "phone"}))
		}
		c = must(svc.AgreeContactPlan(ctx, f.Liaison, c.ID, service.AgreeContactPlan{Version: c.Version,
			Victim: v.ID, EveryDays: 14, Method: "phone"}))
		c = must(svc.RecordVictimView(ctx, f.Liaison, c.ID, service.RecordVictimView{Version: c.Version,
			Victim: v.ID, View: "Does not want to go to court now"}))
		c = must(svc.SetPlan(ctx, f.Investigator, c.ID, service.SetPlan{Version: c.Version, Plan: "Safeguard"}))
		c = must(svc.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
			Summary: "Reviewed: evidential difficulties"}))
		c = must(svc.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
			Outcome: "15", Rationale: domain.Rationale{
				LinesConsidered: "Phone download, suspect enquiries, CCTV",
				WhyNoneRemain:   "All enquiries complete and filed",
				SuspectsStatus:  "No suspect identified despite enquiries",
				VictimView:      "Victim does not support a prosecution now",
			}}))
		c = must(svc.RejectClosure(ctx, f.Inspector, c.ID, service.RejectClosure{Version: c.Version,
			Reason: "Download the victim's phone before this closes"}))
		live, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(live.Closures) != 1 || live.Closures[0].RejectedBy != f.Inspector.ID() {
			t.Fatalf("the closure sent back does not say by whom: %+v", live.Closures)
		}
		// The document as the old fold wrote it: the reason only.
		var doc map[string]any
		b, _ := json.Marshal(live)
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		past := doc["closures"].([]any)[0].(map[string]any)
		delete(past, "rejected_by")
		delete(past, "rejected_at")
		b, _ = json.Marshal(doc)
		migrateOldShape(t, db, c.ID, b, "DELETE FROM closure_senders_built")
		after, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cl := after.Closures[0]; cl.RejectedBy != f.Inspector.ID() || !cl.RejectedAt.Equal(live.Closures[0].RejectedAt) {
			t.Errorf("who sent it back and when not restored: %+v", cl)
		}
	})
}
