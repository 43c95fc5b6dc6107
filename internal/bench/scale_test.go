package bench

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"time"
)

// TestScaleMeasuresEveryPage checks the scale harness on a small record:
// the record is built once and then served from the cache, every page
// answers as its role, and the figures are consistent.
func TestScaleMeasuresEveryPage(t *testing.T) {
	ctx := context.Background()
	cache, work := t.TempDir(), t.TempDir()
	cache = filepath.Join(cache, "not made yet") // as --cache may name
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
	if r.Cases != 1000 || r.Opened <= 0 || r.Commands.Commands != 40 || r.Commands.CPU <= 0 || r.Commands.P50 > r.Commands.P99 {
		t.Fatalf("commands: %d cases, %+v", r.Cases, r.Commands)
	}
	if len(r.Pages) != len(ScalePages) {
		t.Fatalf("%d pages measured, want %d", len(r.Pages), len(ScalePages))
	}
	for _, p := range r.Pages {
		if p.Status != http.StatusOK || p.P50 <= 0 || p.P50 > p.P99 || p.P99 > p.Slowest || p.Bytes == 0 || p.CPU <= 0 {
			t.Errorf("%s: %+v", p.Name, p)
		}
	}
	var out bytes.Buffer
	PrintScale(&out, []ScaleResult{r, r})
	for _, want := range []string{"1000 cases: p50 / p99 ms", "open a case (investigator)", "dashboard, first request (administrator)",
		"CPU × first", "open s"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
}

// TestMeasurePageCountsEveryFailure: a page that fails on one request of
// many is reported failed with that status, though the last answered; a
// redirect (to the sign-in page, say) is a failure, not a page.
func TestMeasurePageCountsEveryFailure(t *testing.T) {
	codes := []int{http.StatusOK, http.StatusBadGateway, http.StatusSeeOther, http.StatusOK}
	i := 0
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(codes[i%len(codes)])
		i++
		w.Write([]byte("page"))
	})
	r, cpu := measurePage(context.Background(), h, &http.Cookie{Name: "s", Value: "v"},
		func(int) string { return "/p" }, len(codes))
	if r.Status != http.StatusBadGateway || r.Failed != 2 || r.Bytes != 4 || cpu < 0 {
		t.Fatalf("status %d, %d failed, %d bytes; want 502, 2 failed, 4 bytes", r.Status, r.Failed, r.Bytes)
	}
	i = 0
	codes = []int{http.StatusOK}
	if r, _ := measurePage(context.Background(), h, &http.Cookie{Name: "s", Value: "v"},
		func(int) string { return "/p" }, 3); r.Status != http.StatusOK || r.Failed != 0 {
		t.Fatalf("all answered: status %d, %d failed", r.Status, r.Failed)
	}
}

// TestPrintScaleFlagsTimeouts: a page measured in process slower than
// serve's write timeout, and a page that failed under serve, are named
// under the table, not left for the reader to notice.
func TestPrintScaleFlagsTimeouts(t *testing.T) {
	slow := ScaleResult{Cases: 1000000, Pages: []ScalePageResult{
		{ScalePage: ScalePages[0], Status: http.StatusOK, P50: time.Millisecond, P99: time.Second, Slowest: time.Second},
		{ScalePage: ScalePage{Name: "dashboard"}, Status: http.StatusOK, P50: 90 * time.Second, P99: 90 * time.Second,
			Slowest: 90 * time.Second},
	}, Serve: &ServeResult{Failed: []string{"dashboard: 1 of 1 (first status 502)"}}}
	var out bytes.Buffer
	PrintScale(&out, []ScaleResult{slow})
	for _, want := range []string{"at 1000000 cases dashboard took 1m30s, over serve's 1m0s write timeout",
		"serve at 1000000 cases, pages with failed requests (status 502: no answer): dashboard: 1 of 1"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "open a case took") {
		t.Errorf("a page within the timeout is flagged:\n%s", out.String())
	}
}

