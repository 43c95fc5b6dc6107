package service_test

import (
	"fmt"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestResultSaysWhatWasDoneHowItEndedAndItsReference: a result was one
// free-text box; it now says what was done, how it ended (one of a fixed
// set of outcomes) and, optionally, a statement or exhibit reference. The
// service refuses every missing or unknown part at once, in the order the
// form asks them, each naming its field, and writes nothing until all are
// right.
func TestResultSaysWhatWasDoneHowItEndedAndItsReference(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		p := permCase{f: f, t: t}
		c := f.Allocated(t)
		c = p.must(f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
			Title: "Seize the CCTV from the bus station"}))
		act := c.Actions[0]
		c = p.must(f.Svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: act.ID, To: f.Investigator.ID()}))

		refused := func(in service.ResultAction) domain.Problems {
			t.Helper()
			in.Version, in.Action = c.Version, act.ID
			_, err := f.Svc.ResultAction(ctx, f.Investigator, c.ID, in)
			ps, ok := domain.AsProblems(err)
			if !ok {
				t.Fatalf("%+v: want refusals, got %v", in, err)
			}
			return ps
		}
		says := func(ps domain.Problems) string {
			var out []string
			for _, x := range ps {
				out = append(out, x.Field+"/"+x.Rule)
			}
			return fmt.Sprint(out)
		}
		if ps := refused(service.ResultAction{Result: "  "}); says(ps) != "[result/required outcome/required]" {
			t.Errorf("a blank result is refused with %s, want what was done then the outcome", says(ps))
		} else if ps[0].Message != "Say what was done and what it found." ||
			ps[1].Message != "Choose how the line of enquiry ended." {
			t.Errorf("the refusals read %q and %q", ps[0].Message, ps[1].Message)
		}
		ps := refused(service.ResultAction{Result: "CCTV seized", Outcome: "done"})
		if says(ps) != "[outcome/one_of]" {
			t.Fatalf("an unknown outcome is refused with %s", says(ps))
		}
		want := `"done" is not an outcome: choose completed with a result (completed), completed, nothing found ` +
			`(nothing_found), not possible (not_possible) or referred on (referred_on).`
		if ps[0].Message != want {
			t.Errorf("an unknown outcome reads %q, want %q", ps[0].Message, want)
		}
		if got := p.must(f.Svc.ViewCase(ctx, f.Investigator, c.Ref, "test")).Action(act.ID); got.State !=
			domain.ActionStateAllocated {
			t.Fatalf("a refused result changed the line of enquiry: %+v", got)
		}

		c = p.must(f.Svc.ResultAction(ctx, f.Investigator, c.ID, service.ResultAction{Version: c.Version,
			Action: act.ID, Result: " CCTV overwritten after 28 days; nothing recoverable ",
			Outcome: domain.ActionNothing, Reference: " M14 "}))
		got := c.Action(act.ID)
		if got.State != domain.ActionStateResulted || got.Result != "CCTV overwritten after 28 days; nothing recoverable" ||
			got.Outcome != domain.ActionNothing || got.Reference != "M14" {
			t.Fatalf("the result is %+v", got)
		}
	})
}
