package main

// Attacks on a stopped server's record, through the commands an operator
// runs: each must be refused or named. Add one for every new way in; the
// same attacks below the CLI are in internal/ledger/attack_test.go and
// internal/replay/attack_test.go.

import (
	"context"
	"fmt"
	"net/http"
	"os"
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

// TestAttackForgedCosignatureInABundle (issue 16): `ledger check` ignored
// the witnesses' cosignatures, so a bundle with a forged one, or with none
// from the witness the inspector trusts, passed. Given the witness's key it
// checks them: intact passes naming what the witness cosigned; an altered
// cosignature fails naming it; a witness that cosigned nothing in the
// bundle fails.
func TestAttackForgedCosignatureInABundle(t *testing.T) {
	testdb.EachDSN(t, func(t *testing.T, dsn string) {
		dir := t.TempDir()
		wkey, other := filepath.Join(dir, "witness.key"), filepath.Join(dir, "other.key")
		for k, origin := range map[string]string{wkey: "witness.invalid/w1", other: "witness.invalid/w2"} {
			if code, _, errs := runCLI(t, "ledger", "keygen", "--origin", origin, "--out", k); code != 0 {
				t.Fatal(errs)
			}
		}
		keys := t.TempDir()
		key := filepath.Join(keys, "force.key")
		if code, _, errs := runCLI(t, "ledger", "keygen", "--origin", "northshire.police.invalid/holdfast", "--out", key); code != 0 {
			t.Fatal(errs)
		}
		waddr := freeAddr(t)
		wurl := "http://" + waddr
		wout, _ := background(t, wurl+"/checkpoint", "witness", "serve", "--addr", waddr, "--key", wkey,
			"--log-key", key+".pub")
		wpub := strings.TrimSpace(wout.String()[strings.Index(wout.String(), "witness.invalid/w1+"):])
		oaddr := freeAddr(t)
		oout, _ := background(t, "http://"+oaddr+"/checkpoint", "witness", "serve", "--addr", oaddr, "--key", other,
			"--log-key", key+".pub")
		opub := strings.TrimSpace(oout.String()[strings.Index(oout.String(), "witness.invalid/w2+"):])
		pub := serveOnce(t, dsn, keys, "--witness", wurl, "--witness-key", wpub)

		bundle := filepath.Join(dir, "bundle.jsonl")
		if code, _, errs := runCLI(t, "ledger", "export", "--db", dsn, "--key", pub, "--out", bundle); code != 0 {
			t.Fatal(errs)
		}
		code, out, errs := runCLI(t, "ledger", "check", bundle, "--key", pub, "--witness-key", wpub)
		if code != 0 || !strings.Contains(out, "witness witness.invalid/w1 cosigned") {
			t.Fatalf("check of the intact bundle with the witness's key: %d\n%s%s", code, out, errs)
		}
		code, out, errs = runCLI(t, "ledger", "check", bundle, "--key", pub, "--witness-key", opub)
		if code != 1 || !strings.Contains(out+errs, "no checkpoint in the bundle carries a cosignature of witness "+
			"witness.invalid/w2") {
			t.Fatalf("check naming a witness that cosigned nothing: %d\n%s%s", code, out, errs)
		}
		b, err := os.ReadFile(bundle)
		if err != nil {
			t.Fatal(err)
		}
		i := strings.Index(string(b), "witness.invalid/w1 ")
		if i < 0 {
			t.Fatal("the bundle holds no cosignature of the witness")
		}
		at := i + len("witness.invalid/w1 ") + 20 // inside the signature, past key hash and time
		forged := append([]byte(nil), b...)
		if forged[at] == 'A' {
			forged[at] = 'B'
		} else {
			forged[at] = 'A'
		}
		if err := os.WriteFile(bundle, forged, 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errs = runCLI(t, "ledger", "check", bundle, "--key", pub, "--witness-key", wpub)
		if code != 1 || !strings.Contains(out+errs, "cosignature of witness witness.invalid/w1 does not verify") {
			t.Fatalf("check of a bundle with a forged cosignature: %d\n%s%s", code, out, errs)
		}
	})
}

// TestAttackFieldLimitsThroughTheCLI (issue 16, item 7): the field limits
// were the HTTP decoder's, so `holdfast user add` and `holdfast import`
// stored what the API refused. Both are refused now in the API's words,
// naming the field and its limit, and nothing is written.
func TestAttackFieldLimitsThroughTheCLI(t *testing.T) {
	testdb.EachDSN(t, func(t *testing.T, dsn string) {
		if code, _, errs := runCLI(t, "user", "add", "--db", dsn, "--username", "boss", "--name", "Chief Admin",
			"--collar", "A1", "--password", "a long enough password"); code != 0 {
			t.Fatal(errs)
		}
		before := latestEvent(t, dsn)
		code, out, errs := runCLI(t, "user", "add", "--db", dsn, "--username", "long", "--name",
			strings.Repeat("N", 201), "--collar", "A2", "--password", "a long enough password")
		if code == 0 || !strings.Contains(out+errs, "name: This is 201 characters long: it must be 200 or fewer") {
			t.Fatalf("user add with a 201-character name: code %d\n%s%s", code, out, errs)
		}
		ex, err := os.ReadFile(filepath.Join("..", "..", "internal", "casefile", "testdata", "example.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		long := strings.Repeat("s", 50_001)
		bad := strings.Replace(strings.ReplaceAll(string(ex), `"Public Protection"`, `"Holdfast Force"`),
			`"summary":"`, `"summary":"`+long, 1)
		file := filepath.Join(t.TempDir(), "cases.jsonl")
		if err := os.WriteFile(file, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		code, out, errs = runCLI(t, "import", file, "--db", dsn)
		if code == 0 || !strings.Contains(out+errs, "summary: This is 50,") ||
			!strings.Contains(out+errs, "it must be 50,000 or fewer") {
			t.Fatalf("import of a summary over the limit: code %d\n%.2000s%.2000s", code, out, errs)
		}
		if after := latestEvent(t, dsn); after != before {
			t.Errorf("refused commands wrote %d events", after-before)
		}
	})
}
