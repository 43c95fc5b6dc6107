package service_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// The hand-on page said 37 duties overdue where the team board said 7
// overdue and 30 long-dormant: it counted both as one. Its figures are
// now the board's: each officer's overdue duties and long-dormant ones
// apart, as TeamBoardSummary counts them, and each case's too.
func TestHandOnCountsOverdueAsTheBoardDoes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, _, _ := handoverForce(t, db)
		// A year and more on, every duty is long-dormant.
		f.Clock.Advance(service.DormantAfter + 60*24*time.Hour)
		board := got(f.Svc.TeamBoardSummary(ctx, f.Supervisor))(t)
		h := got(f.Svc.HandoverOf(ctx, f.Supervisor, f.Investigator.ID()))(t)
		for _, c := range h.Cases {
			if c.Overdue != 0 || c.Dormant == 0 || !slices.ContainsFunc(c.Risks, func(r string) bool {
				return r == domain.Plural(c.Dormant, "duty is", "duties are")+
					" long-dormant (overdue by more than a year), listed apart on the team board"
			}) {
				t.Errorf("%s: %d overdue, %d long-dormant, risks %q: want all long-dormant, said so", c.Ref,
					c.Overdue, c.Dormant, c.Risks)
			}
		}
		sarge := -1
		for i, od := range board.Officers {
			if od.UserID == f.Supervisor.ID() {
				sarge = i
			}
		}
		if sarge < 0 || board.Officers[sarge].Dormant == 0 {
			t.Fatalf("the board counts nothing long-dormant for the sergeant: %+v", board.Officers)
		}
		want := board.Officers[sarge]
		for _, o := range h.Cases[0].Officers {
			if o.ID == f.Supervisor.ID() && (o.Recent() != want.Overdue || o.Dormant != want.Dormant) {
				t.Errorf("the hand-on counts the sergeant %d overdue and %d long-dormant, the board %d and %d",
					o.Recent(), o.Dormant, want.Overdue, want.Dormant)
			}
		}
	})
}

// The hand-on page worded a case's risks its own way ("Vicky Vale is
// entitled to enhanced rights") where the board's decisions say "1 victim
// with enhanced rights": one wording now serves both.
func TestHandOnWordsRisksAsTheBoard(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, _, cs := handoverForce(t, db)
		ref := f.Referral(t)
		ok(t)(f.Svc.AddVictim(ctx, f.Liaison, ref.ID, service.NewVictim{Version: ref.Version, Name: "Vicky Vale",
			DateOfBirth: "2011-04-02"}))
		d := got(f.Svc.BoardDecisions(ctx, f.Supervisor))(t)
		var flags []string
		for _, r := range d.Referrals {
			if r.CaseID == ref.ID {
				flags = r.Flags
			}
		}
		if len(flags) == 0 {
			t.Fatalf("the board flags no risk on a referral with a child victim: %+v", d.Referrals)
		}
		h := got(f.Svc.HandoverOf(ctx, f.Supervisor, f.Investigator.ID()))(t)
		for _, c := range h.Cases {
			if c.CaseID == cs[1].ID && !slices.Equal(c.Risks[:min(len(flags), len(c.Risks))], flags) {
				t.Errorf("the hand-on's risks %q, the board's %q: want the same words", c.Risks, flags)
			}
		}
	})
}
