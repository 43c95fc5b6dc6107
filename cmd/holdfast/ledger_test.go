package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/ledger"
)

// TestLedgerCLI walks the outsider's path end to end on a real SQLite
// file: key, checkpoint, verify, export, offline check; then alters the
// record and expects each tool to say so, with the documented exit codes.
func TestLedgerCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")
	key := filepath.Join(dir, "keys", "force.key")
	for i, u := range []string{"boss", "clerk", "deputy"} {
		if code, _, errs := runCLI(t, "user", "add", "--db", db, "--username", u, "--name", "Officer "+u, "--collar", "C"+string(rune('1'+i)), "--password", "a long enough password"); code != 0 {
			t.Fatalf("user add: %s", errs)
		}
	}

	// keygen: bad input is exit 2; a key is never overwritten.
	if code, _, _ := runCLI(t, "ledger", "keygen", "--out", key); code != 2 {
		t.Fatalf("keygen without --origin: code %d, want 2", code)
	}
	code, out, errs := runCLI(t, "ledger", "keygen", "--origin", "northshire.police.invalid/holdfast", "--out", key)
	if code != 0 || !strings.Contains(out, "northshire.police.invalid/holdfast+") {
		t.Fatalf("keygen: %d %q %q", code, out, errs)
	}
	if st, err := os.Stat(key); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode: %v %v, want 0600", st.Mode(), err)
	}
	if code, _, errs := runCLI(t, "ledger", "keygen", "--origin", "x.invalid/l", "--out", key); code != 2 ||
		!strings.Contains(errs, "never overwritten") {
		t.Fatalf("keygen over an existing key: code %d %q", code, errs)
	}
	pub := key + ".pub"

	// No key beside the database and none given: say which key is
	// missing and how to give one, not note's "malformed verifier id".
	code, _, errs = runCLI(t, "ledger", "verify", "--db", db)
	if code != 2 || !strings.Contains(errs, ".ledger.key.pub") || !strings.Contains(errs, "pass --key") {
		t.Fatalf("verify with no key beside the database: code %d %q", code, errs)
	}

	// An inspector saves a checkpoint now.
	code, cp1, errs := runCLI(t, "ledger", "checkpoint", "--db", db, "--ledger-key", key)
	if code != 0 || !strings.HasPrefix(cp1, "northshire.police.invalid/holdfast\n") {
		t.Fatalf("checkpoint: %d %q %q", code, cp1, errs)
	}
	trusted := filepath.Join(dir, "inspector.cp")
	must(t, os.WriteFile(trusted, []byte(cp1), 0o644))
	if code, _, errs := runCLI(t, "user", "add", "--db", db, "--username", "later", "--name", "Later Officer", "--collar", "C9", "--password", "a long enough password"); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := runCLI(t, "ledger", "checkpoint", "--db", db, "--ledger-key", key); code != 0 {
		t.Fatal(errs)
	}

	code, out, errs = runCLI(t, "ledger", "verify", "--db", db, "--key", pub, "--trusted-checkpoint", trusted)
	if code != 0 || !strings.HasPrefix(out, "OK: ") || !strings.Contains(out, "2 checkpoints") {
		t.Fatalf("verify: %d %q %q", code, out, errs)
	}
	bundle := filepath.Join(dir, "bundle.jsonl")
	if code, _, errs := runCLI(t, "ledger", "export", "--db", db, "--key", pub, "--out", bundle); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	// The outsider: no database, only the bundle, the key and the saved checkpoint.
	code, out, errs = runCLI(t, "ledger", "check", bundle, "--key", pub, "--trusted-checkpoint", trusted)
	if code != 0 || !strings.HasPrefix(out, "OK: ") {
		t.Fatalf("check: %d %q %q", code, out, errs)
	}
	if code, _, _ := runCLI(t, "ledger", "check", bundle); code != 2 {
		t.Fatalf("check without --key: code %d, want 2", code)
	}

	// One byte of the bundle changed.
	b, err := os.ReadFile(bundle)
	must(t, err)
	i := strings.Index(string(b), "Officer clerk")
	if i < 0 {
		t.Fatal("bundle does not hold the events")
	}
	b[i] = 'o'
	bad := filepath.Join(dir, "bad.jsonl")
	must(t, os.WriteFile(bad, b, 0o644))
	code, out, errs = runCLI(t, "ledger", "check", bad, "--key", pub)
	if code != 1 || !strings.Contains(out+errs, "ALTERED") {
		t.Fatalf("check of a changed bundle: code %d %q %q, want 1 naming the event", code, out, errs)
	}

	// A payload edited in place in the database.
	raw, err := sql.Open("sqlite", db)
	must(t, err)
	var seq int64
	must(t, raw.QueryRow(`SELECT seq FROM events WHERE payload LIKE '%Officer clerk%' ORDER BY seq LIMIT 1`).Scan(&seq))
	_, err = raw.Exec(
		`UPDATE events SET payload = replace(payload, 'Officer clerk', 'Officer clerc') WHERE seq = ?`,
		seq,
	)
	must(t, err)
	raw.Close()
	code, out, errs = runCLI(t, "ledger", "verify", "--db", db, "--key", pub)
	if code != 1 || !strings.Contains(out, "first bad event "+itoa(seq)) {
		t.Fatalf("verify after tampering with event %d: code %d %q %q", seq, code, out, errs)
	}

	// A private key others can read is refused.
	must(t, os.Chmod(key, 0o644))
	if code, _, errs := runCLI(t, "ledger", "checkpoint", "--db", db, "--ledger-key", key); code != 2 ||
		!strings.Contains(errs, "chmod 600") {
		t.Fatalf("world-readable key: code %d %q, want 2 saying chmod 600", code, errs)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestLedgerCLICheckpointTime: verify says when the latest checkpoint was
// signed, as signed, and what the hash it prints is; the time stored
// beside a checkpoint moved later afterwards fails verify (exit 1), naming
// the time it signed.
func TestLedgerCLICheckpointTime(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")
	key := filepath.Join(dir, "keys", "force.key")
	if code, _, errs := runCLI(t, "user", "add", "--db", db, "--username", "boss", "--name", "Officer Boss",
		"--collar", "C1", "--password", "a long enough password"); code != 0 {
		t.Fatalf("user add: %s", errs)
	}
	if code, _, errs := runCLI(t, "ledger", "keygen", "--origin", "northshire.police.invalid/holdfast", "--out",
		key); code != 0 {
		t.Fatal(errs)
	}
	pub := key + ".pub"
	code, cp, errs := runCLI(t, "ledger", "checkpoint", "--db", db, "--ledger-key", key)
	if code != 0 || !strings.Contains(cp, "\ntime ") {
		t.Fatalf("checkpoint: %d %q %q, want a signed time line", code, cp, errs)
	}
	v, err := ledger.LoadVerifier(pub)
	must(t, err)
	c, err := ledger.Open([]byte(cp), v)
	must(t, err)
	code, out, errs := runCLI(t, "ledger", "verify", "--db", db, "--key", pub)
	for _, want := range []string{"OK: ", "fingerprint of the whole record (root of the tree): ",
		"latest checkpoint: " + itoa(int64(c.Size)) + " events, signed " + ledger.Said(c.Time)} {
		if code != 0 || !strings.Contains(out, want) {
			t.Errorf("verify: %d %q %q, want %q", code, out, errs, want)
		}
	}

	raw, err := sql.Open("sqlite", db)
	must(t, err)
	_, err = raw.Exec(`UPDATE checkpoints SET created_at = ?`,
		c.Time.Add(6*time.Hour).UTC().Format("2006-01-02T15:04:05.000000000Z"))
	must(t, err)
	raw.Close()
	code, out, errs = runCLI(t, "ledger", "verify", "--db", db, "--key", pub)
	if code != 1 || !strings.Contains(out, "ALTERED") || !strings.Contains(out, "its signed text says "+
		ledger.Said(c.Time)) || strings.Contains(out, "first bad event 0") {
		t.Fatalf("verify after moving the checkpoint's stored time: code %d %q %q, want 1 naming the signed time",
			code, out, errs)
	}
}
