package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

func TestSweepCommand(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	db, err := sqlstore.Open(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture.New(t, db)
	c := f.Referral(t)
	db.Close()

	at := fixture.Start.Add(60 * 24 * time.Hour).Format(time.RFC3339)
	code, out, errs := runCLI(t, "sweep", "--db", path, "--as-of", at, "--format", "json")
	if code != 0 {
		t.Fatalf("sweep: %d %s", code, errs)
	}
	var rep service.SweepReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("sweep json does not parse: %v\n%s", err, out)
	}
	if !rep.Ran || len(rep.Overdue) != 1 || rep.Overdue[0].Case != c.Ref || len(rep.Escalations) != 3 {
		t.Fatalf("report: %+v", rep)
	}
	// The same time again: nothing new (idempotent).
	_, out, _ = runCLI(t, "sweep", "--db", path, "--as-of", at, "--format", "json")
	json.Unmarshal([]byte(out), &rep)
	if len(rep.Escalations) != 0 {
		t.Fatalf("second sweep escalated again: %+v", rep.Escalations)
	}
	code, out, _ = runCLI(t, "sweep", "--db", path, "--as-of", at)
	if code != 0 || !strings.Contains(out, c.Ref) {
		t.Fatalf("table: %d %q", code, out)
	}
	// --overdue count: how many, without the list.
	code, out, _ = runCLI(t, "sweep", "--db", path, "--as-of", at, "--format", "json", "--overdue", "count")
	rep = service.SweepReport{}
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || rep.OverdueListed || len(rep.Overdue) != 0 || rep.OverdueCount == nil || *rep.OverdueCount != 1 {
		t.Fatalf("--overdue count: %d %v %s", code, err, out)
	}
	code, out, _ = runCLI(t, "sweep", "--db", path, "--as-of", at, "--overdue", "none")
	if code != 0 || !strings.Contains(out, "overdue not counted") || strings.Contains(out, c.Ref) {
		t.Fatalf("--overdue none table: %d %q", code, out)
	}

	// Bad input: exit 2, a message naming what is wrong, nothing written.
	for _, args := range [][]string{
		{"--as-of", "yesterday"},
		{"--format", "xml"},
		{"--overdue", "some"},
	} {
		code, _, errs := runCLI(t, append([]string{"sweep", "--db", path}, args...)...)
		if code != 2 || !strings.Contains(errs, args[0]) {
			t.Errorf("sweep %v: code %d, err %q", args, code, errs)
		}
	}
	bad := filepath.Join(t.TempDir(), "policy.yaml")
	os.WriteFile(bad, []byte("version: 1\nduties:\n  allocate_referal: {within: 1 working day}\n"), 0o644)
	code, _, errs = runCLI(t, "sweep", "--db", path, "--policy", bad)
	if code != 2 || !strings.Contains(errs, "line 3") || !strings.Contains(errs, "allocate_referal") {
		t.Fatalf("bad policy: code %d, err %q", code, errs)
	}
}
