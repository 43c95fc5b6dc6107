package app_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/testdb"
)

// syncBuffer is a log sink the background goroutines and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// writePolicy saves text and gives the file a modification time of its
// own, so a change is seen even on a file system with coarse timestamps.
func writePolicy(t *testing.T, path, text string, version int) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	mod := time.Date(2026, 1, 1, 0, 0, version, 0, time.UTC)
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
}

// allocationDue opens a referral and returns when its allocation duty
// falls due: the policy in force decides it.
func allocationDue(t *testing.T, f *fixture.Force) time.Time {
	t.Helper()
	c := f.Referral(t)
	for _, d := range c.Duties {
		if d.Kind == duty.AllocateReferral {
			return d.Due
		}
	}
	t.Fatalf("referral %s owes no allocation: %+v", c.Ref, c.Duties)
	return time.Time{}
}

// A running server re-reads its policy file when it changes. An invalid
// file — an unknown duty kind, a time zone or a date that does not parse —
// is reported naming the file, the line and the field, and the old policy
// stays in force for the next duty opened; a valid change takes effect.
func TestPolicyFileReload(t *testing.T) {
	good := string(policy.DefaultYAML())
	path := filepath.Join(t.TempDir(), "policy.yaml")
	writePolicy(t, path, good, 1)
	start, err := policy.Parse([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	f := fixture.New(t, testdb.Open(t, "sqlite"), func(c *app.Config) {
		c.Policy, c.PolicyFile = start, path
	})
	before := allocationDue(t, f)

	if err := f.App.PolicyChanged(); err != nil {
		t.Fatalf("unchanged file: %v", err)
	}
	for i, tc := range []struct{ name, text, field string }{
		{"unknown duty kind", strings.Replace(good, "  allocate_referral: ", "  allocate_referal:  ", 1), `duties: unknown duty kind "allocate_referal"`},
		{"bad time zone", strings.Replace(good, "time_zone: Europe/London", "time_zone: Europe/Londn", 1), `time_zone "Europe/Londn" is not a time zone`},
		{"date that does not parse", strings.Replace(good, "since: 2019-04-01", "since: 2019-04-31", 1), `since "2019-04-31" is not a date`},
	} {
		if tc.text == good {
			t.Fatalf("%s: the edit did not apply to the default policy", tc.name)
		}
		writePolicy(t, path, tc.text, 2+i)
		err := f.App.PolicyChanged()
		if err == nil {
			t.Fatalf("%s: accepted", tc.name)
		}
		for _, want := range []string{path, "line ", tc.field, "policy in force is unchanged"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("%s: error %q does not say %q", tc.name, err, want)
			}
		}
		if f.Svc.Policy() != start {
			t.Fatalf("%s: the policy in force changed", tc.name)
		}
		if due := allocationDue(t, f); !due.Equal(before) {
			t.Fatalf(
				"%s: a referral opened after the bad file is due %v, want %v under the old policy",
				tc.name,
				due,
				before,
			)
		}
		// The same bad file is not reported again on every poll.
		if err := f.App.PolicyChanged(); err != nil {
			t.Errorf("%s: an unchanged bad file reported again: %v", tc.name, err)
		}
	}

	changed := strings.Replace(
		good,
		"allocate_referral:      {within: 1 working day, ",
		"allocate_referral:      {within: 3 working days,",
		1,
	)
	if changed == good {
		t.Fatal("the edit did not apply to the default policy")
	}
	writePolicy(t, path, changed, 10)
	if err := f.App.PolicyChanged(); err != nil {
		t.Fatalf("valid change refused: %v", err)
	}
	want := f.Svc.Calendar().AddWorkingDays(f.Clock.Now(), 3)
	if due := allocationDue(t, f); !due.Equal(want) || due.Equal(before) {
		t.Fatalf("after the change a referral is due %v, want %v (3 working days)", due, want)
	}
	if !bytes.Equal(f.Svc.Policy().Source(), []byte(changed)) {
		t.Fatal("the policy in force is not the file as changed")
	}

	// A forced reload (SIGHUP) of a file that has become unreadable keeps
	// the policy too.
	in := f.Svc.Policy()
	os.Remove(path)
	if err := f.App.ReloadPolicy(); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("missing file: %v", err)
	}
	if f.Svc.Policy() != in {
		t.Fatal("a missing file changed the policy in force")
	}
}

// The server's schedule does the same on its own: a bad file is logged
// with its file and line, and a good one is put in force before the next
// sweep.
func TestPolicyFileReloadedOnSchedule(t *testing.T) {
	good := string(policy.DefaultYAML())
	path := filepath.Join(t.TempDir(), "policy.yaml")
	writePolicy(t, path, good, 1)
	start, err := policy.Parse([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	f := fixture.New(t, testdb.Open(t, "sqlite"), func(c *app.Config) {
		c.Policy, c.PolicyFile = start, path
		c.SweepEvery = 10 * time.Millisecond
		c.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, bg := range f.App.Background {
		wg.Add(1)
		go func() { defer wg.Done(); bg(ctx) }()
	}
	t.Cleanup(func() { cancel(); wg.Wait() })
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if ok() {
				return
			}
		}
		t.Fatalf("waited 10s for %s; log:\n%s", what, logs.String())
	}

	writePolicy(t, path, strings.Replace(good, "time_zone: Europe/London", "time_zone: Mars/Olympus", 1), 2)
	waitFor("the bad file to be reported", func() bool {
		return strings.Contains(logs.String(), "Mars/Olympus") && strings.Contains(logs.String(), path)
	})
	if f.Svc.Policy() != start {
		t.Fatal("a bad file changed the policy in force")
	}
	writePolicy(t, path, strings.Replace(good, "manager_after: 3 working days", "manager_after: 4 working days", 1), 3)
	waitFor("the good file to be put in force", func() bool { return f.Svc.Policy() != start })
	if got := f.Svc.Policy().Escalation.ManagerAfter; got.N != 4 {
		t.Fatalf("manager_after in force: %v", got)
	}
}
