package service_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// openDutiesWhere reads every open duty of every case straight from the case
// projections — the ground truth the work lists must agree with.
func openDutiesWhere(t *testing.T, f *fixture.Force, keep func(domain.Duty) bool) map[string]domain.Duty {
	t.Helper()
	out := map[string]domain.Duty{}
	err := f.Store.ScanCases(context.Background(), func(c *domain.Case) error {
		for _, d := range c.OpenDuties() {
			if keep(d) {
				out[d.ID] = d
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkWorkList asserts that items are exactly the duties in want, each
// marked overdue iff its due time is not after now, ordered overdue first
// and then by due time (service.workItems' documented order).
func checkWorkList(t *testing.T, list string, items []service.WorkItem, want map[string]domain.Duty, now time.Time) {
	t.Helper()
	var got []string
	for i, it := range items {
		got = append(got, it.ID)
		d, ok := want[it.ID]
		if !ok {
			t.Errorf(
				"%s lists duty %s (%s, owed by %s, team %s) that should not be there",
				list,
				it.ID,
				it.Kind,
				it.Accountable,
				it.TeamID,
			)
			continue
		}
		if !it.Due.Equal(d.Due) || it.Kind != d.Kind || it.Accountable != d.Accountable {
			t.Errorf(
				"%s: duty %s is %s/%s due %s, the case says %s/%s due %s",
				list,
				it.ID,
				it.Kind,
				it.Accountable,
				it.Due,
				d.Kind,
				d.Accountable,
				d.Due,
			)
		}
		if it.Overdue != !it.Due.After(now) {
			t.Errorf("%s: duty %s due %s marked overdue=%v at %s", list, it.ID, it.Due, it.Overdue, now)
		}
		if it.Says == "" {
			t.Errorf("%s: duty %s (%s) says nothing", list, it.ID, it.Kind)
		}
		if i == 0 {
			continue
		}
		prev := items[i-1]
		switch {
		case prev.Overdue != it.Overdue:
			if !prev.Overdue {
				t.Errorf("%s: overdue duty %s (due %s) listed after a duty not yet due", list, it.ID, it.Due)
			}
		case it.Due.Before(prev.Due):
			t.Errorf("%s: duty %s due %s listed after %s due %s", list, it.ID, it.Due, prev.ID, prev.Due)
		}
	}
	for id, d := range want {
		if !slices.Contains(got, id) {
			t.Errorf("%s omits open duty %s (%s, owed by %s, due %s)", list, id, d.Kind, d.Accountable, d.Due)
		}
	}
}

// TestWorkListsShowEveryOpenDutyOverdueFirst: "my work" is every open duty
// of the user and the team board every open duty of the teams the user
// supervises or manages — overdue first, then soonest due — and an
// investigator may not see the board.
func TestWorkListsShowEveryOpenDutyOverdueFirst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		svc := f.Svc
		ivy := f.Investigator.ID()

		// Monday 2 March: a case with a plan duty (5 working days) and two
		// actions of ivy's, one due soon and one late in the month.
		c1 := f.Allocated(t)
		c1 = ok(t)(svc.RaiseAction(ctx, f.Investigator, c1.ID, service.NewAction{Version: c1.Version,
			Title: "Trace the car"}))
		c1 = ok(t)(svc.RaiseAction(ctx, f.Investigator, c1.ID, service.NewAction{Version: c1.Version,
			Title: "Speak to the school"}))
		c1 = ok(t)(svc.AllocateAction(ctx, f.Investigator, c1.ID, service.AllocateAction{Version: c1.Version,
			Action: c1.Actions[0].ID, To: ivy, Target: "2026-03-04"}))
		ok(t)(svc.AllocateAction(ctx, f.Investigator, c1.ID, service.AllocateAction{Version: c1.Version,
			Action: c1.Actions[1].ID, To: ivy, Target: "2026-03-27"}))
		// Tuesday: a second case, its plan due a day later.
		f.Clock.Advance(24 * time.Hour)
		f.Allocated(t)
		// A case of another team, supervised by olly.
		if _, err := svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "MIT referral", OffenceTypes: []string{"cse"}}); err != nil {
			t.Fatal(err)
		}
		// Tuesday 10 March, 10:00: the first action and both plans are
		// overdue; then a third case whose plan is not yet due.
		f.Clock.Advance(7*24*time.Hour + time.Hour)
		f.Allocated(t)
		now := f.Clock.Now()

		mine := openDutiesWhere(t, f, func(d domain.Duty) bool { return d.Accountable == ivy })
		var overdue, notYet int
		for _, d := range mine {
			if d.Due.After(now) {
				notYet++
			} else {
				overdue++
			}
		}
		if overdue < 2 || notYet < 2 {
			t.Fatalf(
				"the scenario should give ivy at least two overdue and two pending duties, got %d and %d: %+v",
				overdue,
				notYet,
				mine,
			)
		}
		work, err := svc.MyWork(ctx, f.Investigator)
		if err != nil {
			t.Fatal(err)
		}
		checkWorkList(t, "ivy's work", work, mine, now)
		if len(work) != len(mine) {
			t.Fatalf("ivy's work lists %d duties, she owes %d", len(work), len(mine))
		}

		// sam's own work: his duties (allocation, reviews), not ivy's.
		work, err = svc.MyWork(ctx, f.Supervisor)
		if err != nil {
			t.Fatal(err)
		}
		checkWorkList(
			t,
			"sam's work",
			work,
			openDutiesWhere(t, f, func(d domain.Duty) bool { return d.Accountable == f.Supervisor.ID() }),
			now,
		)

		// The board: sam supervises Team North only; olly MIT only; ines
		// the department (North and South); max the whole force.
		inTeams := func(teams ...string) func(domain.Duty) bool {
			return func(d domain.Duty) bool { return slices.Contains(teams, d.TeamID) }
		}
		for _, tc := range []struct {
			who   string
			a     *service.Actor
			teams []string
		}{
			{"sam", f.Supervisor, []string{f.TeamA}},
			{"olly", f.OtherTeam, []string{f.TeamC}},
			{"ines", f.Inspector, []string{f.TeamA, f.TeamB}},
			{"max", f.Manager, []string{f.TeamA, f.TeamB, f.TeamC}},
		} {
			board, err := svc.TeamBoard(ctx, tc.a)
			if err != nil {
				t.Fatalf("%s's team board: %v", tc.who, err)
			}
			want := openDutiesWhere(t, f, inTeams(tc.teams...))
			if len(want) == 0 {
				t.Fatalf("%s: the scenario left the teams %v no duties", tc.who, tc.teams)
			}
			checkWorkList(t, tc.who+"'s team board", board, want, now)
			overdue := 0
			for _, d := range want {
				if !d.Due.After(now) {
					overdue++
				}
			}
			if open, late, err := svc.TeamBoardCounts(ctx, tc.a); err != nil || open != len(want) || late != overdue {
				t.Fatalf(
					"%s's board counts %d open, %d overdue (%v); want %d, %d",
					tc.who,
					open,
					late,
					err,
					len(want),
					overdue,
				)
			}
		}

		// A board limited to fewer duties than are open lists the soonest
		// due, and its counts still say how many there are in all.
		all, _ := svc.TeamBoard(ctx, f.Manager)
		service.SetBoardLimitForTest(svc, 2)
		limited, err := svc.TeamBoard(ctx, f.Manager)
		if err != nil || len(limited) != 2 || len(all) <= 2 {
			t.Fatalf("limited board: %d items of %d (%v)", len(limited), len(all), err)
		}
		dues := make([]time.Time, 0, len(all))
		for _, it := range all {
			dues = append(dues, it.Due)
		}
		slices.SortFunc(dues, time.Time.Compare)
		for _, it := range limited {
			if it.Due.After(dues[1]) {
				t.Fatalf(
					"a limited board listed a duty due %s, not among the two soonest (%s, %s)",
					it.Due,
					dues[0],
					dues[1],
				)
			}
		}
		if open, _, _ := svc.TeamBoardCounts(ctx, f.Manager); open != len(all) {
			t.Fatalf("a limited board counts %d open, want %d", open, len(all))
		}
		service.SetBoardLimitForTest(svc, service.BoardLimit)
		if _, _, err := svc.TeamBoardCounts(ctx, f.Investigator); !errors.Is(err, service.ErrForbidden) {
			t.Fatalf("an investigator's board counts: %v; want refused", err)
		}

		// An investigator has no team board: refused, not an empty list.
		if board, err := svc.TeamBoard(ctx, f.Investigator); !errors.Is(err, service.ErrForbidden) || board != nil {
			t.Fatalf("an investigator's team board: %d items, err %v; want refused", len(board), err)
		}
		if _, err := svc.MyWork(ctx, nil); !errors.Is(err, service.ErrUnauthenticated) {
			t.Fatalf("my work without a user: %v", err)
		}
	})
}
