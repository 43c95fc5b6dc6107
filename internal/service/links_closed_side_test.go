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
// case's side of a link owes no review duty, so its owner and supervisor
// learn of the link only by the alert. An unnamed man's shared van is not
// alerted by default (policy.Links.AlertUnnamed), and "told once a person"
// held back later alerts: Team A's closed case would never hear that its
// unidentified driver now has a name on Team C's case. The side with no
// duty is always told.
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
		before := map[*service.Actor]int{f.Investigator: linkAlertCount(t, f, f.Investigator),
			f.Supervisor: linkAlertCount(t, f, f.Supervisor)}

		b := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
		b = ok(t)(svc.AddSuspect(ctx, f.OtherTeam, b.ID, service.NewSuspect{Version: b.Version,
			Name: "Dean Reid", DateOfBirth: "1984-02-03", Vehicle: "PE20 FEF"}))
		if len(b.Links) != 1 || b.Links[0].OtherCase != c.ID {
			t.Fatalf("the shared van raised links %+v, want one to %s", b.Links, c.Ref)
		}
		for _, who := range []*service.Actor{f.Investigator, f.Supervisor} {
			if n := linkAlertCount(t, f, who); n != before[who]+1 {
				t.Errorf("%s was told of %d new links on the closed case %s, want 1: nobody else owes its review",
					who.User.Name, n-before[who], c.Ref)
			}
		}
		// A second named bearer of the van on another case: the closed
		// side is told again, as nothing on it is owed (no duty to work
		// the first from).
		d := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
		d = ok(t)(svc.AddSuspect(ctx, f.OtherTeam, d.ID, service.NewSuspect{Version: d.Version,
			Name: "Dean Reid", DateOfBirth: "1984-02-03", Vehicle: "PE20 FEF"}))
		if len(d.Links) == 0 {
			t.Fatalf("the second bearer of the van raised no links")
		}
		if n := linkAlertCount(t, f, f.Investigator); n != before[f.Investigator]+2 {
			t.Errorf("Ivy was told of %d links on the closed case, want 2", n-before[f.Investigator])
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
