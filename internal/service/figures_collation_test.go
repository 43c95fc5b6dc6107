package service_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// icuDatabase creates, on the test server, a database whose collation is
// ICU en-GB (as a UK force's might be), dropped when t ends, and opens a
// store on it; it skips where there is no server or no ICU.
func icuDatabase(t *testing.T) *sqlstore.DB {
	t.Helper()
	base := os.Getenv(testdb.PostgresEnv)
	if base == "" {
		t.Skip("PostgreSQL collation test skipped: " + testdb.PostgresEnv + " is not set")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "holdfast_icu_" + hex.EncodeToString(b)
	if _, err := admin.Exec("CREATE DATABASE " + name +
		" TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-GB' LOCALE 'C.UTF-8'"); err != nil {
		t.Skipf("PostgreSQL collation test skipped: no ICU database: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	t.Cleanup(func() {
		if a, err := sql.Open("pgx", base); err == nil {
			defer a.Close()
			a.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		}
	})
	return testdb.OpenDSN(t, u.String())
}

// TestBoardCountsUnderICUCollation: the team board counts every open duty
// on a database whose collation does not sort by byte (the kept "board:"
// figures were read by a text range, which held none of them under ICU).
func TestBoardCountsUnderICUCollation(t *testing.T) {
	wantBoardCountsEveryOpenDuty(t, icuDatabase(t))
}

// wantBoardCountsEveryOpenDuty: the supervisor's board counts exactly the
// open duties the duties table holds for the team.
func wantBoardCountsEveryOpenDuty(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	f := fixture.New(t, db)
	f.Allocated(t)
	f.Allocated(t)
	want := countOpenDuties(t, db, f.TeamA)
	if want == 0 {
		t.Fatal("no open duty to count")
	}
	open, _, err := f.Svc.TeamBoardCounts(ctx, f.Supervisor)
	if err != nil {
		t.Fatal(err)
	}
	if open != want {
		t.Errorf("the team board counts %d open duties, the duties table holds %d", open, want)
	}
}

// countOpenDuties counts the duties table's rows of team, as the team
// board counted its open duties before the kept figures.
func countOpenDuties(t *testing.T, db *sqlstore.DB, team string) int {
	t.Helper()
	q := "SELECT COUNT(*) FROM duties WHERE team_id = ?"
	if db.Engine() == "postgres" {
		q = "SELECT COUNT(*) FROM duties WHERE team_id = $1"
	}
	var n int
	if err := db.Raw().QueryRow(q, team).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBoardCountsEveryOpenDuty: the team board's open count, read from the
// kept "board:" figures by an exact prefix (not a text range, which a
// collation could reorder), equals the open duties on both engines.
func TestBoardCountsEveryOpenDuty(t *testing.T) {
	testdb.Each(t, wantBoardCountsEveryOpenDuty)
}
