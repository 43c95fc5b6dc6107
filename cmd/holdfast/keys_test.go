package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain keeps every test's default ledger keys (the user's configuration
// directory) in a directory of its own, removed afterwards.
// With HOLDFAST_TEST_AS_BINARY=1 the test binary is the holdfast binary,
// so tests can run it as a process of its own and kill it (fault_test.go).
func TestMain(m *testing.M) {
	if os.Getenv(asBinary) == "1" {
		os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
	}
	dir, err := os.MkdirTemp("", "holdfast-config-")
	if err != nil {
		panic(err)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// The signing key does not sit beside the database unless the operator
// says so: whoever can copy the database's directory could re-sign it.
func TestServeKeepsTheLedgerKeyAwayFromTheDatabase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")

	// By default the key is made outside the database's directory, and the
	// ledger commands find it there.
	addr := freeAddr(t)
	_, stop := background(t, "http://"+addr+"/healthz", "serve", "--db", db, "--addr", addr, "--sweep-every", "0")
	stop()
	if _, err := os.Stat(db + ".ledger.key"); err == nil {
		t.Fatal("serve made its signing key beside the database")
	}
	keys, _ := filepath.Glob(filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "holdfast", "h.db-*.ledger.key"))
	if len(keys) != 1 {
		t.Fatalf("no default key outside the database's directory: %v", keys)
	}
	if code, out, errs := runCLI(t, "ledger", "verify", "--db", db); code != 0 || !strings.Contains(out, "OK: ") {
		t.Fatalf("verify with the default key: %d %s%s", code, out, errs)
	}

	// A key found beside the database (an installation from before) is
	// refused with what to do; --ledger-key-beside-db keeps it, warned.
	other := filepath.Join(t.TempDir(), "o.db")
	if code, _, errs := runCLI(t, "ledger", "keygen", "--origin", "x.invalid/l", "--out", other+".ledger.key"); code != 0 {
		t.Fatal(errs)
	}
	code, _, errs := runCLI(t, "serve", "--db", other, "--addr", freeAddr(t))
	if code != 2 || !strings.Contains(errs, "sits beside the database") ||
		!strings.Contains(errs, "--ledger-key-beside-db") {
		t.Fatalf("serve with the key beside the database: code %d %q", code, errs)
	}
	code, _, errs = runCLI(
		t,
		"serve",
		"--db",
		other,
		"--addr",
		freeAddr(t),
		"--ledger-key",
		filepath.Join(filepath.Dir(other), "k"),
	)
	if code != 2 || !strings.Contains(errs, "in the database's directory") {
		t.Fatalf("serve --ledger-key in the database's directory: code %d %q", code, errs)
	}
	addr = freeAddr(t)
	_, stop = background(t, "http://"+addr+"/healthz", "serve", "--db", other, "--addr", addr, "--sweep-every", "0",
		"--ledger-key-beside-db")
	stop()
	if code, out, errs := runCLI(t, "ledger", "verify", "--db", other); code != 0 {
		t.Fatalf("verify with the key beside the database: %d %s%s", code, out, errs)
	}
}
