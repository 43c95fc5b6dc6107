package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/faults"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// asBinary makes the test binary run as holdfast itself (TestMain).
const asBinary = "HOLDFAST_TEST_AS_BINARY"

// killAfter runs holdfast args as a process of its own and kills it with
// SIGKILL after d, as a crash or the OOM killer would. It reports whether
// the kill landed (false: the process had already finished).
func killAfter(t *testing.T, d time.Duration, args ...string) bool {
	t.Helper()
	return killWhen(t, func() bool { time.Sleep(d); return true }, args...)
}

// killWhen is killAfter at the moment ready (polled) first holds.
func killWhen(t *testing.T, ready func() bool, args ...string) bool {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), asBinary+"=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for !ready() {
		select {
		case err := <-done:
			t.Logf("holdfast %s finished before the kill (%v): %s", args[0], err, tail(out.String()))
			return false
		case <-time.After(50 * time.Millisecond):
		}
	}
	select {
	case err := <-done:
		t.Logf("holdfast %s finished before the kill (%v): %s", args[0], err, tail(out.String()))
		return false
	default:
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	return true
}

func tail(s string) string {
	if len(s) > 300 {
		return "…" + s[len(s)-300:]
	}
	return s
}

// migrationFile is a legacy system's file of n open cases, each opened 40
// days ago and never allocated or planned: every one owes duties long
// overdue, for the watchdog to escalate.
func migrationFile(t *testing.T, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`{"type":"unit","ref":"LT","name":"Legacy Team","kind":"team","parent":"Holdfast Force"}
{"type":"officer","ref":"O1","name":"DC Olu One","collar":"M1","rank":"constable","unit":"LT","roles":["investigator"]}
{"type":"officer","ref":"O2","name":"DS Tess Two","collar":"M2","rank":"sergeant","unit":"LT","roles":["supervisor"]}
`)
	opened := time.Now().UTC().AddDate(0, 0, -40).Format(time.RFC3339)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"type":"case","ref":"MIG/%05d","team":"LT","opened":%q,"summary":"Girl, 14, missing from home, seen with older men","offence_types":["child_sexual_exploitation"]}`+"\n", i, opened)
	}
	path := filepath.Join(t.TempDir(), "migration.jsonl")
	must(t, os.WriteFile(path, []byte(b.String()), 0o600))
	return path
}

// count answers one number from the database db names.
func count(t *testing.T, path, query string) int {
	t.Helper()
	st, err := sqlstore.Open(context.Background(), path, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n int
	if err := st.Raw().QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestKillDuringImportAndSweep kills the holdfast process with SIGKILL in
// the middle of a large import, then in the middle of a long sweep:
//
//   - an import killed part-way leaves nothing of it (all or nothing), and
//     run again it imports every case once;
//   - a sweep killed part-way keeps the cases it finished, and the next
//     sweep finishes the rest: every escalation a dry run of the whole
//     sweep planned is made exactly once — none twice, none skipped;
//
// and afterwards the log is one gapless chain, the replay matches (holdfast
// rebuild) and the ledger verifies. On SQLite and on PostgreSQL.
func TestKillDuringImportAndSweep(t *testing.T) {
	testdb.EachDSN(t, killDuringImportAndSweep)
}

func killDuringImportAndSweep(t *testing.T, db string) {
	const n = 300
	if code, _, errs := runCLI(t, "user", "add", "--db", db, "--username", "boss", "--name", "Chief Admin",
		"--collar", "A1", "--password", "a long enough password"); code != 0 {
		t.Fatal(errs)
	}
	file := migrationFile(t, n)
	before := latestSeq(t, db)

	// How long the whole import takes, checked and rolled back.
	start := time.Now()
	if code, out, errs := runCLI(t, "import", file, "--db", db, "--dry-run"); code != 0 || !strings.Contains(out, fmt.Sprintf(`"cases_imported": %d`, n)) {
		t.Fatalf("dry run: %d %s %s", code, out, errs)
	}
	whole := time.Since(start)
	landed := 0
	for _, at := range []float64{0.5, 0.8} {
		if killAfter(t, time.Duration(at*float64(whole)), "import", file, "--db", db) {
			landed++
		}
		switch got := count(t, db, "SELECT count(*) FROM cases"); {
		case got == 0 && latestSeq(t, db) == before:
		case got == n:
			t.Logf("the import committed before the kill at %.0f%%", at*100)
		default:
			t.Fatalf("an import killed at %.0f%% of its time left %d of %d cases", at*100, got, n)
		}
	}
	if landed == 0 {
		t.Fatal("no kill landed during the import")
	}
	code, out, errs := runCLI(t, "import", file, "--db", db)
	if code != 0 {
		t.Fatalf("import after the kills: %d %s", code, errs)
	}
	if got := count(t, db, "SELECT count(*) FROM cases"); got != n {
		t.Fatalf("after the kills and a full import: %d cases, want %d (%s)", got, n, out)
	}
	afterImport := latestSeq(t, db)

	// The reference: the same sweep, uninterrupted, as a dry run.
	asOf := time.Now().UTC().AddDate(0, 0, 30).Format(time.RFC3339)
	code, out, errs = runCLI(t, "sweep", "--db", db, "--as-of", asOf, "--format", "json", "--overdue", "none", "--dry-run")
	var want service.SweepReport
	if code != 0 || json.Unmarshal([]byte(out), &want) != nil || len(want.Escalations) < n {
		t.Fatalf("reference sweep: %d %s %s", code, tail(out), errs)
	}

	// Kill the sweep once it has made a tenth of its escalations.
	escalated := func() int {
		return count(t, db, "SELECT count(*) FROM events WHERE type = '"+domain.EvDutyEscalated+"'")
	}
	if !killWhen(t, func() bool { return escalated() >= len(want.Escalations)/10 },
		"sweep", "--db", db, "--as-of", asOf, "--overdue", "none") {
		t.Fatal("the sweep finished before the kill")
	}
	killed := escalated()
	if killed >= len(want.Escalations) {
		t.Fatalf("the kill landed after the sweep's last escalation (%d of %d)", killed, len(want.Escalations))
	}
	t.Logf("the sweep killed after %d of %d escalations", killed, len(want.Escalations))
	code, out, errs = runCLI(t, "sweep", "--db", db, "--as-of", asOf, "--format", "json", "--overdue", "none")
	var rest service.SweepReport
	if code != 0 || json.Unmarshal([]byte(out), &rest) != nil {
		t.Fatalf("the sweep after the kill: %d %s %s", code, tail(out), errs)
	}
	if killed+len(rest.Escalations) != len(want.Escalations) {
		t.Fatalf("killed sweep %d + next sweep %d escalations, want %d", killed, len(rest.Escalations), len(want.Escalations))
	}
	// Each duty's each step once, and the same steps as the reference.
	st, err := sqlstore.Open(context.Background(), db, false)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	steps := map[string]int{}
	err = st.ScanEvents(context.Background(), afterImport+1, 0, func(e *event.Event) error {
		if e.Type != domain.EvDutyEscalated {
			return nil
		}
		var p domain.DutyEscalated
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return err
		}
		steps[fmt.Sprintf("%s/%d", p.ID, p.Level)]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range want.Escalations {
		k := fmt.Sprintf("%s/%d", e.DutyID, e.Level)
		if steps[k] != 1 {
			t.Fatalf("duty %s on %s escalated to level %d %d times, want once", e.DutyID, e.Case, e.Level, steps[k])
		}
	}
	if len(steps) != len(want.Escalations) {
		t.Fatalf("%d distinct escalations, want %d", len(steps), len(want.Escalations))
	}
	faults.Intact(t, nil, nil, st, nil)
	if code, out, errs := runCLI(t, "rebuild", "--db", db); code != 0 {
		t.Fatalf("rebuild after the kills: %s %s", out, errs)
	}
	key := filepath.Join(t.TempDir(), "ledger.key")
	if code, _, errs := runCLI(t, "ledger", "keygen", "--origin", "northshire.police.invalid/holdfast", "--out", key); code != 0 {
		t.Fatal(errs)
	}
	if code, out, errs := runCLI(t, "ledger", "checkpoint", "--db", db, "--ledger-key", key); code != 0 {
		t.Fatalf("ledger checkpoint after the kills: %s %s", out, errs)
	}
	if code, out, errs := runCLI(t, "ledger", "verify", "--db", db, "--key", key+".pub"); code != 0 || !strings.Contains(out, "OK") {
		t.Fatalf("ledger verify after the kills: %d %s %s", code, out, errs)
	}
}
