package service_test

import (
	"errors"
	"sync"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// keptEqualsScan fails the test when the kept figures differ from the scan.
func keptEqualsScan(t *testing.T, svc *service.Service, when string) {
	t.Helper()
	kept, scanned, err := service.DashboardBothWaysForTest(ctx, svc, service.DashboardMonths)
	if err != nil {
		t.Fatal(err)
	}
	if k, s := dashText(kept), dashText(scanned); k != s {
		t.Errorf("%s: kept figures differ from the scan:\nkept    %s\nscanned %s", when, k, s)
	}
}

// TestAttackFiguresRolledBackWrite: a write that puts a case with other
// figures (new owner, new team) then fails leaves figures as they were,
// while other commands commit in the same batches.
func TestAttackFiguresRolledBackWrite(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		var ids []string
		for range 4 {
			ids = append(ids, f.Allocated(t).ID)
		}
		boom := errors.New("boom")
		var wg sync.WaitGroup
		for i := range 4 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				for range 5 {
					err := db.Write(ctx, func(tx store.Tx) error {
						c, err := tx.Case(ids[i])
						if err != nil {
							return err
						}
						v := c.Version
						c.OwnerID, c.TeamID = "nobody", f.TeamB
						c.Version++
						if err := tx.PutCase(c, v); err != nil {
							return err
						}
						return boom
					})
					if !errors.Is(err, boom) {
						t.Errorf("write: %v", err)
					}
				}
			}()
			go func() {
				defer wg.Done()
				for range 3 {
					f.Allocated(t)
				}
			}()
		}
		wg.Wait()
		keptEqualsScan(t, f.Svc, "after failed writes")
		if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
			t.Fatalf("after failed writes: %v %v", d, err)
		}
	})
}
