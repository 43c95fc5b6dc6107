package bench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

func benchEngine(b *testing.B, dsn string, clients int) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, dsn, true)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	hf, a, ids, err := Setup(ctx, db, 200)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	r, err := Run(ctx, hf, a, ids, Config{Clients: clients, Commands: b.N})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(r.PerSecond(), "commands/s")
	b.ReportMetric(float64(r.P99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(100*r.LedgerShare(), "ledger-%")
}

func BenchmarkSQLite16(b *testing.B) { benchEngine(b, filepath.Join(b.TempDir(), "b.db"), 16) }
func BenchmarkSQLite1(b *testing.B)  { benchEngine(b, filepath.Join(b.TempDir(), "b.db"), 1) }
func BenchmarkPostgres16(b *testing.B) {
	benchEngine(b, testdb.PostgresSchema(b), 16)
}

// TestRunMeasures checks the harness itself on a small run: every command
// lands, and the figures are consistent.
func TestRunMeasures(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, "sqlite")
	hf, a, ids, err := Setup(ctx, db, 5)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := db.LatestSeq(ctx)
	r, err := Run(ctx, hf, a, ids, Config{Clients: 4, Commands: 40})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := db.LatestSeq(ctx)
	if after-before != 40 {
		t.Fatalf("%d events for 40 commands", after-before)
	}
	if r.P50 > r.P99 || r.P99 <= 0 || r.PerSecond() <= 0 {
		t.Fatalf("inconsistent result %+v", r)
	}
	if r.Ledger.Events != 40 || r.Ledger.Seal <= 0 || r.Ledger.CatchUp <= 0 || r.LedgerShare() <= 0 ||
		r.LedgerShare() >= 1 {
		t.Fatalf("ledger cost %+v, share %v", r.Ledger, r.LedgerShare())
	}
}
