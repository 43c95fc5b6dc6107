// Package testdb gives tests real databases: a fresh SQLite file, and a
// fresh schema on the PostgreSQL server named by HOLDFAST_TEST_POSTGRES.
package testdb

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// PostgresEnv names the variable holding the test server's URL.
const PostgresEnv = "HOLDFAST_TEST_POSTGRES"

// Engines are the engines every conformance test runs on.
var Engines = []string{"sqlite", "postgres"}

// Each runs fn as a subtest on every engine.
func Each(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	for _, e := range Engines {
		t.Run(e, func(t *testing.T) { fn(t, Open(t, e)) })
	}
}

// Open returns a migrated, empty store on engine, removed when t ends.
func Open(t testing.TB, engine string) *sqlstore.DB {
	t.Helper()
	return OpenDSN(t, DSN(t, engine))
}

// A store a test opens in its own process does not wait for the disk at
// each commit: SQLite's writer runs with synchronous=OFF (as the demo's
// .partial file does) and PostgreSQL's sessions with synchronous_commit
// off. A commit is still written before it is acknowledged, so it
// outlives the test's own process, and what a test can see — order,
// atomicity, isolation, one transaction per write — is unchanged; only a
// power cut or a crash of the machine could lose it. CI ran most of its
// time waiting on fsync (TestEveryEndpointForEveryRole's SQLite half: 86 s
// of wall time for 17 s of CPU). The guarantee that an acknowledged write
// survives kill -9 is tested on the product's own settings, by the tests
// in cmd/holdfast that run `holdfast serve` as a process on DSN's names;
// benchmarks (a *testing.B) keep the product's settings too.
func fast(tb testing.TB, engine, dsn string) string {
	if _, bench := tb.(*testing.B); bench || engine != sqlstore.EnginePostgres {
		return dsn
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	q := u.Query()
	q.Set("synchronous_commit", "off")
	u.RawQuery = q.Encode()
	return u.String()
}

// DSN returns a fresh database for engine: a new SQLite file, or a new
// PostgreSQL schema (dropped at cleanup) so tests never see each other.
func DSN(t testing.TB, engine string) string {
	t.Helper()
	switch engine {
	case "sqlite":
		return filepath.Join(t.TempDir(), "holdfast.db")
	case "postgres":
		return PostgresSchema(t)
	}
	t.Fatalf("unknown engine %q", engine)
	return ""
}

// PostgresSchema creates a schema on the test server and returns a URL
// whose search_path selects it. Two stores opened on it share one database,
// as two Holdfast instances would.
func PostgresSchema(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf(
			"PostgreSQL tests skipped: no server configured. Set %s, e.g. postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable (.ci/run does)",
			PostgresEnv,
		)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("postgres at %s: create schema: %v", base, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		a.Exec("DROP SCHEMA " + schema + " CASCADE")
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// EachDSN runs fn on every engine with a fresh database's DSN, for tests
// that open it more than once (two instances sharing one database).
func EachDSN(t *testing.T, fn func(t *testing.T, dsn string)) {
	for _, e := range Engines {
		t.Run(e, func(t *testing.T) { fn(t, DSN(t, e)) })
	}
}

// OpenDSN opens a migrated store on dsn, closed when t ends, without
// waiting for the disk at each commit (fast, above).
func OpenDSN(t testing.TB, dsn string) *sqlstore.DB {
	t.Helper()
	d, err := sqlstore.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	db, err := sqlstore.Open(context.Background(), fast(t, d.Engine, dsn), true)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	if _, bench := t.(*testing.B); !bench && d.Engine == sqlstore.EngineSQLite {
		if _, err := db.Raw().Exec("PRAGMA synchronous=OFF"); err != nil {
			t.Fatalf("open %s: %v", dsn, err)
		}
	}
	return db
}
