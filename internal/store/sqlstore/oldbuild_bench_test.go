package sqlstore_test

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// BenchmarkOpenOldRecord measures opening a record of n cases written
// before the find index, the POLE index and the dated notices (oldBuilds):
// peak-heap-MB is the most the heap grew while the builds ran (peakHeap). The builds go a chunk of cases a transaction, so it should
// not grow with n (issue 20: serve at a million cases under 300 MB).
//
//	go test -run '^$' -bench OpenOldRecord -benchtime 1x ./internal/store/sqlstore
func BenchmarkOpenOldRecord(b *testing.B) {
	for _, engine := range testdb.Engines {
		for _, n := range []int{5000, 20000} {
			b.Run(fmt.Sprintf("%s/%d", engine, n), func(b *testing.B) {
				db := testdb.Open(b, engine)
				oldRecord(b, db, n)
				b.ResetTimer()
				peak := 0.0
				for range b.N {
					b.StopTimer()
					for _, o := range oldBuilds {
						o.age(b, db)
					}
					b.StartTimer()
					peak = max(peak, peakHeap(func() {
						if err := db.Migrate(context.Background()); err != nil {
							b.Fatal(err)
						}
					}))
				}
				if left := count(b, db, oldBuilds[2].left); left != 0 {
					b.Fatalf("%d notices not filled", left)
				}
				b.ReportMetric(peak/(1<<20), "peak-heap-MB")
			})
		}
	}
}

// oldRecord fills db with n cases, copies of one made through the
// service whose victim is owed notice of an arrest, each with a copy of
// its events (out of the chain: the builds fold a case's events, and
// never check the chain).
func oldRecord(b *testing.B, db *sqlstore.DB, n int) {
	ctx := context.Background()
	tmpl := oldBuildCase(b, fixture.New(b, db), true)
	head := int64(count(b, db, "SELECT MAX(seq) FROM events"))
	const batch = 1000
	for start := 1; start < n; start += batch {
		if err := db.Write(ctx, func(t store.Tx) error {
			var cs []*domain.Case
			for i := start; i < min(start+batch, n); i++ {
				c := *tmpl
				c.ID, c.Ref = fmt.Sprintf("old-%08d", i), fmt.Sprintf("OLD/%08d", i)
				c.Duties = nil
				for _, d := range tmpl.Duties {
					d.ID = c.ID + d.ID[strings.LastIndex(d.ID, "."):]
					c.Duties = append(c.Duties, d)
				}
				cs = append(cs, &c)
			}
			return t.PutNewCases(cs)
		}); err != nil {
			b.Fatal(err)
		}
	}
	tx, err := db.Raw().Begin()
	if err != nil {
		b.Fatal(err)
	}
	copyEvents := raw(db, `INSERT INTO events (seq, at, actor, case_id, case_version, type, v, source, payload,
		prev_hash, hash) SELECT seq + ?, at, actor, ?, case_version, type, v, source, payload, prev_hash, hash
		FROM events WHERE case_id = ?`)
	for i := 1; i < n; i++ {
		if _, err := tx.Exec(copyEvents, int64(i)*head, fmt.Sprintf("old-%08d", i), tmpl.ID); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// peakHeap runs fn and answers the most the heap's objects grew over
// what they were before it, sampled. The collector is kept close behind
// (GOGC 10) meanwhile, so that the figure is what fn holds rather than
// the garbage the pacer lets pile up over a heap the test's own setup
// made large.
func peakHeap(fn func()) float64 {
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() float64 {
		metrics.Read(sample)
		return float64(sample[0].Value.Uint64())
	}
	base, peak := read(), 0.0
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(200 * time.Microsecond)
		defer tick.Stop()
		for {
			peak = max(peak, read())
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(stop)
	wg.Wait()
	return max(peak, read()) - base
}
