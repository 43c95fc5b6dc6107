package service_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestClosedSideOfAnUnnamedLinkIsTold (found by the reviewer): a closed
// case's side of a link owes no review duty, and an unnamed man's shared
// van is not alerted by default (policy.Links.AlertUnnamed): "told once a
// person" held back later alerts, so Team A's closed case never heard
// that its unidentified driver now had a name on Team C's case. The
// closed side is told whatever the policy holds back, and its officer in
// charge and supervisor see it whether or not they still owe a duty on
// the closed case (found by the reviewer: d5a1790 hid it from the
// supervisor, owing nothing, and from the officer once the victim was
// told of the decision — so nobody on the closed case heard of the link,
// nor of the open side closing without reviewing it). The possible links
// of one case are one row of the inbox, counting them.
func TestClosedSideOfAnUnnamedLinkIsTold(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		c := f.Allocated(t)
		c = ok(t)(svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Description: "Unidentified driver of a silver Astra, VRM PE20FEF.", Vehicle: "PE20FEF"}))
		c = closeWithVictim(t, f, c, f.Supervisor, auditRationale)
		if c.Status.IsOpen() {
			t.Fatal("setup: the case should be closed")
		}
		owes := func(a *service.Actor) bool {
			items, err := svc.MyWork(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.CaseID == c.ID {
					return true
				}
			}
			return false
		}
		if !owes(f.Investigator) || owes(f.Supervisor) {
			t.Fatalf("setup: Ivy owes a duty on the closed case: %v, Sam: %v; want only Ivy", owes(f.Investigator),
				owes(f.Supervisor))
		}
		before := map[*service.Actor]int{f.Investigator: linkAlertCount(t, f, f.Investigator),
			f.Supervisor: linkAlertCount(t, f, f.Supervisor)}

		b := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
		b = ok(t)(svc.AddSuspect(ctx, f.OtherTeam, b.ID, service.NewSuspect{Version: b.Version,
			Name: "Dean Reid", DateOfBirth: "1984-02-03", Vehicle: "PE20 FEF"}))
		if len(b.Links) != 1 || b.Links[0].OtherCase != c.ID {
			t.Fatalf("the shared van raised links %+v, want one to %s", b.Links, c.Ref)
		}
		if n := linkAlertCount(t, f, f.Investigator); n != before[f.Investigator]+1 {
			t.Errorf("Ivy was told of %d new links on the closed case %s, want 1: she still owes a duty on it",
				n-before[f.Investigator], c.Ref)
		}
		if n := linkAlertCount(t, f, f.Supervisor); n != before[f.Supervisor]+1 {
			t.Errorf("Sam was shown %d new links on the closed case %s, want 1: owing nothing on it, he is "+
				"still its supervisor, who would reopen it", n-before[f.Supervisor], c.Ref)
		}
		// A second named bearer of the van on another case: the closed
		// side is told again, as nothing on it is owed (no duty to work
		// the first from) — in the same row of the inbox.
		d := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
		d = ok(t)(svc.AddSuspect(ctx, f.OtherTeam, d.ID, service.NewSuspect{Version: d.Version,
			Name: "Dean Reid", DateOfBirth: "1984-02-03", Vehicle: "PE20 FEF"}))
		if len(d.Links) == 0 {
			t.Fatalf("the second bearer of the van raised no links")
		}
		if n := linkAlertCount(t, f, f.Investigator); n != before[f.Investigator]+2 {
			t.Errorf("Ivy was told of %d links on the closed case, want 2", n-before[f.Investigator])
		}
		in, err := svc.Inbox(ctx, f.Investigator)
		if err != nil {
			t.Fatal(err)
		}
		rows := 0
		for _, al := range in {
			if al.Kind == domain.AlertLink && al.CaseID == c.ID {
				rows++
				if al.Count != 2 || len(al.Seqs) != 2 {
					t.Errorf("the row of %s's links counts %d (%d alerts), want 2", c.Ref, al.Count, len(al.Seqs))
				}
			}
		}
		if rows != 1 {
			t.Errorf("Ivy's inbox has %d rows of links on %s, want one", rows, c.Ref)
		}
		// Ivy tells the victim of the decision: she owes nothing more on
		// the closed case, and still sees its links.
		if c, err = db.Case(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		c = ok(t)(svc.RecordContact(ctx, f.Investigator, c.ID, service.RecordContact{Version: c.Version,
			Victim: c.Victims[0].ID, Kind: domain.ContactDecision, Method: "phone",
			Note: "Told her the case is closed and why"}))
		if owes(f.Investigator) {
			t.Fatalf("setup: Ivy still owes a duty on %s after telling the victim of the decision", c.Ref)
		}
		if n := linkAlertCount(t, f, f.Investigator); n != before[f.Investigator]+2 {
			t.Errorf("Ivy, owing nothing more on the closed case, is shown %d of its 2 links", n-before[f.Investigator])
		}
	})
}

// closeWithVictim closes c, an allocated TeamA case, with a child victim
// whose view is recorded, its review by reviewer, approved by the
// inspector.
func closeWithVictim(t *testing.T, f *fixture.Force, c *domain.Case, reviewer *service.Actor,
	rat domain.Rationale) *domain.Case {
	t.Helper()
	svc := f.Svc
	c = ok(t)(svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A",
		DateOfBirth: "2011-03-02"}))
	vid := c.Victims[0].ID
	c = ok(t)(svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: vid,
		Kind: domain.ContactAccount, Method: "ABE interview", Note: "account recorded"}))
	c = ok(t)(svc.RecordVictimView(ctx, f.Liaison, c.ID, service.RecordVictimView{Version: c.Version, Victim: vid,
		View: "Does not want to go to court"}))
	c = ok(t)(svc.RecordReview(ctx, reviewer, c.ID, service.RecordReview{Version: c.Version,
		Summary: "Reviewed: all enquiries complete"}))
	c = ok(t)(svc.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version, Outcome: "18",
		Rationale: rat}))
	return ok(t)(svc.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}))
}