// TestScaleCaseVaries: the record is not one case a million times. The
// investigator holds scaleCaseload cases at every size, every copy has its
// own ids, and the open duties fall due as a caseload's do, counted from
// the day the record is built: in every hundred cases ten overdue (up to
// four weeks), five due that day, the rest over the weeks after, the same
// days on every build; a copy's duties keep their spacing.
func TestScaleCaseVaries(t *testing.T) {
	built := time.Date(2026, 12, 7, 10, 15, 0, 0, time.UTC)
	tomorrow := time.Date(2026, 12, 8, 23, 59, 59, 0, time.UTC)
	week := time.Date(2026, 12, 14, 23, 59, 59, 0, time.UTC)
	ref := &domain.Case{ID: "t0", OpenedAt: built, Duties: []domain.Duty{
		{ID: "t0.1", Status: domain.DutyOpen, Due: tomorrow}, {ID: "t0.2", Status: domain.DutyMet, Due: tomorrow}}}
	held := &domain.Case{ID: "t1", OwnerID: "dc", OpenedAt: built, Duties: []domain.Duty{
		{ID: "t1.1", Status: domain.DutyOpen, Due: week}, {ID: "t1.2", Status: domain.DutyOpen, Due: week.Add(-23 * time.Hour)}}}
	tmpls := []*domain.Case{ref, held}
	day := func(t time.Time) int {
		return int(t.Truncate(24*time.Hour).Sub(time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)).Hours()) / 24
	}
	ids := map[string]bool{}
	owned, overdue, today, later := 0, 0, 0, 0
	perDay := map[int]int{}
	earliest, latest := 0, 0
	const n = 10000
	for i := range n {
		c := scaleCase(tmpls, i)
		if c.OwnerID == "dc" {
			owned++
			if gap := c.Duties[0].Due.Sub(c.Duties[1].Due); gap != 23*time.Hour {
				t.Errorf("case %d: its duties are %v apart, not 23h as the template's", i, gap)
			}
		}
		var first time.Time
		for _, d := range c.Duties {
			if ids[d.ID] {
				t.Fatalf("case %d: duty id %s again", i, d.ID)
			}
			ids[d.ID] = true
			if d.Status != domain.DutyOpen {
				if !d.Due.Equal(tomorrow) {
					t.Errorf("case %d: a closed duty's due time moved", i)
				}
				continue
			}
			if first.IsZero() || d.Due.Before(first) {
				first = d.Due
			}
		}
		if again := scaleCase(tmpls, i); !again.Duties[0].Due.Equal(c.Duties[0].Due) {
			t.Fatalf("case %d: due %v, then %v: the record must be the same on every build", i,
				c.Duties[0].Due, again.Duties[0].Due)
		}
		d := day(first)
		perDay[d]++
		earliest, latest = min(earliest, d), max(latest, d)
		switch {
		case d < 0:
			overdue++
		case d == 0:
			today++
		default:
			later++
		}
	}
	if owned != scaleCaseload || overdue != n/10 || today != n/20 || later != n-n/10-n/20 {
		t.Fatalf("%d cases held, %d overdue, %d due on the day built, %d later; want %d, %d, %d, %d",
			owned, overdue, today, later, scaleCaseload, n/10, n/20, n-n/10-n/20)
	}
	if earliest > -28 || latest < 80 || len(perDay) < 90 {
		t.Errorf("due from day %d to day %d on %d days: want weeks either side", earliest, latest, len(perDay))
	}
	for d, k := range perDay {
		if k > n/20 {
			t.Errorf("%d cases due on day %d: one day holds more than a twentieth", k, d)
		}
	}
	if ref.Duties[0].ID != "t0.1" || !ref.Duties[0].Due.Equal(tomorrow) {
		t.Fatalf("the template changed: %+v", ref.Duties[0])
	}
}
