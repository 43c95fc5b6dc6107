package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestDashboardFiguresFollowNeedToKnow: overdue duties per team and month,
// open cases and met-on-time shares, added up over the teams each reader
// may see — the shared per-team figures never leak another chain's cases.
func TestDashboardFiguresFollowNeedToKnow(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		f.Allocated(t)
		if _, err := f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "MIT referral", OffenceTypes: []string{"rape"}}); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(30 * 24 * time.Hour)
		if _, err := f.Svc.Dashboard(ctx, f.OtherTeam, service.DashboardMonths); !errors.Is(err, service.ErrForbidden) {
			t.Fatalf("a supervisor without a manager's role saw the dashboard: %v", err)
		}
		force, err := f.Svc.Dashboard(ctx, f.Manager, service.DashboardMonths)
		if err != nil {
			t.Fatal(err)
		}
		dept, err := f.Svc.Dashboard(ctx, f.Inspector, service.DashboardMonths)
		if err != nil {
			t.Fatal(err)
		}
		if force.OpenCases != 2 || dept.OpenCases != 1 {
			t.Fatalf(
				"open cases: force %d (want 2), Public Protection %d (want 1: not MIT's)",
				force.OpenCases,
				dept.OpenCases,
			)
		}
		last := len(force.Months) - 1
		overdue := map[string]int{}
		for i, team := range force.Teams {
			overdue[team] = force.OverdueByTeam[i][last]
		}
		if overdue["CSE Team North"] < 2 || overdue["MIT"] < 1 {
			t.Fatalf("overdue this month by team: %v (want the plan and review in North, allocation in MIT)", overdue)
		}
		for _, team := range dept.Teams {
			if team == "MIT" {
				t.Fatal("the Public Protection inspector's dashboard shows MIT's duties")
			}
		}
		met := 0
		for _, n := range force.OnTimeTotal {
			met += n
		}
		if met == 0 {
			t.Fatal("the allocation duty was met on time and is not counted")
		}
	})
}

// TestDashboardClosedDutiesFollowTheCase: a duty met before a case moved
// counts under the team that has the case now, as its open duties do —
// the store joins the duty history to the cases, with no map kept of
// every case.
func TestDashboardClosedDutiesFollowTheCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t) // allocating met the allocation duty, on time
		met := func(a *service.Actor) int {
			t.Helper()
			d, err := f.Svc.Dashboard(ctx, a, service.DashboardMonths)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, x := range d.OnTimeTotal {
				n += x
			}
			return n
		}
		if met(f.Inspector) == 0 {
			t.Fatal("the met allocation duty is not counted in Public Protection")
		}
		mit := f.AddUser(t, service.NewUser{Username: "mo", Name: "DC Mo MIT", Collar: "C0779",
			Rank: domain.RankConstable, UnitID: f.TeamC, Roles: []domain.Role{domain.RoleInvestigator},
			Password: fixture.Password})
		c, err := f.Svc.ProposeTransfer(ctx, f.Investigator, c.ID, service.ProposeTransfer{Version: c.Version,
			ToTeam: f.TeamC, Reason: "suspect is part of an MIT operation"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.AcceptTransfer(ctx, f.OtherTeam, c.ID, service.AcceptTransfer{Version: c.Version,
			OwnerID: mit.User.ID}); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(2 * time.Minute) // past the shared figures' minute
		if n := met(f.Inspector); n != 0 {
			t.Fatalf("Public Protection still counts %d met duties of a case MIT has now", n)
		}
		if met(f.Manager) == 0 {
			t.Fatal("the force's dashboard lost the met duties of the moved case")
		}
	})
}
