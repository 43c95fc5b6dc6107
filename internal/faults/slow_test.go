package faults_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/faults"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var ctx = context.Background()

// TestSlowDiskAcknowledgesNothingEarly: with every commit held back as a
// disk whose fsync takes 150ms would hold it, eight writers' commands take
// at least that long each, and every one acknowledged is already visible
// to a reader on another connection the moment it is acknowledged — so no
// acknowledgement came before its commit. At full speed again the record is
// intact.
func TestSlowDiskAcknowledgesNothingEarly(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		const delay = 150 * time.Millisecond
		db.SlowCommits(delay)
		var mu sync.Mutex
		var acked []string
		var wg sync.WaitGroup
		for w := 0; w < 8; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := 0; i < 3; i++ {
					start := time.Now()
					c, err := f.Svc.OpenReferral(ctx, f.Investigator, service.NewReferral{TeamID: f.TeamA,
						Summary: fmt.Sprintf("referral %d.%d on a slow disk", w, i), OffenceTypes: []string{"child_sexual_exploitation"}})
					took := time.Since(start)
					if err != nil {
						t.Errorf("write on a slow disk: %v", err)
						return
					}
					if took < delay {
						t.Errorf("write %s acknowledged after %v, before a %v commit could finish", c.Ref, took, delay)
					}
					// Another connection (the reading pool) must already see it.
					if _, err := db.CaseByRef(ctx, c.Ref); err != nil {
						t.Errorf("write %s acknowledged but not yet committed: %v", c.Ref, err)
					}
					mu.Lock()
					acked = append(acked, c.Ref)
					mu.Unlock()
				}
			}(w)
		}
		wg.Wait()
		db.SlowCommits(0)
		if len(acked) != 24 {
			t.Fatalf("%d of 24 writes acknowledged on a slow disk", len(acked))
		}
		faults.Intact(t, f.Svc, f.Admin, db, acked)
	})
}

// readsServed fails t unless the reads that write nothing are answered:
// the case list, the officer's work and the organisation.
func readsServed(t *testing.T, f *fixture.Force) {
	t.Helper()
	if rows, err := f.Svc.ListCases(ctx, f.Investigator, store.CaseFilter{Limit: 5}); err != nil || len(rows) == 0 {
		t.Fatalf("the case list during the fault: %d rows, %v", len(rows), err)
	}
	if _, err := f.Svc.MyWork(ctx, f.Investigator); err != nil {
		t.Fatalf("my work during the fault: %v", err)
	}
	if org, err := f.Svc.Org(ctx, f.Admin); err != nil || len(org.Units) == 0 {
		t.Fatalf("the organisation during the fault: %v", err)
	}
}
