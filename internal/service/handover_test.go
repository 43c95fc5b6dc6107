package service_test

import (
	"context"
	"errors"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// handoverForce is the fixture with two cases of DC Ivy Investigator (one
// with a victim, so victims' duties are hers too), DC Amy Lloyd serving in
// her team, and Ivy marked as a leaver and swept: "Owner has left" stands
// on both cases.
func handoverForce(t *testing.T, db *sqlstore.DB) (*fixture.Force, *service.Actor, []*domain.Case) {
	t.Helper()
	ctx := context.Background()
	f := fixture.New(t, db)
	amy := f.AddUser(t, service.NewUser{Username: "amy", Name: "Amy Lloyd", Collar: "C4411",
		Rank: domain.RankConstable, UnitID: f.TeamA, Roles: []domain.Role{domain.RoleInvestigator},
		Password: fixture.Password})
	a, b := f.Allocated(t), f.Allocated(t)
	b, err := f.Svc.AddVictim(ctx, f.Liaison, b.ID, service.NewVictim{Version: b.Version, Name: "Vicky Vale",
		DateOfBirth: "2011-04-02"})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: f.Investigator.ID(), Reason: "retired"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{}); err != nil {
		t.Fatal(err)
	}
	var cs []*domain.Case
	for _, c := range []*domain.Case{a, b} {
		c, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.OpenFinding(service.FindingOrphaned) == nil {
			t.Fatalf("%s: the watchdog raised no \"Owner has left\"", c.Ref)
		}
		cs = append(cs, c)
	}
	return f, amy, cs
}

// A supervisor hands every open case of a leaver to one officer: each case
// passes by AssignOwner, so the leaver's duties, and the victims' duties
// the sergeant held since she left, become the new officer's with their
// due times kept, and the watchdog's "Owner has left" clears.
func TestHandOnGivesAllALeaversCasesToOneOfficer(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, amy, cs := handoverForce(t, db)
		ivy, sarge := f.Investigator.ID(), f.Supervisor.ID()
		// The leaver's open duties, by case, kind and subject, and the
		// victims' duties, which passed to the sergeant when she left
		// (a2764b3): the new officer in charge takes both.
		due := map[string]domain.Duty{}
		victimDuties := 0
		for _, c := range cs {
			for _, d := range c.Duties {
				if d.Status != domain.DutyOpen {
					continue
				}
				if d.Subject != "" && d.Accountable == ivy {
					t.Errorf("%s %s: still owed by the leaver", c.Ref, d.Kind)
				}
				if d.Accountable == ivy || (d.Subject != "" && d.Accountable == sarge) {
					due[c.ID+" "+d.Kind+" "+d.Subject] = d
				}
				if d.Subject != "" && d.Accountable == sarge {
					victimDuties++
				}
			}
		}
		if victimDuties == 0 {
			t.Fatalf("the sergeant holds no victim duty of the leaver's cases to hand on: %+v", due)
		}
		ls, err := f.Svc.LeaversToHandOn(ctx, f.Supervisor)
		if err != nil {
			t.Fatal(err)
		}
		if len(ls) != 1 || ls[0].UserID != ivy || ls[0].Cases != 2 {
			t.Fatalf("leavers to hand on %+v, want DC Ivy Investigator with 2 cases", ls)
		}
		h, err := f.Svc.HandoverOf(ctx, f.Supervisor, ivy)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Cases) != 2 {
			t.Fatalf("hand-on lists %d cases, want 2", len(h.Cases))
		}
		offered := map[string]bool{}
		for _, o := range h.Cases[0].Officers {
			offered[o.ID] = true
		}
		if !offered[amy.ID()] || !offered[f.Supervisor.ID()] || offered[ivy] {
			t.Errorf("officers offered %+v: want Amy and the sergeant, never the leaver", h.Cases[0].Officers)
		}
		in := service.HandOn{All: amy.ID()}
		for _, c := range h.Cases {
			in.Cases = append(in.Cases, service.HandOnCase{CaseID: c.CaseID, Version: c.Version})
		}
		done, err := f.Svc.HandOn(ctx, f.Supervisor, ivy, in)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := done.Message(), "2 cases handed to DC Amy Lloyd"; got != want {
			t.Errorf("message %q, want %q", got, want)
		}
		if _, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{}); err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			c, err := db.Case(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.OwnerID != amy.ID() {
				t.Errorf("%s owned by %s, want Amy", c.Ref, c.OwnerID)
			}
			if c.OpenFinding(service.FindingOrphaned) != nil {
				t.Errorf("%s: \"Owner has left\" still open after the hand-on", c.Ref)
			}
			for _, d := range c.Duties {
				key := c.ID + " " + d.Kind + " " + d.Subject
				was, ok := due[key]
				if !ok || d.Status != domain.DutyOpen {
					continue
				}
				delete(due, key)
				if d.Accountable != amy.ID() || !d.Due.Equal(was.Due) {
					t.Errorf("%s %s: owed by %s due %s, want Amy due %s", c.Ref, d.Kind, d.Accountable, d.Due, was.Due)
				}
			}
		}
		if len(due) != 0 {
			t.Errorf("duties of the leaver did not pass to Amy: %+v", due)
		}
		ls, err = f.Svc.LeaversToHandOn(ctx, f.Supervisor)
		if err != nil || len(ls) != 0 {
			t.Errorf("after the hand-on, leavers to hand on %+v (%v), want none", ls, err)
		}
	})
}

