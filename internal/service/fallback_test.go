package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// inboxHas reports whether a's inbox holds an item about ref.
func inboxHas(t *testing.T, f *fixture.Force, a *service.Actor, ref string) bool {
	t.Helper()
	items, err := f.Svc.Inbox(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		if strings.Contains(it.Text, ref) {
			return true
		}
	}
	return false
}

// A team whose chain of command has no active supervisor or manager: its
// duties are owed by the force's fallback (its most senior active
// manager, wherever they sit), and every escalation step reaches an
// active person — never nobody.
func TestDutyWithNobodyInTheChainFallsBackToTheForce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		svc := f.Svc
		// A new department straight under the force, with one team and
		// an investigator in it, and no supervisor anywhere above. The
		// force-level manager (max) leaves, so the chain has no manager
		// either: only ines, an inspector in another department, remains.
		dept, err := svc.CreateUnit(
			ctx,
			f.Admin,
			service.NewUnit{Name: "Online Harms", Kind: domain.UnitDepartment, ParentID: f.ForceID},
		)
		if err != nil {
			t.Fatal(err)
		}
		team, err := svc.CreateUnit(
			ctx,
			f.Admin,
			service.NewUnit{Name: "OCSAE Team", Kind: domain.UnitTeam, ParentID: dept.ID},
		)
		if err != nil {
			t.Fatal(err)
		}
		u, err := svc.CreateUser(
			ctx,
			f.Admin,
			service.NewUser{
				Username: "nora",
				Name:     "DC Nora New",
				Collar:   "C77",
				Rank:     domain.RankConstable,
				UnitID:   team.ID,
				Roles:    []domain.Role{domain.RoleInvestigator},
				Password: fixture.Password,
			},
		)
		if err != nil {
			t.Fatal(err)
		}
		nora := &service.Actor{User: *u}
		if err := svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: f.Manager.ID(), Reason: "retired"}); err != nil {
			t.Fatal(err)
		}
		org, err := db.Org(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := duty.Fallback(org); got != f.Inspector.ID() {
			t.Fatalf("the fallback is %q, want ines, the most senior active manager", got)
		}

		c, err := svc.OpenReferral(
			ctx,
			nora,
			service.NewReferral{
				TeamID:       team.ID,
				Summary:      "Online grooming of a 13-year-old",
				OffenceTypes: []string{"child_sexual_exploitation"},
				Source:       "NCA",
			},
		)
		if err != nil {
			t.Fatal(err)
		}
		d := openDuty(c, duty.AllocateReferral)
		if d == nil || d.Accountable != f.Inspector.ID() {
			t.Fatalf("allocation in a team with no supervisor must be owed by the fallback (ines): %+v", c.Duties)
		}

		// Every step of the ladder reaches an active person.
		rep := sweep(t, f, d.Due.Add(10*24*time.Hour))
		var steps []service.EscalationEntry
		for _, e := range rep.Escalations {
			if e.Case == c.Ref {
				steps = append(steps, e)
			}
		}
		if len(steps) != 3 {
			t.Fatalf("want the three steps of the ladder, got %+v", steps)
		}
		for _, e := range steps {
			if e.To != "ines" {
				t.Errorf("level %d went to %q, want the fallback ines", e.Level, e.To)
			}
		}
		if !inboxHas(t, f, f.Inspector, c.Ref) {
			t.Error("the escalation did not reach ines's inbox")
		}

		// With no active manager anywhere, an administrator answers.
		if err := svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: f.Inspector.ID(),
			Reason: "transferred out"}); err != nil {
			t.Fatal(err)
		}
		if org, err = db.Org(ctx); err != nil {
			t.Fatal(err)
		}
		if got := duty.Fallback(org); got != f.Admin.ID() {
			t.Errorf("with no manager left the fallback is %q, want the administrator", got)
		}
	})
}

// A duty already owed by nobody (opened before the fallback existed, or
// written by a legacy system) still reaches somebody when it is overdue.
func TestOverdueDutyOwedByNobodyStillEscalates(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Referral(t)
		old := openDuty(c, duty.AllocateReferral)
		if old == nil {
			t.Fatalf("no allocation duty: %+v", c.Duties)
		}
		now := f.Clock.Now()
		err := service.RawEventsForTest(ctx, f.Svc, c.ID, func(c *domain.Case) ([]*event.Event, error) {
			closed, err := domain.NewEvent(
				domain.EvDutyClosed,
				"system:legacy",
				c.ID,
				now,
				domain.DutyClosed{ID: old.ID, Status: domain.DutyCancelled, Reason: "legacy"},
			)
			if err != nil {
				return nil, err
			}
			nobody := *old
			nobody.ID, nobody.Accountable = c.ID+".legacy", ""
			opened, err := domain.NewEvent(
				domain.EvDutyOpened,
				"system:legacy",
				c.ID,
				now,
				domain.DutyOpened{Duty: nobody},
			)
			return []*event.Event{closed, opened}, err
		})
		if err != nil {
			t.Fatal(err)
		}
		rep := sweep(t, f, old.Due.Add(time.Minute))
		var to []string
		for _, e := range rep.Escalations {
			if e.Case == c.Ref && e.DutyID == c.ID+".legacy" {
				to = append(to, e.To)
			}
		}
		if len(to) != 1 || to[0] != "sam" {
			t.Fatalf("an overdue duty owed by nobody escalated to %q, want the team's supervisor sam", to)
		}
		if !inboxHas(t, f, f.Supervisor, c.Ref) {
			t.Error("sam's inbox lacks the escalation")
		}
		org, err := f.Store.Org(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range rep.Escalations {
			if u := findUser(org, e.To); u == nil || !u.Active {
				t.Errorf("escalation %+v names nobody active", e)
			}
		}
	})
}

func findUser(org *domain.OrgState, username string) *domain.User {
	for _, u := range org.Users {
		if u.Username == username {
			return u
		}
	}
	return nil
}
