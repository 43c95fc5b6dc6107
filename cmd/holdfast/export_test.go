package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportCLI: a record exported, imported into an empty one and
// exported again gives the same file; a dry run's report foretells the
// first sweep; --out never overwrites.
func TestExportCLI(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "cases.jsonl")
	ex, err := os.ReadFile(filepath.Join("..", "..", "internal", "casefile", "testdata", "example.jsonl"))
	must(t, err)
	must(t, os.WriteFile(file, bytes.ReplaceAll(ex, []byte(`"Public Protection"`), []byte(`"Holdfast Force"`)), 0o644))
	var exports []string
	for i, db := range []string{filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")} {
		if code, _, errs := runCLI(t, "user", "add", "--db", db, "--username", "boss", "--name", "Chief Admin", "--collar", "A1", "--password", "a long enough password"); code != 0 {
			t.Fatal(errs)
		}
		code, out, errs := runCLI(t, "import", file, "--db", db, "--dry-run")
		if code != 0 || !strings.Contains(out, `"first_sweep"`) || !strings.Contains(out, `"kind": "action_target"`) {
			t.Fatalf("dry run %d: code %d\n%s\n%s", i, code, out, errs)
		}
		if code, _, errs := runCLI(t, "import", file, "--db", db); code != 0 {
			t.Fatalf("import %d: %s", i, errs)
		}
		out2 := filepath.Join(dir, "export"+string(rune('a'+i))+".jsonl")
		if code, _, errs := runCLI(t, "export", "--db", db, "--out", out2); code != 0 {
			t.Fatalf("export %d: %s", i, errs)
		}
		if code, _, _ := runCLI(t, "export", "--db", db, "--out", out2); code != 2 {
			t.Fatalf("export %d overwrote %s: code %d", i, out2, code)
		}
		b, err := os.ReadFile(out2)
		must(t, err)
		exports = append(exports, string(b))
		file = out2 // the second record is made from the first's export
	}
	if exports[0] != exports[1] || !strings.Contains(exports[0], `"ref":"LEG/2014/0042"`) {
		t.Fatalf("export -> import -> export changed the file:\n%s\n---\n%s", exports[0], exports[1])
	}
	if code, out, _ := runCLI(t, "export", "--db", filepath.Join(dir, "a.db"), "--cases", "CSE/2019/000001"); code != 0 ||
		strings.Count(out, `"type":"case"`) != 1 ||
		!strings.Contains(out, "LEG/2019/0007") {
		t.Fatalf("export of one case: code %d\n%s", code, out)
	}
}
