package service_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestDashboardAgreesWithTheBoard: at the same moment the dashboard and
// the team board give a reader the same duties overdue and the same cases
// whose owner has left, in the situations where they disagreed: a
// transfer owed by a team outside the reader's command on a case inside
// it, a duty exactly at its due time, an unallocated referral (no owner
// yet, not an owner who has left), and an officer who left owing duties.
// The board lists the duties owed by leavers case by case. The kept
// figures still equal the scan.
func TestDashboardAgreesWithTheBoard(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		s := f.Svc
		f.Referral(t)
		moving := f.Allocated(t)
		if _, err := s.ProposeTransfer(ctx, f.Inspector, moving.ID, service.ProposeTransfer{Version: moving.Version,
			ToTeam: f.TeamC, Reason: "Linked to an MIT operation"}); err != nil {
			t.Fatal(err)
		}
		f.Allocated(t)
		if err := s.UserLeaves(ctx, f.Admin, service.UserLeaves{User: f.Investigator.ID(), Reason: "retired"}); err != nil {
			t.Fatal(err)
		}
		// The transfer, owed by MIT, falls due: the clock is set to its
		// due time exactly.
		rows, err := db.TeamDuties(ctx, []string{f.TeamC}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Kind != "transfer_accept" {
			t.Fatalf("MIT owes %+v, want the transfer", rows)
		}
		at := rows[0].Due
		f.Clock.Set(at)

		for _, a := range []*service.Actor{f.Inspector, f.Manager} {
			d, err := s.Dashboard(ctx, a, service.DashboardMonths)
			if err != nil {
				t.Fatal(err)
			}
			_, overdue, err := s.TeamBoardCounts(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			orphaned, err := s.OrphanedCases(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if d.OverdueNow != overdue || d.Orphaned != len(orphaned) || d.Orphaned != 2 || d.Unallocated != 1 {
				t.Errorf("%s: the dashboard says %d overdue, %d orphaned, %d unallocated; the board %d overdue, "+
					"%d orphaned (want 2 and 1)", a.User.Name, d.OverdueNow, d.Orphaned, d.Unallocated, overdue,
					len(orphaned))
			}
		}
		kept, scanned, err := service.DashboardBothWaysForTest(ctx, s, service.DashboardMonths)
		if err != nil {
			t.Fatal(err)
		}
		if k, sc := dashText(kept), dashText(scanned); k != sc {
			t.Errorf("kept figures differ from the scan:\nkept    %s\nscanned %s", k, sc)
		}

		owed, err := db.UserDuties(ctx, f.Investigator.ID())
		if err != nil {
			t.Fatal(err)
		}
		leavers, err := s.DutiesOfLeavers(ctx, f.Supervisor)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, l := range leavers {
			n += l.Duties
		}
		if len(owed) == 0 || n != len(owed) || len(leavers) != 2 {
			t.Errorf("the board lists %d duties of leavers on %d cases, want %d on 2: %+v", n, len(leavers),
				len(owed), leavers)
		}
	})
}
