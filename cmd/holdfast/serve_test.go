package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/policy"
)

// A running server re-reads its policy file on SIGHUP: a bad file is
// logged naming the file and the line, and the old policy stays; a good
// one is put in force.
func TestServeReloadsPolicyOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	pol := filepath.Join(dir, "policy.yaml")
	good := policy.DefaultYAML()
	if err := os.WriteFile(pol, good, 0o644); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	ctx, stop := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--db", filepath.Join(dir, "h.db"), "--addr", addr, "--policy", pol, "--sweep-every", "0"}, &out, &errb)
	}()
	defer func() {
		stop()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, errb.String())
		}
	}()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Fatalf("waited for %s; log:\n%s", what, errb.String())
	}
	waitFor("the server", func() bool {
		r, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return false
		}
		r.Body.Close()
		return r.StatusCode == 200
	})

	bad := strings.Replace(string(good), "time_zone: Europe/London", "time_zone: Europe/Londn", 1)
	if err := os.WriteFile(pol, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFor("the bad policy to be reported", func() bool {
		log := errb.String()
		return strings.Contains(log, "policy reload on SIGHUP") && strings.Contains(log, pol) &&
			strings.Contains(
				log,
				"line ",
			) && strings.Contains(log, "Europe/Londn") && strings.Contains(log, "unchanged")
	})
	if err := os.WriteFile(pol, good, 0o644); err != nil {
		t.Fatal(err)
	}
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFor("the good policy to be put in force", func() bool {
		return strings.Contains(errb.String(), "policy reloaded on SIGHUP")
	})
}

// `holdfast serve --db sqlite:DIR/h.db --ledger-key-beside-db` keeps the
// ledger's signing key beside the database, DIR/h.db.ledger.key, and writes
// nothing under the working directory (it once wrote
// ./sqlite:DIR/h.db.ledger.key).
func TestServeKeepsTheLedgerKeyBesideASQLiteDSN(t *testing.T) {
	dir, wd := t.TempDir(), t.TempDir()
	t.Chdir(wd)
	addr := freeAddr(t)
	ctx, stop := context.WithCancel(context.Background())
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", "sqlite:" + dir + "/h.db", "--addr", addr, "--sweep-every", "0",
			"--ledger-key-beside-db"}, &out, &errb)
	}()
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if r, err := http.Get("http://" + addr + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				break
			}
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("serve did not answer; log:\n%s", errb.String())
		}
	}
	stop()
	if code := <-done; code != 0 {
		t.Fatalf("serve exited %d: %s", code, errb.String())
	}
	for _, f := range []string{"h.db", "h.db.ledger.key", "h.db.ledger.key.pub"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	if ents, _ := os.ReadDir(wd); len(ents) != 0 {
		t.Errorf("serve wrote under the working directory: %v", ents)
	}
}
