package service_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// BenchmarkSweep measures the watchdog over n open cases of which 1% have
// a duty newly overdue: "first" escalates them (one transaction per case),
// "steady" is the next run, with everything already escalated — the cost
// of a sweep when nothing new is due, which is what `holdfast serve` runs
// every few minutes; "steady-count" and "steady-list" are the same run
// counting or listing every overdue duty, as `holdfast sweep` can. Sizes: HOLDFAST_BENCH_SWEEP
// (comma-separated; default 10000).
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
			svc, asOf := sweepBenchDB(b, n)
			sys := service.SystemActor("watchdog")
			b.ResetTimer()
			var first, steady, counted, listed time.Duration
			scheduled := service.SweepOptions{Overdue: service.OverdueNone} // as `holdfast serve` runs it
			for i := 0; i < b.N; i++ {
				scheduled.AsOf = asOf
				t0 := time.Now()
				rep, err := svc.Sweep(ctx, sys, scheduled)
				first += time.Since(t0)
				if err != nil || len(rep.Escalations) < n/100 {
					b.Fatalf("first sweep: %d escalations, want %d: %v", len(rep.Escalations), n/100, err)
				}
				t0 = time.Now()
				rep, err = svc.Sweep(ctx, sys, scheduled)
				steady += time.Since(t0)
				if err != nil || len(rep.Escalations) != 0 {
					b.Fatalf("steady sweep escalated again: %d: %v", len(rep.Escalations), err)
				}
				// Reporting the backlog, as `holdfast sweep` can, reads the
				// due-time index (count) or every overdue duty (list): its
				// cost follows the number overdue, so it is shown apart.
				t0 = time.Now()
				rep, err = svc.Sweep(ctx, sys, service.SweepOptions{AsOf: asOf, Overdue: service.OverdueCount})
				counted += time.Since(t0)
				if err != nil || len(rep.Escalations) != 0 || rep.OverdueCount == nil || *rep.OverdueCount != n/100 {
					b.Fatalf(
						"counting sweep: %d escalations, count %v (want %d): %v",
						len(rep.Escalations),
						rep.OverdueCount,
						n/100,
						err,
					)
				}
				t0 = time.Now()
				rep, err = svc.Sweep(ctx, sys, service.SweepOptions{AsOf: asOf})
				listed += time.Since(t0)
				if err != nil || len(rep.Escalations) != 0 || len(rep.Overdue) != n/100 {
					b.Fatalf(
						"listing sweep: %d escalations, %d listed (want %d): %v",
						len(rep.Escalations),
						len(rep.Overdue),
						n/100,
						err,
					)
				}
				asOf = asOf.Add(time.Nanosecond) // the next iteration must not repeat this one
			}
			b.ReportMetric(float64(first.Milliseconds())/float64(b.N), "first-ms")
			b.ReportMetric(float64(steady.Microseconds())/1000/float64(b.N), "steady-ms")
			b.ReportMetric(float64(counted.Microseconds())/1000/float64(b.N), "steady-count-ms")
			b.ReportMetric(float64(listed.Microseconds())/1000/float64(b.N), "steady-list-ms")
		})
	}
}

// sweepBenchCacheVersion changes whenever what sweepBenchDB builds does,
// so a cached database from an older build is never measured.
const sweepBenchCacheVersion = 1

// sweepBenchDB returns a copy of a database with n open cases, 1% of them
// with a duty newly overdue as of asOf, and a service over it. Building a
// million cases takes minutes, so the built file is kept in
// HOLDFAST_BENCH_CACHE (default: the system temporary directory) and each
// run works on a fresh copy of it.
func sweepBenchDB(b *testing.B, n int) (*service.Service, time.Time) {
	b.Helper()
	dir := os.Getenv("HOLDFAST_BENCH_CACHE")
	if dir == "" {
		dir = os.TempDir()
	}
	cached := filepath.Join(dir, fmt.Sprintf("holdfast-sweep-bench-v%d-%d.db", sweepBenchCacheVersion, n))
	if _, err := os.Stat(cached); err != nil {
		buildSweepBenchDB(b, n, cached)
	}
	path := filepath.Join(b.TempDir(), "holdfast.db")
	if err := copyFile(cached, path); err != nil {
		b.Fatal(err)
	}
	db := testdb.OpenDSN(b, path)
	clk := clock.NewManual(fixture.Start)
	hf, err := app.New(db, app.Config{Clock: clk})
	if err != nil {
		b.Fatal(err)
	}
	return hf.Svc, fixture.Start.Add(2 * time.Hour)
}

func buildSweepBenchDB(b *testing.B, n int, dst string) {
	b.Helper()
	path := filepath.Join(b.TempDir(), "build.db")
	db, err := sqlstore.Open(ctx, path, true)
	if err != nil {
		b.Fatal(err)
	}
	f := fixture.New(b, db)
	tmpl := f.Allocated(b)
	asOf := fixture.Start.Add(2 * time.Hour)
	// Cases written straight into the projection: the sweep reads
	// projections and indexes, and a million commands would take the
	// benchmark's time building rather than measuring.
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
	if err := db.Close(); err != nil {
		b.Fatal(err)
	}
	tmp := dst + ".part"
	if err := copyFile(path, tmp); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		b.Fatal(err)
	}
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
