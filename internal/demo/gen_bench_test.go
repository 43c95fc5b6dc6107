package demo_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
)

// fastDisk generates as `holdfast demo` does, its commits not waiting for
// the disk (HOLDFAST_DEMO_FSYNC=1 makes them wait, as a server's do).
var fastDisk = os.Getenv("HOLDFAST_DEMO_FSYNC") != "1"

// BenchmarkGenerate reports how long generating a force takes (issue 20:
// `holdfast demo` must serve soon after a fresh start), per case and in
// all, and the average size of a case's document, which every command
// decodes and encodes. HOLDFAST_DEMO_CASES sets the size (default 60;
// `holdfast demo` makes 2000), HOLDFAST_DEMO_WORKERS the cases worked side
// by side (default: Options.Workers').
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		g, err := generate(b.TempDir(), 1, casesFromEnvNamed("HOLDFAST_DEMO_WORKERS", 0), fastDisk)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(g.res.Elapsed.Seconds(), "s/force")
		b.ReportMetric(float64(g.res.Elapsed.Milliseconds())/float64(g.res.Cases), "ms/case")
		b.ReportMetric(float64(g.res.Commands)/g.res.Elapsed.Seconds(), "commands/s")
		var n, size int
		if err := g.db.ScanCases(context.Background(), func(c *domain.Case) error {
			n++
			size += docSize(c)
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(size)/float64(n), "doc-bytes/case")
		g.db.Close()
	}
}

// docSize is the length of c's document as the store writes it.
func docSize(c *domain.Case) int {
	b, _ := json.Marshal(c)
	return len(b)
}
