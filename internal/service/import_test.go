package service_test

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

func readFile(t *testing.T, path string) *casefile.File {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := casefile.ReadJSONL(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// TestImportWholeIdempotentAndMarked: a valid file goes in whole, as
// events marked with their source at their historic times; the same file
// again changes nothing; the ledger and the projections still agree.
func TestImportWholeIdempotentAndMarked(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		file := readFile(t, "../casefile/testdata/example.jsonl")
		imp := service.SystemActor("import")

		if _, err := f.Svc.Import(ctx, f.Investigator, "legacy.jsonl", file, false); err == nil {
			t.Fatal("an investigator imported a case file: only administrators may")
		}
		before, _ := db.LatestSeq(ctx)
		dry, err := f.Svc.Import(ctx, imp, "legacy.jsonl", file, true)
		if err != nil || dry.Cases != 2 || !dry.DryRun {
			t.Fatalf("dry run: %+v %v", dry, err)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("a dry run wrote %d events", after-before)
		}

		rep, err := f.Svc.Import(ctx, imp, "legacy.jsonl", file, false)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Cases != 2 || rep.Units != 1 || rep.Officers != 2 || rep.Skipped != 0 {
			t.Fatalf("report %+v: want 2 cases, 1 unit, 2 officers", rep)
		}
		closed, err := db.CaseByRef(ctx, rep.Refs[0])
		if err != nil {
			t.Fatal(err)
		}
		if !closed.Imported || closed.SourceRef != "LEG/2014/0042" || closed.Status != domain.StatusClosed ||
			closed.Outcome != "16" {
			t.Fatalf(
				"imported closed case: imported=%v source=%q status=%s outcome=%s",
				closed.Imported,
				closed.SourceRef,
				closed.Status,
				closed.Outcome,
			)
		}
		if !strings.HasPrefix(closed.Ref, "CSE/2014/") || closed.OpenedAt.Year() != 2014 {
			t.Fatalf("history keeps its dates: ref %s opened %s", closed.Ref, closed.OpenedAt)
		}
		// History as it was, including what the audit must find: an action
		// left open at closure, approved by its own proposer.
		if closed.Actions[1].Ended() || closed.Closures[0].ApprovedBy != closed.Closures[0].ProposedBy {
			t.Fatalf("the legacy closure was not kept as decided: %+v", closed.Closures)
		}
		if len(closed.OpenDuties()) != 0 {
			t.Fatalf("a closed imported case owes no duties: %+v", closed.OpenDuties())
		}
		evs, _ := db.CaseEvents(ctx, closed.ID)
		for _, e := range evs {
			if e.Type != domain.EvCaseImported && e.Source != "import:legacy.jsonl" {
				t.Fatalf("imported event %s is not marked with its source: %q", e.Type, e.Source)
			}
		}
		open, _ := db.CaseByRef(ctx, rep.Refs[1])
		if open.Status == domain.StatusClosed || len(open.OpenDuties()) == 0 {
			t.Fatalf("an open imported case owes today's duties: %s %+v", open.Status, open.Duties)
		}
		org, _ := db.Org(ctx)
		if u := org.Users[closed.OwnerID]; u == nil || u.Active {
			t.Fatalf("the officer who left before import must be recorded as left: %+v", u)
		}

		// Again: nothing changes.
		mid, _ := db.LatestSeq(ctx)
		again, err := f.Svc.Import(ctx, imp, "legacy.jsonl", file, false)
		if err != nil || again.Cases != 0 || again.Skipped != 2 || again.Units != 0 || again.Officers != 0 {
			t.Fatalf("re-import: %+v %v", again, err)
		}
		if after, _ := db.LatestSeq(ctx); after != mid {
			t.Fatalf("re-importing the same file wrote %d events", after-mid)
		}

		// A changed re-import of a held case is refused, naming it.
		changed := readFile(t, "../casefile/testdata/example.jsonl")
		changed.Cases[0].Hash = "different"
		if _, err := f.Svc.Import(ctx, imp, "legacy.jsonl", changed, false); err == nil ||
			!strings.Contains(err.Error(), "LEG/2014/0042") {
			t.Fatalf("a changed re-import: %v", err)
		}

		st, diff, err := replay.Compare(ctx, db)
		if err != nil || diff != nil {
			t.Fatalf("rebuild after import: %v %v", err, diff)
		}
		_ = st
		v, err := ledger.LoadVerifier(f.LedgerKey + ".pub")
		if err != nil {
			t.Fatal(err)
		}
		if r, err := ledger.Verify(ctx, db, v, nil, f.Clock.Now()); err != nil || !r.OK {
			t.Fatalf("ledger after import: %+v %v", r, err)
		}
	})
}

// TestImportRefusesBadFileWhole: every problem is listed with its line and
// field, and nothing is imported.
func TestImportRefusesBadFileWhole(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		b, _ := os.ReadFile("../casefile/testdata/bad.jsonl")
		file, err := casefile.ReadJSONL(bytes.NewReader(b))
		shape := problems(t, err)
		for _, want := range []string{"line 3: opened", "line 4: teem", "line 6: ref", "line 7: type", "line 8:"} {
			if !strings.Contains(shape, want) {
				t.Errorf("the parser's report lacks %q:\n%s", want, shape)
			}
		}
		// The records that parsed are still checked against the record.
		before, _ := db.LatestSeq(ctx)
		_, err = f.Svc.Import(ctx, service.SystemActor("import"), "bad.jsonl", file, false)
		refs := problems(t, err)
		for _, want := range []string{"line 1: rank", "line 1: unit", "line 2: team", "line 2: owner", "line 2: closure.outcome"} {
			if !strings.Contains(refs, want) {
				t.Errorf("the import's report lacks %q:\n%s", want, refs)
			}
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("a refused import wrote %d events", after-before)
		}
	})
}

func problems(t *testing.T, err error) string {
	t.Helper()
	var ps casefile.Problems
	if err == nil || !asProblems(err, &ps) {
		t.Fatalf("want casefile.Problems, got %v", err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.String())
	}
	return strings.Join(out, "\n")
}

func asProblems(err error, ps *casefile.Problems) bool { return errors.As(err, ps) }
