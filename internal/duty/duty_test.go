package duty_test

import (
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/policy"
)

// TestApproverIsTheLowestRankThatMay: a department with a chief inspector
// and an inspector gives a closure an inspector may approve to the
// inspector, whichever of them was added first (the lower id); one that
// needs a chief inspector goes to the chief inspector.
func TestApproverIsTheLowestRankThatMay(t *testing.T) {
	org := domain.NewOrgState()
	org.Units["force"] = &domain.Unit{ID: "force", Kind: domain.UnitForce}
	org.Units["dept"] = &domain.Unit{ID: "dept", Kind: domain.UnitDepartment, ParentID: "force"}
	org.Units["team"] = &domain.Unit{ID: "team", Kind: domain.UnitTeam, ParentID: "dept"}
	user := func(id string, rank domain.Rank, unit string, role domain.Role) {
		org.Users[id] = &domain.User{ID: id, Name: id, Rank: rank, UnitID: unit, Roles: []domain.Role{role}, Active: true}
	}
	user("a-dci", domain.RankChiefInspector, "dept", domain.RoleManager)
	user("b-di", domain.RankInspector, "dept", domain.RoleSupervisor)
	user("c-ds", domain.RankSergeant, "team", domain.RoleSupervisor)
	user("d-dc", domain.RankConstable, "team", domain.RoleInvestigator)
	pol := policy.Default()
	c := &domain.Case{ID: "c1", TeamID: "team", OwnerID: "d-dc",
		Closure: &domain.Closure{ID: "cl1", Outcome: "10", ProposedBy: "d-dc"}}
	if got := duty.Approver(org, c, pol, c.UpdatedAt); got != "b-di" {
		t.Errorf("outcome 10 needs an inspector: want the department's inspector, got %s", got)
	}
	c.Closure.Outcome = "1"
	if got := duty.Approver(org, c, pol, c.UpdatedAt); got != "c-ds" {
		t.Errorf("outcome 1 needs a sergeant: want the team's sergeant, got %s", got)
	}
	org.Users["b-di"].Active = false
	c.Closure.Outcome = "10"
	if got := duty.Approver(org, c, pol, c.UpdatedAt); got != "a-dci" {
		t.Errorf("with no inspector serving, want the chief inspector, got %s", got)
	}
}

// TestReviewOutcomeDueWithinTheReview: a Right to Review's outcome is owed
// within the notice period from the decision, or by the end of the review's
// own time from the request (VRR: 30 working days) if that is sooner, but
// never before the decision itself.
func TestReviewOutcomeDueWithinTheReview(t *testing.T) {
	pol, cal := policy.Default(), calendar.Default()
	asked := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	by := pol.Due(duty.VRRReview, asked, cal)
	for _, tc := range []struct {
		name    string
		decided time.Time
		want    time.Time
	}{
		{"decided early", asked.AddDate(0, 0, 7), pol.Due("decision_notice_standard", asked.AddDate(0, 0, 7), cal)},
		{"decided a day before the review's end", by.Add(-24 * time.Hour), by},
		{"decided late", by.Add(time.Hour), pol.Due("decision_notice_standard", by.Add(time.Hour), cal)},
	} {
		v := &domain.Victim{NoticeDue: &domain.Notice{Decision: "Victims' Right to Review not upheld",
			At: tc.decided, Each: []domain.Owed{{Decision: "Victims' Right to Review not upheld", At: tc.decided,
				ReviewAsked: asked}}}}
		if got := duty.NoticeDeadline(v, pol, cal); !got.Equal(tc.want) {
			t.Errorf("%s: due %s, want %s", tc.name, got, tc.want)
		}
	}
}