// Only the leaver's supervisor chain may hand on their cases, never to
// someone who has left, and a bad choice refuses every case with every
// reason at once: nothing changes hands.
func TestHandOnIsRefusedOutsideTheChainAndForLeavers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, amy, cs := handoverForce(t, db)
		ivy := f.Investigator.ID()
		all := func(owners ...string) service.HandOn {
			var in service.HandOn
			for i, c := range cs {
				in.Cases = append(in.Cases, service.HandOnCase{CaseID: c.ID, Version: c.Version, OwnerID: owners[i]})
			}
			return in
		}
		// An investigator is no supervisor; another team's sergeant
		// has none of the cases in their command.
		if _, err := f.Svc.HandOn(ctx, f.Investigator2, ivy, all(amy.ID(), amy.ID())); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("an investigator's hand-on: %v, want forbidden", err)
		}
		if ls, err := f.Svc.LeaversToHandOn(ctx, f.Investigator2); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("an investigator is offered leavers %+v (%v)", ls, err)
		}
		if _, err := f.Svc.HandOn(ctx, f.OtherTeam, ivy, all(amy.ID(), amy.ID())); err == nil {
			t.Errorf("another team's sergeant handed on the cases")
		}
		// Ian leaves too: he may not be chosen, and the manager (no
		// investigator) may not either; both reasons come at once.
		if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: f.Investigator2.ID(), Reason: "moved"}); err != nil {
			t.Fatal(err)
		}
		h, err := f.Svc.HandoverOf(ctx, f.Supervisor, ivy)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range h.Cases[0].Officers {
			if o.ID == f.Investigator2.ID() {
				t.Errorf("a leaver is offered to take a case: %+v", o)
			}
		}
		_, err = f.Svc.HandOn(ctx, f.Supervisor, ivy, all(f.Investigator2.ID(), f.Manager.ID()))
		ps, ok := domain.AsProblems(err)
		if !ok || len(ps) != 2 || ps[0].Rule != "inactive_user" || ps[0].Field != service.HandOnField(cs[0].ID) ||
			ps[1].Field != service.HandOnField(cs[1].ID) {
			t.Fatalf("hand-on to a leaver and a manager: %v (%+v), want both refused at once", err, ps)
		}
		// Nothing chosen is a problem too.
		if _, err := f.Svc.HandOn(ctx, f.Supervisor, ivy, all("", "")); !isProblem(err, "required") {
			t.Errorf("an empty hand-on: %v", err)
		}
		for _, c := range cs {
			c, err := db.Case(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if c.OwnerID != ivy || c.Version != cs[0].Version && c.Version != cs[1].Version {
				t.Errorf("%s changed by a refused hand-on: owner %s", c.Ref, c.OwnerID)
			}
		}
		// Case by case: one to Amy, the other left for later.
		done, err := f.Svc.HandOn(ctx, f.Supervisor, ivy, all(amy.ID(), ""))
		if err != nil {
			t.Fatal(err)
		}
		if done.Message() != "1 case handed to DC Amy Lloyd" || done.Left != 1 {
			t.Errorf("case-by-case hand-on: %q, %d left", done.Message(), done.Left)
		}
	})
}

func isProblem(err error, rule string) bool {
	ps, ok := domain.AsProblems(err)
	return ok && len(ps) > 0 && ps[0].Rule == rule
}
