package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
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
	must(
		t,
		os.WriteFile(
			bad,
			[]byte(
				"ref,team,opened,summary,offence_types,outcome,closed\nOLD/1,Nowhere,2012-05-01,x,cse,77,2012-09-01\nOLD/2,Nowhere,2012-13-01,y,cse,,\n",
			),
			0o644,
		),
	)
	before := latestSeq(t, db)
	code, _, errs := runCLI(t, "import", bad, "--db", db)
	if code != 2 {
		t.Fatalf("bad CSV: code %d, %s", code, errs)
	}
	// The reader's problem (line 3) and the record's (line 2) together.
	for _, want := range []string{"line 2: closure.outcome: ", "line 2: team: ", "line 3: opened: "} {
		if !strings.Contains(errs, want) {
			t.Errorf("bad CSV: the report lacks %q:\n%s", want, errs)
		}
	}
	if after := latestSeq(t, db); after != before {
		t.Fatalf("a refused CSV import wrote %d events", after-before)
	}
	// Every problem of bad.jsonl, the reader's and the record's, each with
	// its line and field, in order, dry run or not; nothing written.
	wantBad := []string{
		"line 1: rank: ",
		"line 1: unit: ",
		"line 2: closure.outcome: ",
		"line 2: closure.proposed: ",
		"line 2: closure.proposed_by: ",
		"line 2: owner: ",
		"line 2: team: ",
		"line 3: opened: ",
		"line 4: teem: ",
		"line 5: team: ",
		"line 6: ref: ",
		"line 7: type: ",
		"line 8: not a JSON object",
	}
	badJSONL := filepath.Join("..", "..", "internal", "casefile", "testdata", "bad.jsonl")
	for _, extra := range [][]string{nil, {"--dry-run"}} {
		code, out, errs := runCLI(t, append([]string{"import", badJSONL, "--db", db}, extra...)...)
		if code != 2 || out != "" {
			t.Fatalf("bad.jsonl %v: code %d, %s %s", extra, code, out, errs)
		}
		var got []string
		for _, l := range strings.Split(errs, "\n") {
			if l = strings.TrimSpace(l); strings.HasPrefix(l, "line ") {
				got = append(got, l)
			}
		}
		if len(got) != len(wantBad) {
			t.Fatalf("bad.jsonl %v: %d problems, want %d:\n%s", extra, len(got), len(wantBad), errs)
		}
		for i, want := range wantBad {
			if !strings.HasPrefix(got[i], want) {
				t.Errorf("bad.jsonl %v: problem %d is %q, want %q...", extra, i+1, got[i], want)
			}
		}
		if after := latestSeq(t, db); after != before {
			t.Fatalf("a refused import of bad.jsonl wrote %d events", after-before)
		}
	}
	good := filepath.Join(dir, "good.csv")
	must(
		t,
		os.WriteFile(good, []byte("ref,team,opened,summary,offence_types\nOLD/1,Nowhere,2012-05-01,x,cse\n"), 0o644),
	)
	code, _, errs = runCLI(t, "import", good, "--db", db)
	if code != 2 || !strings.Contains(errs, "line 2: team") {
		t.Fatalf("unknown team: code %d, %s", code, errs)
	}
	good2 := filepath.Join(dir, "good2.jsonl")
	must(
		t,
		os.WriteFile(
			good2,
			[]byte(`{"type":"unit","ref":"D","name":"Legacy Dept","kind":"department","parent":"Holdfast Force"}
{"type":"unit","ref":"T","name":"Legacy Team","kind":"team","parent":"D"}
{"type":"case","ref":"OLD/9","team":"T","opened":"2012-05-01T09:00:00Z","summary":"Missing from home; older boyfriend","offence_types":["child_sexual_exploitation"],"closure":{"outcome":"16","proposed":"2012-09-01T09:00:00Z","proposed_by":"A1","approved":"2012-09-01T09:00:00Z","approved_by":"A1"}}
`),
			0o644,
		),
	)
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

// latestSeq is the sequence number of the last event in the database at path.
func latestSeq(t *testing.T, path string) int64 {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	seq, err := st.LatestSeq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return seq
}
