package service_test

import (
	"context"
	"errors"
	"sync/atomic"
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
		// A request would get the stale figures while fresh ones are
		// computed: wait for them, as the server's warmer does.
		if err := f.Svc.WarmDashboard(ctx, service.DashboardMonths); err != nil {
			t.Fatal(err)
		}
		if n := met(f.Inspector); n != 0 {
			t.Fatalf("Public Protection still counts %d met duties of a case MIT has now", n)
		}
		if met(f.Manager) == 0 {
			t.Fatal("the force's dashboard lost the met duties of the moved case")
		}
	})
}

// slowScan is a store whose pass over the cases (or read of the kept
// figures) waits, while held, for release: a computation of the dashboard
// slower than a request.
type slowScan struct {
	*sqlstore.DB
	// TeamFigures and DueBetween hide the store's kept figures: this is
	// a store without them, whose dashboard is a pass over the cases,
	// shared and computed in the background (a store keeping figures
	// is read on each request).
	TeamFigures, DueBetween struct{}
	hold                    atomic.Bool
	scans                   atomic.Int32
	entered                 chan struct{}
	release                 chan struct{}
}

func (s *slowScan) ScanCases(ctx context.Context, fn func(*domain.Case) error) error {
	s.wait()
	return s.DB.ScanCases(ctx, fn)
}

func (s *slowScan) wait() {
	s.scans.Add(1)
	if s.hold.Load() {
		s.entered <- struct{}{}
		<-s.release
	}
}

// TestDashboardAnswersDuringSlowComputation (issue 20): at 1,000,000 cases
// the figures took longer than the server's write timeout, so the page
// never answered. A request while fresh figures are computed gets the
// previous ones, with their time; only the first ever waits, no longer
// than its context; and a burst of requests costs one computation.
func TestDashboardAnswersDuringSlowComputation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		st := &slowScan{DB: db, entered: make(chan struct{}, 1), release: make(chan struct{})}
		f := fixture.New(t, st)
		f.Allocated(t)

		// The first request has no figures to fall back on: it waits, as
		// long as its context lets it.
		st.hold.Store(true)
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		if _, err := f.Svc.Dashboard(short, f.Manager, service.DashboardMonths); !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("the first request outlived its context: %v", err)
		}
		<-st.entered
		st.hold.Store(false)
		st.release <- struct{}{}
		first, err := f.Svc.Dashboard(ctx, f.Manager, service.DashboardMonths)
		if err != nil {
			t.Fatal(err)
		}
		if n := st.scans.Load(); n != 1 {
			t.Fatalf("%d passes over the cases for two requests, want the one both shared", n)
		}

		// Stale figures, and a slow pass to replace them.
		if _, err := f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "MIT referral",
			OffenceTypes: []string{"rape"}}); err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(2 * time.Minute)
		st.hold.Store(true)
		for i := 0; i < 3; i++ {
			d, err := f.Svc.Dashboard(ctx, f.Manager, service.DashboardMonths)
			if err != nil {
				t.Fatal(err)
			}
			if !d.AsOf.Equal(first.AsOf) || d.OpenCases != first.OpenCases {
				t.Fatalf("request %d during the computation: as of %v with %d open cases, want the previous figures (%v, %d)",
					i, d.AsOf, d.OpenCases, first.AsOf, first.OpenCases)
			}
		}
		<-st.entered
		st.hold.Store(false)
		st.release <- struct{}{}
		deadline := time.Now().Add(time.Minute)
		for {
			d, err := f.Svc.Dashboard(ctx, f.Manager, service.DashboardMonths)
			if err != nil {
				t.Fatal(err)
			}
			if d.AsOf.After(first.AsOf) {
				if d.OpenCases != first.OpenCases+1 {
					t.Fatalf("fresh figures: %d open cases, want %d", d.OpenCases, first.OpenCases+1)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the background computation never replaced the stale figures")
			}
			time.Sleep(10 * time.Millisecond)
		}
		if n := st.scans.Load(); n != 2 {
			t.Fatalf("%d passes over the cases, want 2: the requests during one started no other", n)
		}
	})
}

// TestDashboardFreshWithKeptFigures: the figures the write path keeps are
// read on each request, so a case just opened counts at once, as of now
// (a minute's cache from the pass over every case made a DCI who had just
// approved a closure see the old count).
func TestDashboardFreshWithKeptFigures(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		f.Allocated(t)
		before, err := f.Svc.Dashboard(ctx, f.Manager, service.DashboardMonths)
		if err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(time.Second)
		if _, err := f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "MIT referral",
			OffenceTypes: []string{"rape"}}); err != nil {
			t.Fatal(err)
		}
		after, err := f.Svc.Dashboard(ctx, f.Manager, service.DashboardMonths)
		if err != nil {
			t.Fatal(err)
		}
		if after.OpenCases != before.OpenCases+1 || !after.AsOf.Equal(f.Clock.Now().UTC()) {
			t.Fatalf("after a referral: %d open cases as of %v, want %d as of %v",
				after.OpenCases, after.AsOf, before.OpenCases+1, f.Clock.Now().UTC())
		}
	})
}
