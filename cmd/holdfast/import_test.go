package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportCLI: a bad file exits 2 listing line and field and imports
// nothing; a good one imports; the same again imports nothing new.
func TestImportCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")
	if code, _, errs := runCLI(t, "user", "add", "--db", db, "--username", "boss", "--name", "Chief Admin", "--collar", "A1", "--password", "a long enough password"); code != 0 {
		t.Fatal(errs)
	}
	// The example's units hang off "Public Protection": make it.
	bad := filepath.Join(dir, "bad.csv")
	must(t, os.WriteFile(bad, []byte("ref,team,opened,summary,offence_types,outcome,closed\nOLD/1,Nowhere,2012-05-01,x,cse,77,2012-09-01\nOLD/2,Nowhere,2012-13-01,y,cse,,\n"), 0o644))
	code, _, errs := runCLI(t, "import", bad, "--db", db)
	if code != 2 || !strings.Contains(errs, "line 3: opened") {
		t.Fatalf("bad CSV: code %d, %s", code, errs)
	}
	good := filepath.Join(dir, "good.csv")
	must(t, os.WriteFile(good, []byte("ref,team,opened,summary,offence_types\nOLD/1,Nowhere,2012-05-01,x,cse\n"), 0o644))
	code, _, errs = runCLI(t, "import", good, "--db", db)
	if code != 2 || !strings.Contains(errs, "line 2: team") {
		t.Fatalf("unknown team: code %d, %s", code, errs)
	}
	good2 := filepath.Join(dir, "good2.jsonl")
	must(t, os.WriteFile(good2, []byte(`{"type":"unit","ref":"D","name":"Legacy Dept","kind":"department","parent":"Holdfast Force"}
{"type":"unit","ref":"T","name":"Legacy Team","kind":"team","parent":"D"}
{"type":"case","ref":"OLD/9","team":"T","opened":"2012-05-01T09:00:00Z","summary":"Missing from home; older boyfriend","offence_types":["child_sexual_exploitation"],"closure":{"outcome":"16","proposed":"2012-09-01T09:00:00Z","proposed_by":"A1","approved":"2012-09-01T09:00:00Z","approved_by":"A1"}}
`), 0o644))
	code, out, errs := runCLI(t, "import", good2, "--db", db, "--dry-run")
	if code != 0 || !strings.Contains(out, `"dry_run": true`) || !strings.Contains(out, `"cases_imported": 1`) {
		t.Fatalf("dry run: %d %s %s", code, out, errs)
	}
	code, out, errs = runCLI(t, "import", good2, "--db", db)
	if code != 0 || !strings.Contains(out, `"cases_imported": 1`) {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	code, out, _ = runCLI(t, "import", good2, "--db", db)
	if code != 0 || !strings.Contains(out, `"cases_imported": 0`) || !strings.Contains(out, `"cases_already_held": 1`) {
		t.Fatalf("re-import: %d %s", code, out)
	}
	if code, out, _ := runCLI(t, "rebuild", "--db", db); code != 0 {
		t.Fatalf("rebuild after import: %s", out)
	}
}
