package service_test

import (
	"bytes"
	"os"
	"strconv"
	"testing"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// BenchmarkTrainingNeeds is the training-needs page's read over a force of
// HOLDFAST_BENCH_TRAINING imported cases (default 2,000; SQLite, or
// HOLDFAST_BENCH_ENGINE=postgres): one pass over every case, as each page
// view makes unless the figures are kept.
func BenchmarkTrainingNeeds(b *testing.B) {
	n := 2_000
	if v, err := strconv.Atoi(os.Getenv("HOLDFAST_BENCH_TRAINING")); err == nil {
		n = v
	}
	engine := "sqlite"
	if e := os.Getenv("HOLDFAST_BENCH_ENGINE"); e != "" {
		engine = e
	}
	f := fixture.New(b, testdb.Open(b, engine))
	file, err := casefile.ReadJSONL(bytes.NewReader(syntheticCaseFile(n)))
	if err != nil {
		b.Fatal(err)
	}
	if rep, err := f.Svc.Import(ctx, service.SystemActor("import"), "bench.jsonl", file, false); err != nil || rep.Cases != n {
		b.Fatalf("%+v %v", rep, err)
	}
	requireTraining(b, f)
	// cold: every view computes (a new policy value each time, as after
	// any change); kept: views within the minute reuse the figures.
	b.Run("cold", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			p := *f.Svc.Policy()
			if err := f.Svc.SetPolicy(&p); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := f.Svc.TrainingNeeds(ctx, f.Manager, service.TrainingNeedsQuery{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	})
	b.Run("kept", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := f.Svc.TrainingNeeds(ctx, f.Manager, service.TrainingNeedsQuery{GapsPage: i % 3}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
