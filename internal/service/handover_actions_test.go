package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// leaverActionsForce is the fixture with DC Ivy Investigator's own case
// (her line of enquiry A1 on it allocated to herself) and DC Ian
// Investigator's case (A1 on it allocated to Ivy), DC Amy Lloyd serving,
// and Ivy marked as a leaver.
func leaverActionsForce(t *testing.T, st store.Store) (f *fixture.Force, amy *service.Actor, own, ians *domain.Case) {
	t.Helper()
	ctx := context.Background()
	f = fixture.New(t, st)
	amy = f.AddUser(t, service.NewUser{Username: "amy", Name: "Amy Lloyd", Collar: "C4411",
		Rank: domain.RankConstable, UnitID: f.TeamA, Roles: []domain.Role{domain.RoleInvestigator},
		Password: fixture.Password})
	ivy := f.Investigator.ID()
	own, ians = f.Allocated(t), f.Allocated(t)
	ians = ok(t)(f.Svc.AssignOwner(ctx, f.Supervisor, ians.ID, service.AssignOwner{Version: ians.Version,
		OwnerID: f.Investigator2.ID()}))
	own = ok(t)(f.Svc.RaiseAction(ctx, f.Investigator, own.ID, service.NewAction{Version: own.Version,
		Title: "Trace the vehicle"}))
	own = ok(t)(f.Svc.AllocateAction(ctx, f.Investigator, own.ID, service.AllocateAction{Version: own.Version,
		Action: own.Actions[0].ID, To: ivy}))
	ians = ok(t)(f.Svc.RaiseAction(ctx, f.Investigator2, ians.ID, service.NewAction{Version: ians.Version,
		Title: "Seize the laptop"}))
	ians = ok(t)(f.Svc.AllocateAction(ctx, f.Investigator2, ians.ID, service.AllocateAction{Version: ians.Version,
		Action: ians.Actions[0].ID, To: ivy}))
	if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: ivy, Reason: "retired"}); err != nil {
		t.Fatal(err)
	}
	own, ians = ok(t)(st.Case(ctx, own.ID)), ok(t)(st.Case(ctx, ians.ID))
	return f, amy, own, ians
}

// The walk of 7 December 2026 handed on CSE/2026/000420 and found its line
// of enquiry still "Allocated — DC Anna Harris (left)", and the board
// listing it under duties owed by people who have left, though the check
// page said the case's duties pass. The hand-on now reallocates the
// case's open lines of enquiry allocated to the leaver to its new officer
// in charge (their targets kept), listed on the check; a line of enquiry
// of hers on another officer's case is not moved behind that officer's
// back: the page names who must reallocate it, and the board still lists
// it as owed by a leaver until someone does.
func TestHandOnReallocatesTheLeaversLinesOfEnquiry(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, amy, own, ians := leaverActionsForce(t, db)
		ivy := f.Investigator.ID()
		act, other := own.Actions[0], ians.Actions[0]

		h := got(f.Svc.HandoverOf(ctx, f.Supervisor, ivy))(t)
		if len(h.Cases) != 1 || h.Cases[0].CaseID != own.ID || len(h.Cases[0].Actions) != 1 ||
			h.Cases[0].Actions[0].ActionID != act.ID {
			t.Fatalf("the hand-on lists %+v, want %s with its line of enquiry A1", h.Cases, own.Ref)
		}
		if len(h.Elsewhere) != 1 || h.Elsewhere[0].ActionID != other.ID || !h.Elsewhere[0].May ||
			!strings.Contains(h.Elsewhere[0].Who, "DC Ian Investigator, the officer in charge") ||
			!strings.Contains(h.Elsewhere[0].Who, "DS Sam Supervisor") {
			t.Fatalf("Ivy's line of enquiry on Ian's case: %+v", h.Elsewhere)
		}
		plan := got(f.Svc.CheckHandOn(ctx, f.Supervisor, ivy, service.HandOn{All: amy.ID()}))(t)
		if len(plan.Steps) != 1 || len(plan.Steps[0].Actions) != 1 || plan.Steps[0].Actions[0].Number != 1 ||
			!plan.Steps[0].Actions[0].Target.Equal(act.Target) || plan.Steps[0].Actions[0].NewTarget {
			t.Fatalf("the check does not list A1 going with the case, its target kept: %+v", plan.Steps)
		}
		if _, err := f.Svc.HandOn(ctx, f.Supervisor, ivy, service.HandOn{All: amy.ID()}); err != nil {
			t.Fatal(err)
		}
		after := ok(t)(db.Case(ctx, own.ID))
		a := after.Action(act.ID)
		if after.OwnerID != amy.ID() || a.AllocatedTo != amy.ID() || a.State != domain.ActionStateAllocated ||
			!a.Target.Equal(act.Target) {
			t.Errorf("after the hand-on, owner %s, A1 %s to %s by %s: want both Amy's, target %s", after.OwnerID,
				a.State, a.AllocatedTo, a.Target, act.Target)
		}
		for _, d := range after.Duties {
			if d.Status == domain.DutyOpen && d.Accountable == ivy {
				t.Errorf("%s %s still owed by the leaver", after.Ref, d.Kind)
			}
		}
		if c := ok(t)(db.Case(ctx, ians.ID)); c.Action(other.ID).AllocatedTo != ivy || c.OwnerID != f.Investigator2.ID() {
			t.Errorf("Ian's case changed by Ivy's hand-on: %+v", c.Action(other.ID))
		}
		owed := got(f.Svc.DutiesOfLeavers(ctx, f.Supervisor))(t)
		if len(owed) != 1 || owed[0].CaseID != ians.ID {
			t.Errorf("duties of leavers after the hand-on %+v, want only %s's line of enquiry", owed, ians.Ref)
		}
		h = got(f.Svc.HandoverOf(ctx, f.Supervisor, ivy))(t)
		if len(h.Cases) != 0 || len(h.Elsewhere) != 1 {
			t.Errorf("after the hand-on the page lists %d cases and %+v, want Ian's line of enquiry still",
				len(h.Cases), h.Elsewhere)
		}
		// Ian reallocates it: nothing is owed by a leaver any more.
		c := ok(t)(db.Case(ctx, ians.ID))
		ok(t)(f.Svc.AllocateAction(ctx, f.Investigator2, c.ID, service.AllocateAction{Version: c.Version,
			Action: other.ID, To: f.Investigator2.ID()}))
		if owed := got(f.Svc.DutiesOfLeavers(ctx, f.Supervisor))(t); len(owed) != 0 {
			t.Errorf("duties of leavers after Ian reallocated it: %+v", owed)
		}
		if h := got(f.Svc.HandoverOf(ctx, f.Supervisor, ivy))(t); len(h.Elsewhere) != 0 {
			t.Errorf("the page still lists %+v", h.Elsewhere)
		}
	})
}

