package sqlstore_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestCasePageOverdue: the overdue case list, paged newest first with
// every other filter, is the same whether the overdue cases are few (read
// by id) or many (read in reference order, each asked), and is exactly
// the cases with an open duty due by then.
func TestCasePageOverdue(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		at := time.Date(2024, 6, 1, 9, 0, 0, 0, time.UTC)
		now := at.Add(10 * 24 * time.Hour)
		statuses := []domain.Status{domain.StatusOpen, domain.StatusReferral, domain.StatusClosureProposed, domain.StatusClosed}
		var cs []*domain.Case
		type want struct {
			ref, team, owner, status string
			overdue                  bool
		}
		var all []want
		for i := range 60 {
			c := &domain.Case{ID: fmt.Sprintf("c%03d", i), Ref: fmt.Sprintf("CSE/2024/%06d", i+1),
				TeamID: []string{"t1", "t2"}[i%2], OwnerID: []string{"", "u1", "u2"}[i%3],
				Status: statuses[i%4], Version: 1, UpdatedAt: at, OpenedAt: at, Summary: "s"}
			w := want{ref: c.Ref, team: c.TeamID, owner: c.OwnerID, status: string(c.Status)}
			for j := range i % 3 { // none, one, or two duties; some due by now
				due := at.Add(time.Duration((i*7+j*5)%20) * 24 * time.Hour)
				c.Duties = append(c.Duties, domain.Duty{ID: fmt.Sprintf("d%03d-%d", i, j), Kind: "review",
					Status: domain.DutyOpen, TeamID: c.TeamID, Accountable: "u2", Due: due, NextAt: due, Subject: "why"})
				w.overdue = w.overdue || !due.After(now)
			}
			cs = append(cs, c)
			all = append(all, w)
		}
		if err := db.Write(ctx, func(tx store.Tx) error { return tx.PutNewCases(cs) }); err != nil {
			t.Fatal(err)
		}
		filters := []store.CasePageFilter{
			{},
			{TeamIDs: []string{"t1"}},
			{TeamIDs: []string{"t1", "t2"}, Status: []string{"open"}},
			{TeamIDs: []string{"t2"}, Status: []string{"open", "referral"}, OwnerID: "u1"},
			{Status: []string{"closure_proposed"}},
		}
		for _, few := range []int{1000, 3} { // by id; in reference order
			restore := sqlstore.SetOverdueFew(few)
			for _, f := range filters {
				var expect []string
				for _, w := range slices.Backward(all) {
					if w.overdue && (f.TeamIDs == nil || slices.Contains(f.TeamIDs, w.team)) &&
						(f.OwnerID == "" || f.OwnerID == w.owner) && (f.Status == nil || slices.Contains(f.Status, w.status)) {
						expect = append(expect, w.ref)
					}
				}
				var got []string
				f.OverdueAt, f.Limit = now, 4
				for pages := 0; pages < 40; pages++ {
					rows, err := db.CasePage(ctx, f)
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range rows {
						got = append(got, r.Ref)
					}
					if len(rows) < f.Limit {
						break
					}
					f.Before = rows[len(rows)-1].Ref
				}
				if len(expect) == 0 || !slices.Equal(got, expect) {
					t.Errorf("overdue (by id up to %d) %+v: %v, want %v", few, f, got, expect)
				}
			}
			restore()
		}
	})
}
