package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestBenchScaleReportsServeMemory: `holdfast bench --scale` measures each
// size's commands and pages, then runs `holdfast serve` (this binary) on
// the same record, drives it over HTTP and reports its peak memory.
func TestBenchScaleReportsServeMemory(t *testing.T) {
	t.Setenv(asBinary, "1") // the serve process bench starts is this test binary
	code, out, errs := runCLI(t, "bench", "--scale", "1000", "--commands", "20", "--clients", "2", "--page-runs", "2",
		"--cache", t.TempDir())
	if code != 0 {
		t.Fatalf("bench --scale: %d %s %s", code, out, errs)
	}
	var row []string
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) == 8 && f[0] == "1000" {
			row = f
		}
	}
	if row == nil {
		t.Fatalf("no memory row for 1000 cases:\n%s", out)
	}
	// cases, commands/s, bench peak RSS, serve peak RSS, serve start, serve CPU, built in, open s
	for i, name := range map[int]string{3: "serve peak RSS", 4: "serve start", 5: "serve CPU"} {
		if v, err := strconv.ParseFloat(row[i], 64); err != nil || v <= 0 {
			t.Errorf("%s: %q in %q", name, row[i], row)
		}
	}
	if v, err := strconv.ParseFloat(row[7], 64); err != nil || v < 0 {
		t.Errorf("open s: %q in %q", row[7], row)
	}
	if !regexp.MustCompile(`(?m)^\s*open a case \(investigator\)\s+\d+\.\d\d / \d+\.\d\d\s+\d+\.\d\d\s*$`).MatchString(out) {
		t.Errorf("no timings for opening a case:\n%s", out)
	}
}
