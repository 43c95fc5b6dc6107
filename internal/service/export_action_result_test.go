package service_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestExportImportKeepsActionOutcomeAndReference: a result says how the
// line of enquiry ended and the statement or exhibit it produced, but the
// export wrote what was done alone, so a case taken to another force lost
// both. The export now writes them, the import reads them back (the same
// outcome and reference on the same action), and an outcome the service
// would refuse is refused with its line and field, nothing imported.
func TestExportImportKeepsActionOutcomeAndReference(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		a := fixture.New(t, db)
		must := ok(t)
		c := a.Allocated(t)
		for _, title := range []string{"Seize the CCTV from the bus station", "Trace the taxi", "Download her phone"} {
			c = must(a.Svc.RaiseAction(ctx, a.Investigator, c.ID, service.NewAction{Version: c.Version, Title: title}))
		}
		results := []service.ResultAction{
			{Result: "CCTV seized and viewed; the car is on it", Outcome: domain.ActionCompleted, Reference: " EX/IV/1 "},
			{Result: "The firm keeps no bookings that old", Outcome: domain.ActionNotPossible},
		}
		for i, r := range results {
			act := c.Actions[i].ID
			c = must(a.Svc.AllocateAction(ctx, a.Investigator, c.ID, service.AllocateAction{Version: c.Version,
				Action: act, To: a.Investigator.ID()}))
			r.Version, r.Action = c.Version, act
			c = must(a.Svc.ResultAction(ctx, a.Investigator, c.ID, r))
		}

		var out bytes.Buffer
		if _, err := a.Svc.Export(ctx, a.Admin, service.ExportFilter{Refs: []string{c.Ref}}, &out); err != nil {
			t.Fatal(err)
		}
		file := out.String()
		if !strings.Contains(file, `"result":"CCTV seized and viewed; the car is on it","outcome":"completed",`+
			`"reference":"EX/IV/1"`) || !strings.Contains(file, `"outcome":"not_possible"`) {
			t.Fatalf("the export leaves out the results' outcomes and references:\n%s", file)
		}

		dbB := testdb.Open(t, db.Engine())
		b := fixture.New(t, dbB)
		back, err := casefile.ReadJSONL(strings.NewReader(file))
		if err != nil {
			t.Fatalf("the export does not read back: %v", err)
		}
		rep, err := b.Svc.Import(ctx, service.SystemActor("import"), "export.jsonl", back, false)
		if err != nil || len(rep.Refs) != 1 {
			t.Fatalf("the export does not import: %+v %v", rep, err)
		}
		got := must(dbB.CaseByRef(ctx, rep.Refs[0]))
		if len(got.Actions) != len(c.Actions) {
			t.Fatalf("%d actions after the round trip, want %d", len(got.Actions), len(c.Actions))
		}
		for i, want := range c.Actions {
			g := got.Actions[i]
			if g.Title != want.Title || g.State != want.State || g.Result != want.Result ||
				g.Outcome != want.Outcome || g.Reference != want.Reference {
				t.Errorf("action %d after the round trip: %s %q %q %q %q, want %s %q %q %q %q", i+1, g.State, g.Title,
					g.Result, g.Outcome, g.Reference, want.State, want.Title, want.Result, want.Outcome, want.Reference)
			}
		}
		if g := got.Actions[0]; g.Outcome != domain.ActionCompleted || g.Reference != "EX/IV/1" {
			t.Errorf("the first result arrives as %q %q, want completed EX/IV/1", g.Outcome, g.Reference)
		}

		// An outcome Holdfast does not know: refused on its line and field,
		// in the service's words, and nothing is imported.
		lines := strings.Split(file, "\n")
		line := 0
		for i, l := range lines {
			if strings.Contains(l, `"outcome":"completed"`) {
				line, lines[i] = i+1, strings.Replace(l, `"outcome":"completed"`, `"outcome":"done"`, 1)
			}
		}
		bad, err := casefile.ReadJSONL(strings.NewReader(strings.Join(lines, "\n")))
		if err != nil {
			t.Fatalf("the reader refuses what only the importer can judge: %v", err)
		}
		fresh := fixture.New(t, testdb.Open(t, db.Engine()))
		before, _ := fresh.Store.LatestSeq(ctx)
		_, err = fresh.Svc.Import(ctx, service.SystemActor("import"), "bad.jsonl", bad, false)
		want := casefile.Problem{Line: line, Field: "actions[0].outcome", Message: `"done" is not an outcome: ` +
			`choose completed with a result (completed), completed, nothing found (nothing_found), not possible ` +
			`(not_possible) or referred on (referred_on).`}.String()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("an unknown outcome: %v\nwant it to say %s", err, want)
		}
		if after, _ := fresh.Store.LatestSeq(ctx); after != before {
			t.Errorf("a refused file wrote %d events", after-before)
		}
	})
}
