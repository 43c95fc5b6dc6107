package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/demo"
)

// TestBuildsNeverTakeEachOthersPartial: while one build holds X.partial,
// exercise new and the demo refuse (naming the file) and leave it as it
// was; the final move never replaces a file that appeared at X meanwhile.
func TestBuildsNeverTakeEachOthersPartial(t *testing.T) {
	dir := t.TempDir()
	x := filepath.Join(dir, "x.db")
	const inProgress = "another build's work in progress"
	if err := os.WriteFile(x+".partial", []byte(inProgress), 0o600); err != nil {
		t.Fatal(err)
	}
	// A build in progress holds its lock, as claimPartial's does.
	held, err := os.Open(x + ".partial")
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(held.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "exercise", "new", "--db", x, "--trainees", "alice")
	if code == 0 || !strings.Contains(errs, "another demo or exercise is being built at "+x+".partial") {
		t.Errorf("exercise new beside a build in progress: code %d, %q", code, errs)
	}
	err = generateSQLite(context.Background(), x, app.Config{}, demo.Options{}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "another demo or exercise is being built") {
		t.Errorf("demo beside a build in progress: %v", err)
	}
	if got, _ := os.ReadFile(x + ".partial"); string(got) != inProgress {
		t.Errorf("the build in progress was disturbed: %q", got)
	}
	if _, err := os.Stat(x); err == nil {
		t.Error("a refused build left a database behind")
	}

	held.Close() // the build ends

	// The check-then-move gap: something appears at x after the check.
	if err := os.WriteFile(x, []byte("arrived meanwhile"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := installPartial(x+".partial", x); err == nil {
		t.Error("installPartial replaced a file that appeared at the target")
	}
	if got, _ := os.ReadFile(x); string(got) != "arrived meanwhile" {
		t.Errorf("the file at the target was replaced: %q", got)
	}
	os.Remove(x)
	if err := installPartial(x+".partial", x); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(x); string(got) != inProgress {
		t.Errorf("installed %q", got)
	}
	if _, err := os.Stat(x + ".partial"); err == nil {
		t.Error("the partial file outlived its installation")
	}
}

// TestInterruptedBuildIsTakenOver: a partial file nobody holds (its build
// was killed) does not stop the next build; it is discarded and replaced.
func TestInterruptedBuildIsTakenOver(t *testing.T) {
	dir := t.TempDir()
	x := filepath.Join(dir, "x.db")
	for _, p := range []string{x + ".partial", x + ".partial-wal"} {
		if err := os.WriteFile(p, []byte("left by a killed build"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	tmp, clean, err := claimPartial(x)
	if err != nil {
		t.Fatalf("an interrupted build's file was refused: %v", err)
	}
	defer clean()
	if st, err := os.Stat(tmp); err != nil || st.Size() != 0 {
		t.Errorf("the taken-over file was not emptied: %v %v", st, err)
	}
	if _, err := os.Stat(x + ".partial-wal"); err == nil {
		t.Error("the killed build's write-ahead log would be read into the new database")
	}
	// While this claim holds, a second is refused.
	if _, _, err := claimPartial(x); err == nil || !strings.Contains(err.Error(), "another demo or exercise is being built") {
		t.Errorf("a second claim while the first holds: %v", err)
	}
}
