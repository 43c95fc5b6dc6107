package service_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// dashText is a dashboard as comparable text: the overdue rows by team
// name, since the two computations meet the teams in different orders.
func dashText(d *service.Dashboard) string {
	rows := map[string][]int{}
	for i, t := range d.Teams {
		rows[t] = d.OverdueByTeam[i]
	}
	x := *d
	x.Teams, x.OverdueByTeam = nil, nil
	b, _ := json.Marshal(struct {
		D    service.Dashboard
		Rows map[string][]int
	}{x, rows})
	return string(b)
}

// richness says which figures a test saw other than nought.
type richness struct{ closed, contact, never, met, pastOverdue, orphaned bool }

func (r *richness) add(d *service.Dashboard) {
	for i := range d.Months {
		r.closed = r.closed || d.Closed[i] > 0
		r.met = r.met || d.OnTimeTotal[i] > 0
		for _, row := range d.OverdueByTeam {
			r.pastOverdue = r.pastOverdue || (i < len(d.Months)-1 && row[i] > 0)
		}
	}
	for _, n := range d.FirstContact {
		r.contact = r.contact || n > 0
	}
	r.never = r.never || d.NeverContacted > 0
	r.orphaned = r.orphaned || d.Orphaned > 0
}

// TestKeptFiguresEqualTheScan: the dashboard's figures kept by the write
// path equal a pass over every case and its closed duties (the old
// computation, kept as the oracle) on random histories — victims
// contacted late or never, duties met late and on time, closures approved
// and reopened, transfers — at moments across month ends, as commands
// move cases between teams and close duties, on both engines.
func TestKeptFiguresEqualTheScan(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		var seen richness
		defer func() {
			if !t.Failed() && seen != (richness{true, true, true, true, true, true}) {
				t.Errorf("the random worlds are too plain to test the figures (closed, first contact, never "+
					"contacted, met, overdue in a past month, orphaned): %v", seen)
			}
		}()
		for _, seed := range []uint64{4, 5} {
			t.Run(fmt.Sprint(seed), func(t *testing.T) {
				st := testdb.Open(t, db.Engine())
				f := fixture.New(t, st)
				file, err := casefile.ReadJSONL(strings.NewReader(randomHistory(seed, 25, f.Clock.Now())))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.Svc.Import(ctx, service.SystemActor("import"), "random.jsonl", file, false); err != nil {
					t.Fatal(err)
				}
				same := func(when string) *service.Dashboard {
					t.Helper()
					kept, scanned, err := service.DashboardBothWaysForTest(ctx, f.Svc, service.DashboardMonths)
					if err != nil {
						t.Fatal(err)
					}
					if k, s := dashText(kept), dashText(scanned); k != s {
						t.Fatalf("%s: kept figures differ from the scan:\nkept    %s\nscanned %s", when, k, s)
					}
					seen.add(kept)
					return kept
				}
				same("after the import")
				var ids []string
				for range 3 {
					ids = append(ids, f.Allocated(t).ID)
				}
				same("after allocations")
				for _, step := range []time.Duration{time.Hour, 20 * 24 * time.Hour, 45 * 24 * time.Hour} {
					f.Clock.Advance(step)
					same(fmt.Sprintf("%v later", step))
				}
				c, err := st.Case(ctx, ids[0])
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.Svc.ProposeTransfer(ctx, f.Inspector, c.ID, service.ProposeTransfer{Version: c.Version,
					ToTeam: f.TeamB, Reason: "suspect lives in the other area"}); err != nil {
					t.Fatal(err)
				}
				same("a transfer proposed")
				south := f.AddUser(t, service.NewUser{Username: "south", Name: "DC South", Rank: domain.RankConstable,
					UnitID: f.TeamB, Collar: "S1", Email: "south@northshire.police.invalid", Password: fixture.Password,
					Roles: []domain.Role{domain.RoleInvestigator}})
				c, _ = st.Case(ctx, ids[0])
				if _, err := f.Svc.AcceptTransfer(ctx, f.Inspector, c.ID, service.AcceptTransfer{Version: c.Version,
					OwnerID: south.ID()}); err != nil {
					t.Fatal(err)
				}
				same("a transfer accepted")
				f.Clock.Advance(400 * 24 * time.Hour)
				same("a year later")
			})
		}
	})
}

// TestBoardCountsEqualTheDuties: the team board's counts, from the kept
// daily figures and today's duties, equal a count of the open duties
// listed — at each duty's due time exactly, just before it, and days
// either side, so a duty due today, yesterday or at midnight is counted
// once, on both engines.
func TestBoardCountsEqualTheDuties(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		for range 3 {
			f.Allocated(t)
			f.Referral(t)
			f.Clock.Advance(26 * time.Hour)
		}
		teams := []string{f.TeamA, f.TeamB, f.TeamC}
		rows, err := db.TeamDuties(ctx, teams, 10000)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < 6 {
			t.Fatalf("only %d open duties to count", len(rows))
		}
		var times []time.Time
		for _, r := range rows {
			times = append(times, r.Due, r.Due.Add(-time.Nanosecond), r.Due.Add(-36*time.Hour), r.Due.Add(50*time.Hour),
				time.Date(r.Due.Year(), r.Due.Month(), r.Due.Day(), 0, 0, 0, 0, time.UTC))
		}
		for _, at := range times {
			for _, ts := range [][]string{teams, {f.TeamA}, {f.TeamC}} {
				wantOpen, wantDue := 0, 0
				for _, r := range rows {
					if slices.Contains(ts, r.TeamID) {
						wantOpen++
						if !r.Due.After(at) {
							wantDue++
						}
					}
				}
				open, due, err := db.TeamDutyCounts(ctx, ts, at)
				if err != nil {
					t.Fatal(err)
				}
				if open != wantOpen || due != wantDue {
					t.Fatalf("at %v for %d teams: %d open, %d due; the duties say %d and %d", at, len(ts), open, due,
						wantOpen, wantDue)
				}
			}
		}
	})
}
