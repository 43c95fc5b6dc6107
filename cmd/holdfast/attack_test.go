package main

// Attacks on a stopped server's record, through the commands an operator
// runs: each must be refused or named. Add one for every new way in; the
// same attacks below the CLI are in internal/ledger/attack_test.go and
// internal/replay/attack_test.go.

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// background runs the holdfast command args until the returned stop is
// called, once url answers.
func background(t *testing.T, url string, args ...string) (out *syncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out = &syncBuffer{}
	errb := &syncBuffer{}
	done := make(chan int)
	go func() { done <- run(ctx, args, out, errb) }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if r, err := http.Get(url); err == nil {
			r.Body.Close()
			break
		}
		select {
		case code := <-done:
			t.Fatalf("holdfast %s exited %d: %s", args[0], code, errb.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("holdfast %s did not start: %s", args[0], errb.String())
		}
	}
	var stopped bool
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("holdfast %s exited %d: %s", args[0], code, errb.String())
		}
	}
	t.Cleanup(stop)
	return out, stop
}

// sqlExec runs SQL written with ? placeholders on the database at dsn.
func sqlExec(t *testing.T, dsn, q string, args ...any) {
	t.Helper()
	db := testdbOpen(t, dsn)
	if db.Engine() == "postgres" {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	if _, err := db.Raw().Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	db.Close()
}

func testdbOpen(t *testing.T, dsn string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, false)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// serveOnce starts serve on dsn with a key kept away from the database,
// writes a few events (the first administrator, then users), and stops it
// cleanly; it returns the key's public half.
func serveOnce(t *testing.T, dsn, keyDir string, extra ...string) string {
	t.Helper()
	key := filepath.Join(keyDir, "force.key")
	addr := freeAddr(t)
	args := append([]string{"serve", "--db", dsn, "--addr", addr, "--ledger-key", key, "--sweep-every", "0"}, extra...)
	if code, _, errs := runCLI(t, "ledger", "keygen", "--origin", "northshire.police.invalid/holdfast", "--out", key); code != 0 &&
		!strings.Contains(errs, "never overwritten") {
		t.Fatalf("keygen: %s", errs)
	}
	_, stop := background(t, "http://"+addr+"/healthz", args...)
	for _, u := range []string{"ann", "bob", "cat"} {
		if code, _, errs := runCLI(t, "user", "add", "--db", dsn, "--username", u, "--name", "Officer "+u, "--collar", "C"+u,
			"--password", "a long enough password", "--roles", "investigator"); code != 0 {
			t.Fatalf("user add while serving: %s", errs)
		}
	}
	stop()
	return key + ".pub"
}

func latestEvent(t *testing.T, dsn string) int64 {
	t.Helper()
	db := testdbOpen(t, dsn)
	defer db.Close()
	n, err := db.LatestSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// deleteNewest deletes the events after keep and points the log head at
// what is left, as an attacker tidying up would.
func deleteNewest(t *testing.T, dsn string, keep int64, checkpointsToo bool) {
	t.Helper()
	sqlExec(t, dsn, "DELETE FROM events WHERE seq > ?", keep)
	sqlExec(t, dsn, "UPDATE log_head SET seq = ?, hash = (SELECT hash FROM events WHERE seq = ?)", keep, keep)
	if checkpointsToo {
		sqlExec(t, dsn, "DELETE FROM checkpoints WHERE size > ?", keep)
	}
}

// The server seals its last events at a clean shutdown: deleting them
// afterwards is named by verify, as the gap after the events left.
func TestAttackDeletingTheNewestEventsAfterACleanShutdown(t *testing.T) {
	testdb.EachDSN(t, func(t *testing.T, dsn string) {
		keys := t.TempDir()
		pub := serveOnce(t, dsn, keys)
		n := latestEvent(t, dsn)
		if n < 3 {
			t.Fatalf("serve wrote %d events, want some to delete", n)
		}
		keep := n - 2
		deleteNewest(t, dsn, keep, false)
		code, out, errs := runCLI(t, "ledger", "verify", "--db", dsn, "--key", pub)
		want := fmt.Sprintf("first bad event %d", keep+1)
		if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, "truncated") {
			t.Fatalf(
				"verify after the newest events were deleted: code %d, want 1 naming event %d:\n%s%s",
				code,
				keep+1,
				out,
				errs,
			)
		}
	})
}

// Deleting the checkpoints as well leaves the witness's copy: verify asks
// the witness and names the gap.
func TestAttackDeletingEventsAndCheckpointsBehindAWitness(t *testing.T) {
	testdb.EachDSN(t, func(t *testing.T, dsn string) {
		keys := t.TempDir()
		wkey := filepath.Join(t.TempDir(), "witness.key")
		if code, _, errs := runCLI(t, "ledger", "keygen", "--origin", "witness.invalid/w1", "--out", wkey); code != 0 {
			t.Fatal(errs)
		}
		key := filepath.Join(keys, "force.key")
		if code, _, errs := runCLI(t, "ledger", "keygen", "--origin", "northshire.police.invalid/holdfast", "--out", key); code != 0 {
			t.Fatal(errs)
		}
		waddr := freeAddr(t)
		wurl := "http://" + waddr
		wout, _ := background(t, wurl+"/checkpoint", "witness", "serve", "--addr", waddr, "--key", wkey,
			"--log-key", key+".pub")
		wpub := strings.TrimSpace(wout.String()[strings.Index(wout.String(), "witness.invalid/w1+"):])
		pub := serveOnce(t, dsn, keys, "--witness", wurl, "--witness-key", wpub)

		code, out, errs := runCLI(
			t,
			"ledger",
			"verify",
			"--db",
			dsn,
			"--key",
			pub,
			"--witness",
			wurl,
			"--witness-key",
			wpub,
		)
		if code != 0 || !strings.Contains(out, "latest witnessed checkpoint") ||
			!strings.Contains(out, "witness.invalid/w1") {
			t.Fatalf("verify of the intact record: %d\n%s%s", code, out, errs)
		}
		n := latestEvent(t, dsn)
		keep := n - 2
		deleteNewest(t, dsn, keep, true)
		// The database alone no longer shows it.
		if code, out, errs := runCLI(t, "ledger", "verify", "--db", dsn, "--key", pub); code != 0 {
			t.Fatalf("verify without the witness: %d\n%s%s", code, out, errs)
		}
		code, out, errs = runCLI(
			t,
			"ledger",
			"verify",
			"--db",
			dsn,
			"--key",
			pub,
			"--witness",
			wurl,
			"--witness-key",
			wpub,
		)
		want := fmt.Sprintf("first bad event %d", keep+1)
		if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, "witness "+wurl) {
			t.Fatalf(
				"verify with the witness after events and checkpoints were deleted: code %d:\n%s%s",
				code,
				out,
				errs,
			)
		}
	})
}
