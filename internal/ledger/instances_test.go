package ledger_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestTwoInstancesOneOrder: two Holdfast instances over one database open
// cases and cut checkpoints at the same time. The leaves must come out in
// one total order: both instances' trees agree, every checkpoint either
// signed verifies, and a full verification finds the record intact.
func TestTwoInstancesOneOrder(t *testing.T) {
	testdb.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		f := fixture.New(t, testdb.OpenDSN(t, dsn))
		second, err := app.New(
			testdb.OpenDSN(t, dsn),
			app.Config{Clock: f.Clock, Ledger: app.LedgerConfig{KeyPath: f.LedgerKey}},
		)
		if err != nil {
			t.Fatal(err)
		}
		instances := []*service.Service{f.Svc, second.Svc}
		var wg sync.WaitGroup
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				svc := instances[i%2]
				for j := 0; j < 5; j++ {
					if _, err := svc.OpenReferral(ctx, f.Investigator, service.NewReferral{TeamID: f.TeamA, Summary: fmt.Sprintf("referral %d.%d", i, j), OffenceTypes: []string{"child_sexual_exploitation"}}); err != nil {
						t.Error(err)
						return
					}
					if _, err := svc.Ledger().Cut(ctx, f.Admin); err != nil {
						t.Error(err)
						return
					}
				}
			}(i)
		}
		wg.Wait()
		var roots [][]byte
		for _, svc := range instances {
			st, err := svc.Ledger().Status(ctx, f.Admin)
			if err != nil {
				t.Fatal(err)
			}
			roots = append(roots, st.Root)
		}
		if !bytes.Equal(roots[0], roots[1]) {
			t.Fatalf("the two instances disagree on the tree: %x vs %x", roots[0], roots[1])
		}
		for i, svc := range instances {
			r, err := svc.Ledger().Verify(ctx, f.Admin)
			if err != nil {
				t.Fatal(err)
			}
			if !r.OK || r.Checkpoints < 2 {
				t.Fatalf(
					"instance %d verify: ok=%v checkpoints=%d problem=%q at event %d",
					i,
					r.OK,
					r.Checkpoints,
					r.Problem,
					r.FirstBad,
				)
			}
		}
	})
}
