package faults_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/faults"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/testdb"
)

// smallDisk mounts a tmpfs of size bytes on a directory of the test's own
// and unmounts it afterwards. Mounting needs root (CI runs as root); the
// test is skipped, saying so, where it cannot.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0700", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("full-disk test skipped: cannot mount a %s tmpfs (needs root): %v %s", size, err, out)
	}
	t.Cleanup(func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			exec.Command("umount", "-l", dir).Run()
			t.Logf("umount %s: %v %s (lazily unmounted)", dir, err, out)
		}
	})
	return dir
}

// fill writes to path until the file system refuses with ENOSPC.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 16<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling the disk: %v", err)
			}
			return
		}
	}
}

// TestFullDiskRefusesWritesServesReadsRecovers: SQLite's file on a 24 MB
// file system that fills up under four writers. Writes are refused as a
// full disk — 503 with Retry-After, a title and message saying the disk is
// full and nothing was saved — never another error; reads are served;
// the record is whole at the fault (nothing half-written); once space is
// freed the same instance writes again; and afterwards every acknowledged
// write is present, the ledger verifies, the replay matches, and SQLite's
// own integrity check passes on the file.
func TestFullDiskRefusesWritesServesReadsRecovers(t *testing.T) {
	dir := smallDisk(t, "24m")
	db := testdb.OpenDSN(t, filepath.Join(dir, "holdfast.db"))
	f := fixture.New(t, db)
	load := faults.Start(f.Svc, f.Investigator, f.TeamA, 4)
	if !faults.WaitFor(10*time.Second, func() bool { return load.Acked() > 20 }) {
		t.Fatal("no writes acknowledged before the disk filled")
	}
	filler := filepath.Join(dir, "filler")
	fill(t, filler)
	refused := load.Unavailable.Load()
	// SQLite may still fit a few writes in pages it already has: keep
	// filling what it frees until writes are refused.
	if !faults.WaitFor(20*time.Second, func() bool {
		fill(t, filler+"2")
		return load.Unavailable.Load() > refused+20
	}) {
		t.Fatalf("writes were not refused on a full disk (%d acknowledged)", load.Acked())
	}
	_, err := f.Svc.OpenReferral(ctx, f.Investigator, service.NewReferral{TeamID: f.TeamA,
		Summary: "one more on a full disk", OffenceTypes: []string{"child_sexual_exploitation"}})
	if !store.DiskFull(err) || !store.Unavailable(err) {
		t.Fatalf("a write on a full disk: %v, want it named a full disk", err)
	}
	rec := httptest.NewRecorder()
	response.WriteProblem(rec, httptest.NewRequest("POST", "/api/v1/cases", nil), err)
	var p response.Problem
	json.NewDecoder(rec.Body).Decode(&p)
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" ||
		p.Title != response.DiskFullTitle || !strings.Contains(p.Detail, "not saved") {
		t.Fatalf("the API's answer on a full disk: %d %q %+v", rec.Code, rec.Header().Get("Retry-After"), p)
	}
	readsServed(t, f)
	if _, err := faults.Chain(ctx, db); err != nil {
		t.Fatalf("the log on the full disk: %v", err)
	}
	os.Remove(filler)
	os.Remove(filler + "2")
	after := load.Acked()
	if !faults.WaitFor(10*time.Second, func() bool { return load.Acked() > after+20 }) {
		t.Fatal("writes did not resume once space was freed")
	}
	acked, other := load.Stop()
	if other != nil {
		t.Fatalf("a write on the full disk failed as something other than unavailable: %v (%d such)", other, load.Other.Load())
	}
	t.Logf("%d writes refused on the full disk; %d acknowledged", load.Unavailable.Load(), len(acked))
	faults.Intact(t, f.Svc, f.Admin, db, acked)
	var ok string
	if err := db.Raw().QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("SQLite integrity check: %q %v", ok, err)
	}
}
