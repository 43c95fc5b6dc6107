package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/testdb"
)

// TestExerciseNeverOnALiveDatabase: exercise new refuses an existing file
// and a PostgreSQL database holding a force, and lists every bad flag at
// once; exercise score refuses a live database. Nothing is written.
func TestExerciseNeverOnALiveDatabase(t *testing.T) {
	dir := t.TempDir()
	live := filepath.Join(dir, "live.db")
	if code, out, errs := runCLI(t, "user", "add", "--db", live, "--username", "boss", "--name", "Chief Admin",
		"--collar", "A1", "--password", "a long enough password"); code != 0 {
		t.Fatalf("user add: %d %s %s", code, out, errs)
	}
	before, _ := os.ReadFile(live)
	code, _, errs := runCLI(t, "exercise", "new", "--db", live, "--trainees", "alice")
	if code == 0 || !strings.Contains(errs, "never a live one") {
		t.Errorf("exercise new on a live file: code %d, %q", code, errs)
	}
	if after, _ := os.ReadFile(live); string(after) != string(before) {
		t.Error("exercise new changed the live database it refused")
	}
	pg := testdb.DSN(t, "postgres")
	if code, out, errs := runCLI(t, "user", "add", "--db", pg, "--username", "boss", "--name", "Chief Admin",
		"--collar", "A1", "--password", "a long enough password"); code != 0 {
		t.Fatalf("user add on postgres: %d %s %s", code, out, errs)
	}
	code, _, errs = runCLI(t, "exercise", "new", "--db", pg, "--trainees", "alice")
	if code == 0 || !strings.Contains(errs, "never a live one") {
		t.Errorf("exercise new on a live postgres database: code %d, %q", code, errs)
	}
	code, _, errs = runCLI(t, "exercise", "new", "--db", filepath.Join(dir, "x.db"), "--trainees", "Alice,bob,bob",
		"--cases", "5")
	for _, want := range []string{`"Alice"`, `"bob" is named twice`, "--cases"} {
		if code != 2 || !strings.Contains(errs, want) {
			t.Errorf("bad flags: code %d, want %q in %q", code, want, errs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); err == nil {
		t.Error("refused flags left a database behind")
	}
	code, _, errs = runCLI(t, "exercise", "serve", "--db", live, "--ledger-key", filepath.Join(dir, "k"))
	if code == 0 || !strings.Contains(errs, "holds no exercise") {
		t.Errorf("exercise serve on a live database: code %d, %q", code, errs)
	}
	code, _, errs = runCLI(t, "exercise", "score", "--db", live)
	if code == 0 || !strings.Contains(errs, "holds no exercise") {
		t.Errorf("exercise score on a live database: code %d, %q", code, errs)
	}
}
