package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
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
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || rep.OverdueListed ||
		len(rep.Overdue) != 0 ||
		rep.OverdueCount == nil ||
		*rep.OverdueCount != 1 {
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

// documentedSweepJSON is the sample object under "`sweep --format json`
// (stable)" in docs/watchdog.md: the contract the test below holds the
// command to.
func documentedSweepJSON(t *testing.T) map[string]any {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "watchdog.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## `sweep --format json` \\(stable\\)\n```json\n(.*?)\n```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("docs/watchdog.md has no ```json sample under \"## `sweep --format json` (stable)\"")
	}
	var sample map[string]any
	if err := json.Unmarshal(m[1], &sample); err != nil {
		t.Fatalf("docs/watchdog.md's sweep JSON sample does not parse: %v\n%s", err, m[1])
	}
	return sample
}

// jsonKeys lists the keys of every object in v by path: "" for the top
// level, "overdue[]" for the objects of the overdue list, and so on. Every
// element of a list is checked against the same path.
func jsonKeys(v any, path string, out map[string][]string) {
	switch x := v.(type) {
	case map[string]any:
		var keys []string
		for k, e := range x {
			keys = append(keys, k)
			jsonKeys(e, strings.TrimPrefix(path+"."+k, "."), out)
		}
		slices.Sort(keys)
		if prev, seen := out[path]; seen && !slices.Equal(prev, keys) {
			keys = append(keys, "(inconsistent: "+strings.Join(prev, ",")+")")
		}
		out[path] = keys
	case []any:
		for _, e := range x {
			jsonKeys(e, path+"[]", out)
		}
	}
}

// TestSweepJSONKeysAreTheDocumentedOnes: the JSON of `holdfast sweep
// --format json` has exactly the keys docs/watchdog.md documents, at the top
// and in every overdue duty, escalation and finding — so renaming, dropping
// or adding a JSON field without updating the documented contract fails.
func TestSweepJSONKeysAreTheDocumentedOnes(t *testing.T) {
	want := map[string][]string{}
	jsonKeys(documentedSweepJSON(t), "", want)
	for _, p := range []string{"", "overdue[]", "escalations[]", "findings[]"} {
		if len(want[p]) == 0 {
			t.Fatalf("the documented sample has no object at %q: %v", p, want)
		}
	}

	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "h.db")
	db, err := sqlstore.Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture.New(t, db)
	f.Referral(t) // never allocated: overdue, and escalated up the ladder
	// An owner who leaves: the case is orphaned, a finding.
	orphan := f.Allocated(t)
	leaver, err := f.Svc.CreateUser(
		ctx,
		f.Admin,
		service.NewUser{
			Username: "lee",
			Name:     "DC Lee Leaver",
			Collar:   "C9",
			Rank:     domain.RankConstable,
			UnitID:   f.TeamA,
			Roles:    []domain.Role{domain.RoleInvestigator},
			Password: fixture.Password,
		},
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Svc.AssignOwner(ctx, f.Supervisor, orphan.ID, service.AssignOwner{Version: orphan.Version,
		OwnerID: leaver.ID, Reason: "reallocation"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: leaver.ID, Reason: "retired"}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	at := fixture.Start.Add(60 * 24 * time.Hour).Format(time.RFC3339)
	code, out, errs := runCLI(t, "sweep", "--db", path, "--as-of", at, "--format", "json")
	if code != 0 {
		t.Fatalf("sweep: %d %s", code, errs)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("sweep json does not parse: %v\n%s", err, out)
	}
	for _, list := range []string{"overdue", "escalations", "findings"} {
		if l, _ := got[list].([]any); len(l) == 0 {
			t.Fatalf("the scenario should give at least one of %s, so its keys are checked:\n%s", list, out)
		}
	}
	have := map[string][]string{}
	jsonKeys(got, "", have)
	for p, keys := range want {
		if !slices.Equal(have[p], keys) {
			t.Errorf("sweep JSON at %q has keys %v; docs/watchdog.md documents %v", p, have[p], keys)
		}
	}
	for p, keys := range have {
		if _, documented := want[p]; !documented {
			t.Errorf("sweep JSON has an undocumented object at %q with keys %v", p, keys)
		}
	}
}

// TestSweepTableCountsLikeDuties: the dry run's table gives the duties of
// one kind on one case owed by one person as one line with their number
// (two victims' first contact), not the same person listed once for each.
func TestSweepTableCountsLikeDuties(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "h.db")
	db, err := sqlstore.Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture.New(t, db)
	c := f.Allocated(t)
	for _, name := range []string{"Child A", "Child B"} {
		if c, err = f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	at := fixture.Start.Add(60 * 24 * time.Hour).Format(time.RFC3339)
	code, out, errs := runCLI(t, "sweep", "--db", path, "--as-of", at, "--dry-run")
	if code != 0 {
		t.Fatalf("sweep: %d %s", code, errs)
	}
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, c.Ref) && strings.Contains(l, "First contact with the victim") {
			lines = append(lines, l)
		}
	}
	// People and labels, not usernames and codes (the JSON keeps those).
	if len(lines) != 1 ||
		!regexp.MustCompile(`First contact with the victim\s+DC Ivy Investigator\s+2\s`).MatchString(lines[0]) {
		t.Fatalf("want one line counting the two victims' first contact, got %q in\n%s", lines, out)
	}
	if strings.Contains(out, "first_victim_contact") || regexp.MustCompile(`\sivy\s`).MatchString(out) {
		t.Errorf("the table shows a code or a username:\n%s", out)
	}
}

// TestSweepOverdueLeavesFindings: --overdue says how much of the overdue
// backlog is reported, and nothing else. A finding raised by one sweep
// still stands at the next, and every --overdue reports it (the tester's
// "--overdue count" reported 18 of the demo's 40 findings).
func TestSweepOverdueLeavesFindings(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "h.db")
	db, err := sqlstore.Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture.New(t, db)
	c := f.Allocated(t)
	if _, err = f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A"}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	at := fixture.Start.Add(60 * 24 * time.Hour).Format(time.RFC3339)
	kinds := func(mode string) []string {
		t.Helper()
		code, out, errs := runCLI(t, "sweep", "--db", path, "--as-of", at, "--format", "json", "--overdue", mode)
		var rep service.SweepReport
		if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil {
			t.Fatalf("sweep --overdue %s: %d %v %s", mode, code, err, errs)
		}
		var ks []string
		for _, x := range rep.Findings {
			ks = append(ks, x.Case+" "+x.Kind)
		}
		return ks
	}
	want := kinds("list") // raises them
	if !slices.Contains(want, c.Ref+" "+service.FindingVictimNoContactPlan) {
		t.Fatalf("the first sweep found %v, want %s on %s among them", want, service.FindingVictimNoContactPlan, c.Ref)
	}
	for _, mode := range []string{"count", "none", "list"} {
		if got := kinds(mode); !slices.Equal(got, want) {
			t.Errorf("sweep --overdue %s reports findings %v, want the standing %v", mode, got, want)
		}
	}
}

