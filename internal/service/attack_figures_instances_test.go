package service_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAttackFiguresTwoInstances: two stores on one database, each with
// its own service, reassign owners, add victims and record contacts on
// the same cases from many goroutines; the kept figures then equal the
// scan and the replay.
func TestAttackFiguresTwoInstances(t *testing.T) {
	testdb.EachDSN(t, func(t *testing.T, dsn string) {
		db1 := testdb.OpenDSN(t, dsn)
		f := fixture.New(t, db1)
		db2 := testdb.OpenDSN(t, dsn)
		hf2, err := app.New(db2, app.Config{Policy: policy.DemoDefault(), Clock: f.Clock,
			Ledger: app.LedgerConfig{KeyPath: f.LedgerKey, Origin: "northshire.police.invalid/holdfast"}})
		if err != nil {
			t.Fatal(err)
		}
		svcs := []*service.Service{f.Svc, hf2.Svc}
		var ids []string
		for range 3 {
			ids = append(ids, f.Allocated(t).ID)
		}
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				svc := svcs[g%2]
				for i := range 6 {
					id := ids[(g+i)%len(ids)]
					for {
						c, err := db1.Case(ctx, id)
						if err != nil {
							t.Error(err)
							return
						}
						switch i % 3 {
						case 0:
							owner := []*service.Actor{f.Investigator, f.Investigator2}[(g+i)%2]
							_, err = svc.AssignOwner(ctx, f.Supervisor, id, service.AssignOwner{Version: c.Version,
								OwnerID: owner.ID(), Reason: "rota"})
						case 1:
							_, err = svc.AddVictim(ctx, f.Investigator, id, service.NewVictim{Version: c.Version,
								Name: fmt.Sprintf("Child %d-%d", g, i), DateOfBirth: "2012-03-04"})
						case 2:
							if len(c.Victims) == 0 {
								err = nil
								break
							}
							_, err = svc.RecordContact(ctx, f.Investigator, id, service.RecordContact{Version: c.Version,
								Victim: c.Victims[0].ID, Kind: "update", Method: "phone", Note: "spoke to her"})
						}
						if errors.Is(err, service.ErrConflict) {
							continue
						}
						if err != nil {
							t.Logf("command %d: %v", i%3, err)
						}
						break
					}
				}
			}()
		}
		wg.Wait()
		f.Clock.Advance(50 * 24 * time.Hour)
		keptEqualsScan(t, f.Svc, "after concurrent commands, two instances")
		keptEqualsScan(t, hf2.Svc, "after concurrent commands, second instance")
		if _, d, err := replay.Compare(ctx, db1); err != nil || d != nil {
			t.Fatalf("after concurrent commands: %v %v", d, err)
		}
	})
}
