package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	_ "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/holdfast/holdfast/internal/store"
)

// PostgreSQL's real error type; SQLite's codes through a value with the
// method modernc's *sqlite.Error has, and one real SQLite error below, so a
// driver that renamed its method would break this test rather than silently
// turn outages into 500s or refusals.
func TestUnavailableTellsOutagesFromAnswers(t *testing.T) {
	pg := func(code string) error { return fmt.Errorf("query: %w", &pgconn.PgError{Code: code}) }
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"not found", store.ErrNotFound, false},
		{"conflict", store.ErrConflict, false},
		{"no rows", sql.ErrNoRows, false},
		{"a bug", errors.New("scan: converting NULL to string"), false},
		{"pool closed", errors.New("sql: database is closed"), true},
		{"connection done", sql.ErrConnDone, true},
		{"refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, true},
		{"disk full", fmt.Errorf("write: %w", syscall.ENOSPC), true},
		{"pg admin shutdown", pg("57P01"), true},
		{"pg cannot connect now", pg("57P03"), true},
		{"pg connection failure", pg("08006"), true},
		{"pg disk full", pg("53100"), true},
		{"pg read-only replica", pg("25006"), true},
		{"pg unique violation", pg("23505"), false},
		{"pg serialization failure", pg("40001"), false},
		{"sqlite busy", sqliteErr(t, sqlite3.SQLITE_BUSY), true},
		{"sqlite disk full", sqliteErr(t, sqlite3.SQLITE_FULL), true},
		{"sqlite ioerr (extended)", sqliteErr(t, sqlite3.SQLITE_IOERR_FSYNC), true},
		{"sqlite constraint", sqliteErr(t, sqlite3.SQLITE_CONSTRAINT_UNIQUE), false},
		{"wrapped marker", fmt.Errorf("check session: %w", store.ErrUnavailable), true},
	} {
		if got := store.Unavailable(c.err); got != c.want {
			t.Errorf("%s: Unavailable(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
		if got, want := store.DiskFull(c.err), strings.Contains(c.name, "disk full"); got != want {
			t.Errorf("%s: DiskFull(%v) = %v, want %v", c.name, c.err, got, want)
		}
	}
}

func sqliteErr(t *testing.T, code int) error {
	t.Helper()
	return fmt.Errorf("exec: %w", &sqliteCoded{code})
}

// sqliteCoded has the method modernc's *sqlite.Error has (Code() int).
type sqliteCoded struct{ code int }

func (e *sqliteCoded) Error() string { return fmt.Sprintf("sqlite error %d", e.code) }
func (e *sqliteCoded) Code() int     { return e.code }

// A real SQLite error reaches the code: a constraint is an answer, not an
// outage; a database that cannot be opened is an outage.
func TestUnavailableReadsRealSQLiteErrors(t *testing.T) {
	db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "u.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t (k TEXT PRIMARY KEY); INSERT INTO t VALUES ('a')"); err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec("INSERT INTO t VALUES ('a')")
	var coded interface{ Code() int }
	if !errors.As(err, &coded) {
		t.Fatalf("modernc's error %T has no Code() int: store.Unavailable cannot read SQLite's codes", err)
	}
	if store.Unavailable(err) {
		t.Errorf("a unique-constraint error counted as an outage: %v", err)
	}
	missing, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "no", "such", "dir.db")+"?mode=rw")
	if err != nil {
		t.Fatal(err)
	}
	defer missing.Close()
	if err := missing.Ping(); !store.Unavailable(err) {
		t.Errorf("a database that cannot be opened is not an outage: %v", err)
	}
}

// A busy database (a lock held past the timeout, a request out of time) is
// an outage told apart from an unreachable one; a timeout on the network
// and any other outage are not busy.
func TestBusyIsTheMildestOutage(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"sqlite busy", sqliteErr(t, sqlite3.SQLITE_BUSY), true},
		{"sqlite busy snapshot", sqliteErr(t, sqlite3.SQLITE_BUSY_SNAPSHOT), true},
		{"sqlite locked", sqliteErr(t, sqlite3.SQLITE_LOCKED), true},
		{"request out of time", fmt.Errorf("append: %w", context.DeadlineExceeded), true},
		{"dial timed out", &net.OpError{Op: "dial", Err: context.DeadlineExceeded}, false},
		{"sqlite disk full", sqliteErr(t, sqlite3.SQLITE_FULL), false},
		{"sqlite cannot open", sqliteErr(t, sqlite3.SQLITE_CANTOPEN), false},
		{"refused", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}, false},
		{"pool closed", errors.New("sql: database is closed"), false},
		{"not found", store.ErrNotFound, false},
	} {
		if got := store.Busy(c.err); got != c.want {
			t.Errorf("%s: Busy(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
		if c.want && !store.Unavailable(c.err) {
			t.Errorf("%s: busy but not an outage (no 503): %v", c.name, c.err)
		}
	}
}
