package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A small force's people, recorded twice with the usual errors: a swapped
// name, a nickname, a typo, day and month transposed, a postcode spaced
// otherwise.
const personsLeft = `id,forename,surname,born,postcode,phone,person
L1,William,Hannagan,1977-05-01,LS1 4AB,07700 900123,p1
L2,Mikhayla,Mason,02/03/1985,M1 1AE,,p2
L3,Aisha,Khan,1990-12-11,B1 1AA,07700 900555,p3
L4,Tom,Price,1966-01-30,CF10 1AA,,p4
L5,Grace,Olsen,2001-07-07,EH1 1AA,,p5
`

const personsRight = `id,forename,surname,born,postcode,phone,person
R1,Bill,Hannagan,1977-05-01,ls14ab,+44 7700 900123,p1
R2,Mason,Mikhayla,1985-03-02,M11AE,,p2
R3,Aisha,Kahn,1990-11-12,B1 1AA,,p3
R4,Ruth,Evans,1950-02-02,SA1 1AA,,p6
`

func TestPersonsLinkAndDedupe(t *testing.T) {
	dir := t.TempDir()
	left, right := filepath.Join(dir, "left.csv"), filepath.Join(dir, "right.csv")
	os.WriteFile(left, []byte(personsLeft), 0o600)
	os.WriteFile(right, []byte(personsRight), 0o600)
	out := filepath.Join(dir, "pairs.csv")
	flags := []string{"--given", "forename", "--dob", "born", "--phone", "phone", "--id", "id", "--truth", "person"}
	code, stdout, stderr := runCLI(
		t,
		append(append([]string{"persons", "link"}, flags...), "--out", out, left, right)...)
	if code != 0 {
		t.Fatalf("link: code %d, %s", code, stderr)
	}
	for _, want := range []string{"5 × 4 records", "pair completeness", "probability 0.50", "best", "peak memory"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("link output lacks %q:\n%s", want, stdout)
		}
	}
	f, _ := os.Open(out)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) < 2 || rows[0][0] != "left_id" || rows[0][4] != "same_entity" {
		t.Fatalf("pairs file: %v %v", rows, err)
	}
	found := map[string]bool{}
	for _, r := range rows[1:] {
		found[r[0]+"-"+r[1]] = r[4] == "true"
	}
	for _, p := range []string{"L1-R1", "L2-R2", "L3-R3"} {
		if !found[p] {
			t.Errorf("pair %s not written as a true match:\n%v\n%s", p, rows, stdout)
		}
	}

	both := filepath.Join(dir, "both.csv")
	os.WriteFile(both, []byte(personsLeft+strings.SplitN(personsRight, "\n", 2)[1]), 0o600)
	code, stdout, stderr = runCLI(t, append(append([]string{"persons", "dedupe"}, flags...), "--out", "-", both)...)
	if code != 0 || !strings.Contains(stdout, "left_id,right_id") || !strings.Contains(stdout, "dedupe: 9 records") {
		t.Fatalf("dedupe: code %d, %s\n%s", code, stdout, stderr)
	}
}

func TestPersonsRefusesBadUse(t *testing.T) {
	dir := t.TempDir()
	left := filepath.Join(dir, "left.csv")
	os.WriteFile(left, []byte(personsLeft), 0o600)
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"persons"}, []string{"link", "dedupe"}},
		{[]string{"persons", "link", left}, []string{"give 2 CSV files after the flags, not 1"}},
		{[]string{"persons", "dedupe", left, left}, []string{"give 1 CSV file after the flags, not 2"}},
		{[]string{"persons", "dedupe", "--given", "first", "--dob", "dob", left},
			[]string{`"first"`, `"dob"`, "--given"}},
		{[]string{"persons", "dedupe", filepath.Join(dir, "missing.csv")}, []string{"missing.csv"}},
	} {
		code, _, stderr := runCLI(t, c.args...)
		if code != 2 {
			t.Errorf("%v: code %d, want 2 (%s)", c.args, code, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%v: %q lacks %q", c.args, stderr, w)
			}
		}
	}
}
