package service_test

import (
	"context"
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// Check your answers before handing on a leaver's cases shows each case's
// summary: a read of the cases, recorded as the hand-on page's own is. (It
// was not: a supervisor could post choices and read every summary with no
// trace in the ledger.) Confirming reads nothing it shows, so records none.
func TestCheckHandOnRecordsTheReadOfTheCasesItShows(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, amy, cs := handoverForce(t, db)
		seq, err := db.LatestSeq(ctx)
		if err != nil {
			t.Fatal(err)
		}
		plan, err := f.Svc.CheckHandOn(ctx, f.Supervisor, f.Investigator.ID(), service.HandOn{All: amy.ID()})
		if err != nil {
			t.Fatal(err)
		}
		if len(plan.Steps) != len(cs) {
			t.Fatalf("the check lists %d cases, want %d", len(plan.Steps), len(cs))
		}
		reads := readsSince(t, db, seq)
		if len(reads) != 1 || reads[0].View != service.ReadHandover {
			t.Fatalf("the check of a hand-on shows the cases' summaries with no read recorded: %+v", reads)
		}
		for _, c := range cs {
			if !slices.Contains(reads[0].Cases, c.ID) {
				t.Errorf("the read recorded does not name %s: %+v", c.Ref, reads[0])
			}
		}
		seq, _ = db.LatestSeq(ctx)
		if _, err := f.Svc.HandOn(ctx, f.Supervisor, f.Investigator.ID(), service.HandOn{All: amy.ID()}); err != nil {
			t.Fatal(err)
		}
		if reads := readsSince(t, db, seq); len(reads) != 0 {
			t.Errorf("handing on shows nothing, so records no read: %+v", reads)
		}
	})
}