// TestSweepTableTimesAreLondon: the table's first-due times are London's,
// and the column says so, like every time the product shows people. In
// summer London is an hour ahead of UTC, so a UTC time would read an hour
// early with nothing to say it was UTC. They are written the GOV.UK way,
// as the pages write them ("1 September 2026 at 10am"), never "10:00".
func TestSweepTableTimesAreLondon(t *testing.T) {
	path := filepath.Join(t.TempDir(), "h.db")
	db, err := sqlstore.Open(context.Background(), path, true)
	if err != nil {
		t.Fatal(err)
	}
	f := fixture.New(t, db)
	f.Clock.Set(time.Date(2026, 7, 6, 9, 0, 0, 0, time.UTC)) // a Monday, 10am in London
	c := f.Referral(t)
	db.Close()

	at := time.Date(2026, 9, 1, 9, 0, 0, 0, time.UTC).Format(time.RFC3339)
	code, out, errs := runCLI(t, "sweep", "--db", path, "--as-of", at, "--format", "json", "--dry-run")
	var rep service.SweepReport
	if err := json.Unmarshal([]byte(out), &rep); code != 0 || err != nil || len(rep.Overdue) == 0 {
		t.Fatalf("sweep: %d %v %s %s", code, err, errs, out)
	}
	due := rep.Overdue[0].Due
	code, out, errs = runCLI(t, "sweep", "--db", path, "--as-of", at, "--dry-run")
	if code != 0 {
		t.Fatalf("sweep: %d %s", code, errs)
	}
	if !strings.Contains(out, "FIRST DUE (UK TIME)") {
		t.Errorf("the first-due column does not say its times are UK time:\n%s", out)
	}
	row := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(c.Ref) + `.*$`).FindString(out)
	if london := clock.GovUK(due); !strings.Contains(row, london) {
		t.Errorf("first due %s (UTC) is not shown as %s, London time, in %q", due.UTC(), london, row)
	}
	if twentyFour := regexp.MustCompile(`\b\d{1,2}:\d\d\b`); twentyFour.MatchString(out) {
		t.Errorf("the sweep's table writes a 24-hour time (%q), not the GOV.UK way:\n%s", twentyFour.FindString(out), out)
	}
}