// A line of enquiry whose target passed while it sat with the leaver
// takes the force's target from today when handed on (the officer given
// it today cannot already be late), and the check says it is new.
func TestHandOnGivesAPassedTargetANewOne(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, _, own, _ := leaverActionsForce(t, db)
		// The target has passed: the action takes the force's target
		// from today, and the check says so.
		f.Clock.Advance(own.Actions[0].Target.Sub(f.Clock.Now()) + 48*time.Hour)
		plan := got(f.Svc.CheckHandOn(ctx, f.Supervisor, f.Investigator.ID(),
			service.HandOn{All: f.Investigator2.ID()}))(t)
		a := plan.Steps[0].Actions[0]
		if !a.NewTarget || !a.Target.After(f.Clock.Now()) {
			t.Errorf("an overdue line of enquiry handed on: %+v, want a new target after today", a)
		}
	})
}

// A hand-on whose second case is changed by someone else after the check
// stopped with an error page that did not say the first had gone. Each
// case is handed on or not by itself: the result lists the cases handed
// on and those not, with why, and the rest may be chosen again.
func TestHandOnSaysWhatWasDoneWhenACaseChangedMeanwhile(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := &fixture.HookedStore{DB: db}
		f := fixture.New(t, st)
		a, b := f.Allocated(t), f.Allocated(t)
		ivy := f.Investigator.ID()
		if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: ivy, Reason: "retired"}); err != nil {
			t.Fatal(err)
		}
		var changed string
		st.N, st.Before = 2, func() { // the first case is handed on; then the other changes
			for _, id := range []string{a.ID, b.ID} {
				c := ok(t)(db.Case(ctx, id))
				if c.OwnerID == ivy {
					changed = c.Ref
					ok(t)(f.Svc.UpdateCase(ctx, f.Supervisor, c.ID, service.CaseUpdate{Version: c.Version,
						Summary: ptr("Summary corrected meanwhile")}))
					return
				}
			}
		}
		done, err := f.Svc.HandOn(ctx, f.Supervisor, ivy, service.HandOn{All: f.Investigator2.ID()})
		if err != nil {
			t.Fatalf("a case changed meanwhile: %v, want the result of the rest", err)
		}
		if changed == "" || len(done.Steps) != 1 || done.Steps[0].Ref == changed || len(done.Missed) != 1 ||
			done.Missed[0].Ref != changed || !strings.Contains(done.Missed[0].Why, "changed the case") || done.Left != 1 {
			t.Fatalf("result %+v: want one case handed on and %s listed as not, with why", done, changed)
		}
		if c := ok(t)(db.Case(ctx, done.Steps[0].CaseID)); c.OwnerID != f.Investigator2.ID() {
			t.Errorf("%s was reported handed on but is owned by %s", c.Ref, c.OwnerID)
		}
		// The rest, chosen again, goes.
		again, err := f.Svc.HandOn(ctx, f.Supervisor, ivy, service.HandOn{All: f.Investigator2.ID()})
		if err != nil || len(again.Steps) != 1 || again.Steps[0].Ref != changed {
			t.Fatalf("handing on the rest: %+v %v", again, err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// got is ok for any answer: got(f.Svc.HandoverOf(…))(t).
func got[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
