package bench

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestScaleMeasuresEveryPage checks the scale harness on a small record:
// the record is built once and then served from the cache, every page
// answers as its role, and the figures are consistent.
func TestScaleMeasuresEveryPage(t *testing.T) {
	ctx := context.Background()
	cache, work := t.TempDir(), t.TempDir()
	path, built, err := ScaleDB(ctx, cache, work, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if built <= 0 {
		t.Fatalf("built in %v: the first record must be built", built)
	}
	if _, again, err := ScaleDB(ctx, cache, t.TempDir(), 1000); err != nil || again != 0 {
		t.Fatalf("second copy: built in %v, %v; want it from the cache", again, err)
	}
	r, err := MeasureScale(ctx, path, 40, 4, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Cases != 1000 || r.Commands.Commands != 40 || r.Commands.CPU <= 0 || r.Commands.P50 > r.Commands.P99 {
		t.Fatalf("commands: %d cases, %+v", r.Cases, r.Commands)
	}
	if len(r.Pages) != len(ScalePages) {
		t.Fatalf("%d pages measured, want %d", len(r.Pages), len(ScalePages))
	}
	for _, p := range r.Pages {
		if (p.Status != http.StatusOK && p.Status != http.StatusSeeOther) || p.P50 <= 0 || p.P50 > p.P99 {
			t.Errorf("%s: %+v", p.Name, p)
		}
	}
	var out bytes.Buffer
	PrintScale(&out, []ScaleResult{r, r})
	for _, want := range []string{"1000 cases: p50 / p99 ms", "open a case (investigator)", "dashboard (administrator)",
		"CPU × first"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
}
