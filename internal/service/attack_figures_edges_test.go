package service_test

import (
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAttackFiguresClosureAtMonthEdges: a closure refused, proposed again
// and approved exactly at a UTC month start (01:00 in London, BST), then
// reopened exactly at the next; the figures are compared with the scan at
// each edge and a second before it, and with the replay.
func TestAttackFiguresClosureAtMonthEdges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		rat := domain.Rationale{LinesConsidered: "Phone download, suspect interview, CCTV",
			WhyNoneRemain: "All enquiries complete and filed", SuspectsStatus: "Suspect interviewed, no admissions",
			VictimView: "Victim does not support a prosecution now"}
		at := func(s string) {
			t.Helper()
			tm, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			f.Clock.Set(tm)
			keptEqualsScan(t, svc, s)
		}
		c := f.Allocated(t)
		c = ok(t)(svc.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
			Summary: "Reviewed: all enquiries complete"}))
		at("2026-03-31T23:59:59Z")
		c = ok(t)(svc.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
			Outcome: "18", Rationale: rat}))
		c = ok(t)(svc.RejectClosure(ctx, f.Supervisor, c.ID, service.RejectClosure{Version: c.Version,
			Reason: "speak to the school"}))
		at("2026-04-01T00:00:00Z")
		c = ok(t)(svc.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
			Outcome: "18", Rationale: rat}))
		c = ok(t)(svc.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}))
		at("2026-04-30T23:59:59Z")
		at("2026-05-01T00:00:00Z")
		if c = ok(t)(svc.Reopen(ctx, f.Supervisor, c.ID, service.Reopen{Version: c.Version,
			Reason: "new evidence"})); c.Status == domain.StatusClosed {
			t.Fatal("the case did not reopen")
		}
		at("2026-05-01T00:00:01Z")
		at("2026-06-01T00:00:00Z")
		f.Allocated(t)
		at("2026-07-01T00:00:00Z")
		if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
			t.Fatalf("figures differ from the replay: %v %v", d, err)
		}
	})
}
