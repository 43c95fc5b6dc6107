package service_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/testdb"
)

// BenchmarkSweep measures the watchdog over n open cases of which 1% have
// a duty newly overdue: "first" escalates them (one transaction per case),
// "steady" is the next run, with everything already escalated — the cost
// of a sweep when nothing new is due, which is what runs every few
// minutes. Sizes: HOLDFAST_BENCH_SWEEP (comma-separated; default 10000).
// docs/benchmarks.md has the 100,000 and 1,000,000 figures.
func BenchmarkSweep(b *testing.B) {
	sizes := []int{10_000}
	if v := os.Getenv("HOLDFAST_BENCH_SWEEP"); v != "" {
		sizes = nil
		for _, s := range strings.Split(v, ",") {
			n, err := strconv.Atoi(s)
			if err != nil {
				b.Fatal(err)
			}
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			db := testdb.Open(b, "sqlite")
			f := fixture.New(b, db)
			tmpl := f.Allocated(b)
			asOf := f.Clock.Now().Add(2 * time.Hour)
			// Cases written straight into the projection: the sweep reads
			// projections and indexes, and a million commands would take
			// the benchmark's time building rather than measuring.
			const batch = 5000
			for start := 0; start < n; start += batch {
				err := db.Write(ctx, func(tx store.Tx) error {
					for i := start; i < start+batch && i < n; i++ {
						c := *tmpl
						c.ID = fmt.Sprintf("bench-%07d", i)
						c.Ref = fmt.Sprintf("CSE/2026/B%07d", i)
						c.Duties = make([]domain.Duty, 0, len(tmpl.Duties))
						for _, d := range tmpl.Duties {
							if d.Status != domain.DutyOpen {
								continue
							}
							d.ID = c.ID + "." + d.ID[strings.LastIndex(d.ID, ".")+1:]
							d.Due = asOf.Add(time.Duration(30+i%1000) * 24 * time.Hour)
							if i%100 == 0 && d.Kind == "investigation_plan" {
								d.Due = asOf.Add(-time.Hour) // the 1% overdue
							}
							d.NextAt = d.Due
							c.Duties = append(c.Duties, d)
						}
						if err := tx.PutCase(&c, 0); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			sys := service.SystemActor("watchdog")
			b.ResetTimer()
			var first, steady time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				rep, err := f.Svc.Sweep(ctx, sys, asOf, false)
				first += time.Since(t0)
				if err != nil || len(rep.Escalations) < n/100 {
					b.Fatalf("first sweep: %d escalations, want %d: %v", len(rep.Escalations), n/100, err)
				}
				t0 = time.Now()
				rep, err = f.Svc.Sweep(ctx, sys, asOf, false)
				steady += time.Since(t0)
				if err != nil || len(rep.Escalations) != 0 {
					b.Fatalf("steady sweep escalated again: %d: %v", len(rep.Escalations), err)
				}
				asOf = asOf.Add(time.Nanosecond) // the next iteration must not repeat this one
			}
			b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "first-ms")
			b.ReportMetric(float64(steady.Microseconds())/1000/float64(b.N), "steady-ms")
		})
	}
}
