package service_test

import (
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestDecisionDutiesAreNotWaived: the walk of the demo found a sergeant
// waiving the inspector's "approve or send back the closure"; the case
// still awaited approval with nobody owing it. A decision is met only by
// the decision: the waiver is refused, the page is not offered it, and
// the approver still owes it.
func TestDecisionDutiesAreNotWaived(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		c := f.Allocated(t)
		c = ok(t)(svc.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
			Summary: "Reviewed: all enquiries complete"}))
		c = ok(t)(svc.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
			Outcome: "18", Rationale: domain.Rationale{LinesConsidered: "All lines worked",
				WhyNoneRemain: "Every action filed", SuspectsStatus: "None identified",
				VictimView: "Victim content"}}))
		approval := openDuty(c, duty.ClosureApproval)
		if approval == nil {
			t.Fatalf("a proposed closure owes an approval: %+v", c.Duties)
		}
		for _, a := range []*service.Actor{f.Supervisor, f.Inspector, f.Manager} {
			_, err := svc.WaiveDuty(ctx, a, c.ID, service.WaiveDuty{Version: c.Version, Duty: approval.ID,
				Reason: "dealt with at the morning meeting"})
			if p, isP := domain.AsProblems(err); !isP || !slices.Contains(rules(p), "not_waivable") {
				t.Fatalf("%s waived the closure approval: %v", a.User.Name, err)
			}
			perm, err := svc.PermissionsOn(ctx, a, c)
			if err != nil {
				t.Fatal(err)
			}
			if perm.CanOn("waive-duty", approval.ID) {
				t.Fatalf("%s is offered the waiver of the closure approval", a.User.Name)
			}
		}
		c = ok(t)(svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version, Text: "still waiting"}))
		if d := openDuty(c, duty.ClosureApproval); d == nil || d.ID != approval.ID {
			t.Fatalf("the approval is no longer owed: %+v", c.Duties)
		}
	})
}

// TestEveryDecisionKindRefusesWaiver: the rule itself, kind by kind — the
// decisions (and allocation and supervision) are never waivable; the work
// duties a supervisor may release an officer from still are.
func TestEveryDecisionKindRefusesWaiver(t *testing.T) {
	for _, k := range []string{duty.AllocateReferral, duty.SupervisoryReview, duty.ClosureApproval,
		duty.TransferAccept, duty.VRRAcknowledge, duty.VRRReview, duty.BreakGlassReview, duty.FindingResponse,
		duty.ActionReview, domain.DutyLinkRev} {
		if ok, instead := duty.Waivable(k); ok || instead == "" {
			t.Errorf("%s: waivable %v, instead %q", k, ok, instead)
		}
	}
	for _, k := range []string{duty.InvestigationPlan, duty.FirstVictimContact, duty.ContactPlan,
		duty.VictimUpdate, duty.ActionTarget} {
		if ok, _ := duty.Waivable(k); !ok {
			t.Errorf("%s: a work duty a supervisor may waive is refused", k)
		}
	}
}
