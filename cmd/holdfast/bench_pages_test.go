package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/bench"
)

// TestBenchPagesMeasuresEveryPage: `holdfast bench --pages DEMO.db` serves
// every page of bench.Pages, as its role, on a copy of a demo force, and
// prints each with its time and size; the demo file is left as it was.
func TestBenchPagesMeasuresEveryPage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	_, stop := startDemo(t, "--db", db, "--cases", "24", "--seed", "3")
	stop()
	code, out, errs := runCLI(t, "bench", "--pages", db, "--page-runs", "2")
	if code != 0 {
		t.Fatalf("bench --pages: %d %s %s", code, out, errs)
	}
	for _, p := range bench.Pages {
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, " "+p.Path+" ") && strings.Contains(l, p.Role) {
				line = l
			}
		}
		if !strings.Contains(line, " 200 ") && !strings.Contains(line, " 303 ") {
			t.Errorf("%s as %s: %q", p.Path, p.Role, line)
		}
	}
	if code, o, e := runCLI(t, "rebuild", "--db", db); code != 0 {
		t.Errorf("the demo file changed under the benchmark: rebuild %d %q %q", code, o, e)
	}
}
