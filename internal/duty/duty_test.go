package duty_test

import (
	"encoding/json"
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

// TestVictimDutiesHandedOverOnAllocation: a referral nobody has been given
// owes its victim first contact, a contact plan and a support referral,
// owed by the team's supervisor and due from when she was recorded; given
// an officer, each is owed by them with the same due time and the same
// place on the escalation ladder, so the ladder does not start again.
func TestVictimDutiesHandedOverOnAllocation(t *testing.T) {
	org := domain.NewOrgState()
	org.Units["team"] = &domain.Unit{ID: "team", Kind: domain.UnitTeam}
	org.Users["ds"] = &domain.User{ID: "ds", Rank: domain.RankSergeant, UnitID: "team",
		Roles: []domain.Role{domain.RoleSupervisor}, Active: true}
	org.Users["dc"] = &domain.User{ID: "dc", Rank: domain.RankConstable, UnitID: "team",
		Roles: []domain.Role{domain.RoleInvestigator}, Active: true}
	r := duty.Rules{Policy: policy.Default(), Calendar: calendar.Default()}
	added := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	c := &domain.Case{ID: "c1", TeamID: "team", Status: domain.StatusReferral, OpenedAt: added,
		Victims: []domain.Victim{{ID: "v1", Enhanced: true, AddedAt: added}}}
	due := map[string]time.Time{}
	for _, w := range r.Wanted(c, org) {
		if w.Subject == "v1" {
			if w.Accountable != "ds" {
				t.Errorf("unallocated: %s owed by %q, want the supervisor", w.Kind, w.Accountable)
			}
			due[w.Kind] = w.Due
		}
	}
	for _, k := range []string{duty.FirstVictimContact, duty.ContactPlan, duty.SupportReferral} {
		if want := r.Policy.Due(k, added, r.Calendar); !due[k].Equal(want) {
			t.Errorf("unallocated: %s due %s, want %s", k, due[k], want)
		}
	}
	// First contact fell due and the sergeant was told (step 1); the
	// others are not due yet.
	next := map[string]time.Time{}
	level := map[string]int{duty.FirstVictimContact: 1}
	for k, at := range due {
		next[k] = at
		if k == duty.FirstVictimContact {
			next[k] = at.Add(24 * time.Hour)
		}
		c.Duties = append(c.Duties, domain.Duty{ID: "c1.d" + k, Kind: k, Subject: "v1", Accountable: "ds",
			TeamID: "team", Due: at, Status: domain.DutyOpen, Escalation: level[k], NextAt: next[k]})
	}
	at := next[duty.FirstVictimContact]
	c.OwnerID, c.AllocatedAt, c.Status = "dc", at, domain.StatusOpen
	evs, err := r.Reconcile(c, org, "ds", at)
	if err != nil {
		t.Fatal(err)
	}
	handed := 0
	for _, e := range evs {
		var p domain.DutyOpened
		if e.Type != domain.EvDutyOpened || json.Unmarshal(e.Payload, &p) != nil || p.Duty.Subject != "v1" {
			continue
		}
		d := p.Duty
		handed++
		if d.Accountable != "dc" || !d.Due.Equal(due[d.Kind]) || d.Escalation != level[d.Kind] ||
			!d.NextAt.Equal(next[d.Kind]) {
			t.Errorf("handed over: %+v, want dc's, due %s, at level %d, next step %s", d, due[d.Kind],
				level[d.Kind], next[d.Kind])
		}
	}
	if handed != len(due) {
		t.Errorf("%d victim duties handed over, want %d", handed, len(due))
	}
}
