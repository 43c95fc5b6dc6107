package app_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/guidance"
	"github.com/holdfast/holdfast/internal/testdb"
)

const forceGuidance = `version: 1
guidance:
  - id: actions_filed
    for: rule
    title: %s
    summary: Our force's words.
    body: File every action first.
    sources:
      - name: Force instruction 7
`

// A server started with a guidance file has its entries in force; a
// changed file is re-read, a bad one reported with its line and field while
// the old guidance stays.
func TestGuidanceFileReload(t *testing.T) {
	path := filepath.Join(t.TempDir(), "guidance.yaml")
	write := func(text string, n int) {
		t.Helper()
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(time.Duration(n) * time.Second)
		if err := os.Chtimes(path, at, at); err != nil {
			t.Fatal(err)
		}
	}
	write(strings.Replace(forceGuidance, "%s", "Force rule one", 1), 1)
	f := fixture.New(t, testdb.Open(t, "sqlite"), func(c *app.Config) { c.GuidanceFile = path })
	t.Cleanup(func() { guidance.Use(nil) })
	if got := guidance.Current().Get("actions_filed").Title; got != "Force rule one" {
		t.Fatalf("at start: %q", got)
	}
	if guidance.Current().Get("rationale") != guidance.Default().Get("rationale") {
		t.Fatal("entries the file does not give should stay the shipped ones")
	}
	write(strings.Replace(strings.Replace(forceGuidance, "%s", "Bad", 1), "actions_filed", "actions_filled", 1), 2)
	err := f.App.GuidanceChanged()
	if err == nil {
		t.Fatal("a file naming an unknown rule was accepted")
	}
	for _, want := range []string{path, "line 3", "guidance[0].id", `unknown rule id "actions_filled"`, "unchanged"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if got := guidance.Current().Get("actions_filed").Title; got != "Force rule one" {
		t.Fatalf("a bad file changed the guidance in force: %q", got)
	}
	write(strings.Replace(forceGuidance, "%s", "Force rule two", 1), 3)
	if err := f.App.ReloadGuidance(); err != nil {
		t.Fatal(err)
	}
	if got := guidance.Current().Get("actions_filed").Title; got != "Force rule two" {
		t.Fatalf("after reload: %q", got)
	}
}
