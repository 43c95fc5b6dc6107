package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime/pprof"
	"testing"

	"github.com/holdfast/holdfast/internal/bench"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// BenchmarkNoteCommands runs holdfast bench's note commands from 16
// clients on SQLite and reports what compares on a shared machine: the
// process's CPU time per command, and how many commands a batch held.
func BenchmarkNoteCommands(b *testing.B) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(b.TempDir(), "b.db"), true)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	hf, a, ids, err := bench.Setup(ctx, db, 1000)
	if err != nil {
		b.Fatal(err)
	}
	commits := db.Commits()
	if path := os.Getenv("HOLDFAST_BENCH_CPUPROFILE"); path != "" {
		// The commands alone, not the setup -test.cpuprofile would add.
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			b.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	b.ResetTimer()
	r, err := bench.Run(ctx, hf, a, ids, bench.Config{Clients: 16, Commands: b.N})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(r.CPU.Microseconds())/float64(b.N), "cpu-µs/cmd")
	b.ReportMetric(float64(b.N)/float64(db.Commits()-commits), "cmds/batch")
	b.ReportMetric(r.PerSecond(), "cmds/s")
	b.ReportMetric(float64(r.P99.Microseconds())/1000, "p99-ms")
}
