package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
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
		if code, _, errs := runCLI(t, "export", "--db", db, "--as", "boss", "--out", out2); code != 0 {
			t.Fatalf("export %d: %s", i, errs)
		}
		if code, _, _ := runCLI(t, "export", "--db", db, "--as", "boss", "--out", out2); code != 2 {
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
	if code, out, _ := runCLI(t, "export", "--db", filepath.Join(dir, "a.db"), "--as", "boss", "--cases", "CSE/2019/000001"); code != 0 ||
		strings.Count(out, `"type":"case"`) != 1 ||
		!strings.Contains(out, "LEG/2019/0007") {
		t.Fatalf("export of one case: code %d\n%s", code, out)
	}
}

// TestExportCLISaysWho: the export's read of every case is recorded as the
// person --as names, never as Holdfast, so an auditor can tell who took the
// record. Without --as, with a name no account has, a leaver's, or someone
// who is no administrator, it refuses (exit 2, saying why), writes no file
// and records no read.
func TestExportCLISaysWho(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "h.db")
	ex, err := os.ReadFile(filepath.Join("..", "..", "internal", "casefile", "testdata", "example.jsonl"))
	must(t, err)
	file := filepath.Join(dir, "cases.jsonl")
	must(t, os.WriteFile(file, bytes.ReplaceAll(ex, []byte(`"Public Protection"`), []byte(`"Holdfast Force"`)), 0o644))
	for _, args := range [][]string{
		{"user", "add", "--db", db, "--username", "boss", "--name", "Chief Admin", "--collar", "A1",
			"--password", "a long enough password"},
		{"user", "add", "--db", db, "--username", "ivy", "--name", "DC Ivy Lowe", "--collar", "C1",
			"--rank", "constable", "--roles", "investigator", "--password", "a long enough password"},
		{"user", "add", "--db", db, "--username", "gone", "--name", "Gus Gone", "--collar", "G1",
			"--password", "a long enough password"},
		{"import", file, "--db", db},
	} {
		if code, _, errs := runCLI(t, args...); code != 0 {
			t.Fatalf("%v: %s", args, errs)
		}
	}
	st, err := sqlstore.Open(ctx, db, false)
	must(t, err)
	defer st.Close()
	org, err := st.Org(ctx)
	must(t, err)
	ids := map[string]string{}
	for _, u := range org.Users {
		ids[u.Username] = u.ID
	}
	must(t, service.New(st, service.Options{}).UserLeaves(ctx, service.SystemActor("cli"),
		service.UserLeaves{User: ids["gone"], Reason: "retired"}))
	reads := func() []domain.RecordsRead {
		evs, err := st.ForceEvents(ctx, []string{domain.EvRecordsRead})
		must(t, err)
		var out []domain.RecordsRead
		for _, e := range evs {
			var p domain.RecordsRead
			must(t, json.Unmarshal(e.Payload, &p))
			if p.View == service.ExportView {
				if e.Actor != ids["boss"] {
					t.Errorf("an export's read is recorded as %q, not as boss (%s)", e.Actor, ids["boss"])
				}
				out = append(out, p)
			}
		}
		return out
	}
	out := filepath.Join(dir, "export.jsonl")
	for _, tc := range []struct {
		as   []string
		want string
	}{
		{nil, "--as USERNAME"},
		{[]string{"--as", " "}, "--as USERNAME"},
		{[]string{"--as", "nobody"}, `no account has the sign-in name "nobody"`},
		{[]string{"--as", "gone"}, "Gus Gone (gone) has left"},
		{[]string{"--as", "ivy"}, "Only administrators can export the record."},
	} {
		args := append([]string{"export", "--db", db, "--out", out}, tc.as...)
		code, _, errs := runCLI(t, args...)
		if code != 2 || !strings.Contains(errs, tc.want) || !strings.Contains(errs, "Nothing was exported") &&
			!strings.Contains(errs, "nothing was exported") {
			t.Errorf("export %v: code %d, %q; want 2 saying %q and that nothing was exported", tc.as, code, errs, tc.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("export %v left a file (%v)", tc.as, err)
			os.Remove(out)
		}
	}
	if n := len(reads()); n != 0 {
		t.Fatalf("refused exports recorded %d reads", n)
	}
	// The sign-in name as a person types it at sign-in: capitals and spaces
	// are not part of it there, so neither here.
	if code, _, errs := runCLI(t, "export", "--db", db, "--as", " Boss ", "--out", out); code != 0 {
		t.Fatalf("export as %q: %s", " Boss ", errs)
	}
	b, err := os.ReadFile(out)
	must(t, err)
	cases := strings.Count(string(b), `"type":"case"`)
	if r := reads(); len(r) != 1 || len(r[0].Cases) != cases || cases == 0 {
		t.Errorf("the export recorded %d reads, want one naming all %d cases", len(r), cases)
	}
}
