package faults_test

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/holdfast/holdfast/internal/faults"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/testdb"
)

// tagged is a fresh PostgreSQL schema whose connections carry an
// application_name of their own, so the test can cut this record's
// connections and no one else's (other tests share the server).
func tagged(t *testing.T) (dsn, app string) {
	t.Helper()
	u, err := url.Parse(testdb.PostgresSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 4)
	rand.Read(b)
	app = "holdfast_fault_" + hex.EncodeToString(b)
	q := u.Query()
	q.Set("application_name", app)
	u.RawQuery = q.Encode()
	return u.String(), app
}

func admin(t *testing.T) *sql.DB {
	t.Helper()
	a, err := sql.Open("pgx", os.Getenv(testdb.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	return a
}

// terminate cuts every connection named app, as a PostgreSQL restart or a
// network fault would, and says how many it cut.
func terminate(t *testing.T, a *sql.DB, app string) int {
	t.Helper()
	var n int
	if err := a.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = $1 AND pid <> pg_backend_pid()`, app).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestDatabaseConnectionsCutUnderLoad: eight writers open referrals while
// every connection of this record is terminated (pg_terminate_backend)
// every 100ms for three seconds. Writes caught in a cut are refused as
// unavailable (503, Retry-After) and nothing else; once the cuts stop,
// writes are acknowledged again within a second; and afterwards every
// acknowledged write is present, the chain is gapless, the ledger verifies
// and the replay matches.
func TestDatabaseConnectionsCutUnderLoad(t *testing.T) {
	dsn, app := tagged(t)
	a := admin(t)
	db := testdb.OpenDSN(t, dsn)
	f := fixture.New(t, db)
	load := faults.Start(f.Svc, f.Investigator, f.TeamA, 8)
	if !faults.WaitFor(5*time.Second, func() bool { return load.Acked() > 20 }) {
		t.Fatal("no writes acknowledged before the fault")
	}
	cut := 0
	for end := time.Now().Add(3 * time.Second); time.Now().Before(end); {
		cut += terminate(t, a, app)
		time.Sleep(100 * time.Millisecond)
	}
	during := load.Acked()
	if !faults.WaitFor(5*time.Second, func() bool { return load.Acked() > during+20 }) {
		t.Fatal("writes were not acknowledged again after the connections came back")
	}
	acked, other := load.Stop()
	if other != nil {
		t.Fatalf("a write met the outage as something other than unavailable: %v (%d such)", other, load.Other.Load())
	}
	if cut == 0 || load.Unavailable.Load() == 0 {
		t.Fatalf("the fault did not bite: %d connections cut, %d writes refused", cut, load.Unavailable.Load())
	}
	t.Logf("%d connections cut; %d writes refused as unavailable; %d acknowledged", cut, load.Unavailable.Load(), len(acked))
	faults.Intact(t, f.Svc, f.Admin, db, acked)
}

// TestReadOnlyDatabaseRefusesWritesServesReads: the database turns
// read-only under a running instance, as a failover to a replica does
// (simulated on a database of the test's own with ALTER DATABASE … SET
// default_transaction_read_only, and its connections cut so they come back
// read-only). Writes are refused as unavailable — SQLSTATE 25006, answered
// 503 — reads are served, and when the database is writable again the
// instance writes again by itself, without a restart and without its
// connections being cut a second time.
func TestReadOnlyDatabaseRefusesWritesServesReads(t *testing.T) {
	base := os.Getenv(testdb.PostgresEnv)
	if base == "" {
		testdb.PostgresSchema(t) // skips, saying how to run it
	}
	a := admin(t)
	b := make([]byte, 4)
	rand.Read(b)
	name := "holdfast_ro_" + hex.EncodeToString(b)
	if _, err := a.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Exec("DROP DATABASE " + name + " WITH (FORCE)") })
	u, _ := url.Parse(base)
	u.Path = "/" + name
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	db := testdb.OpenDSN(t, u.String())
	f := fixture.New(t, db)
	before := f.Referral(t)

	load := faults.Start(f.Svc, f.Investigator, f.TeamA, 4)
	faults.WaitFor(5*time.Second, func() bool { return load.Acked() > 10 })
	if _, err := a.Exec("ALTER DATABASE " + name + " SET default_transaction_read_only = on"); err != nil {
		t.Fatal(err)
	}
	terminate(t, a, name)
	refused := load.Unavailable.Load()
	if !faults.WaitFor(5*time.Second, func() bool { return load.Unavailable.Load() > refused+20 }) {
		t.Fatal("writes were not refused once the database was read-only")
	}
	// A write now: refused as unavailable, answered 503, not a 500.
	_, err := f.Svc.AddNote(ctx, f.Investigator, before.ID, service.NewNote{Version: before.Version, Text: "seen"})
	if !store.Unavailable(err) || response.StatusOf(err) != 503 {
		t.Fatalf("a write to a read-only database: %v (status %d), want unavailable, 503", err, response.StatusOf(err))
	}
	// Reads that log nothing are served: lists, work, the organisation.
	// (Opening a case's record is refused like a write: every read of
	// personal data is logged first, and the log cannot be written.)
	readsServed(t, f)
	if _, err := a.Exec("ALTER DATABASE " + name + " RESET default_transaction_read_only"); err != nil {
		t.Fatal(err)
	}
	writable := load.Acked()
	if !faults.WaitFor(10*time.Second, func() bool { return load.Acked() > writable+20 }) {
		t.Fatalf("writes did not resume by themselves once the database was writable (%d refused)", load.Unavailable.Load())
	}
	acked, other := load.Stop()
	if other != nil {
		t.Fatalf("a write met the read-only database as something other than unavailable: %v", other)
	}
	t.Logf("%d writes refused while read-only; %d acknowledged", load.Unavailable.Load(), len(acked))
	faults.Intact(t, f.Svc, f.Admin, db, append(acked, before.Ref))
}
