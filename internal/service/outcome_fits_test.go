package service_test

import (
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestClosureOutcomeMustFitTheOffences: a tester closing a child sexual
// exploitation case was offered a cannabis warning (outcome 7), and the
// gate's nine refusals said nothing about it. The gate refuses an outcome
// that cannot apply to the case's offences, writing nothing, and the
// outcomes the service offers for the case leave it out.
func TestClosureOutcomeMustFitTheOffences(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		for _, code := range []string{"6", "7", "19"} {
			before, _ := db.LatestSeq(ctx)
			_, err := f.Svc.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
				Outcome: code})
			if p, _ := domain.AsProblems(err); !slices.Contains(rules(p), "outcome_fits") {
				t.Errorf("outcome %s on a CSE case: refused %v, want outcome_fits among the reasons", code, err)
			}
			if after, _ := db.LatestSeq(ctx); after != before {
				t.Fatalf("a refused closure wrote %d events", after-before)
			}
			p, err := f.Svc.CheckClosure(ctx, f.Investigator, c.Ref, service.ClosureProposal{Outcome: code})
			if err != nil || !slices.Contains(rules(p), "outcome_fits") {
				t.Errorf("checklist for outcome %s: %v %v, want outcome_fits", code, rules(p), err)
			}
		}
		var offered []string
		for _, o := range f.Svc.ClosureOutcomes(c) {
			offered = append(offered, o.Code)
		}
		for _, code := range []string{"6", "7", "19"} {
			if slices.Contains(offered, code) {
				t.Errorf("outcome %s offered on a CSE case: %v", code, offered)
			}
		}
		if !slices.Contains(offered, "15") || !slices.Contains(offered, "16") || !slices.Contains(offered, "1") {
			t.Errorf("outcomes that fit are not all offered: %v", offered)
		}
	})
}

// TestImportKeepsAnOddHistoricOutcome: a legacy record closed long ago
// with an outcome that cannot apply to its offences is history as it was:
// it is imported, and reads as recorded, for an audit to find.
func TestImportKeepsAnOddHistoricOutcome(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		file := readFile(t, "../casefile/testdata/example.jsonl")
		file.Cases[0].Record.Closure.Outcome = "7"
		rep, err := f.Svc.Import(ctx, service.SystemActor("import"), "legacy.jsonl", file, false)
		if err != nil {
			t.Fatalf("import of a closure with outcome 7: %v", err)
		}
		closed, err := db.CaseByRef(ctx, rep.Refs[0])
		if err != nil || closed.Status != domain.StatusClosed || closed.Outcome != "7" {
			t.Fatalf("imported closure: %v, want closed with outcome 7 as recorded", err)
		}
		if got := f.Svc.Policy().OutcomeLabel(closed.Outcome); got != "Outcome 7: Cannabis/Khat warning" {
			t.Errorf("the historic outcome reads %q", got)
		}
	})
}
