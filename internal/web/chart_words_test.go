package web

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/service"
)

// TestDashboardSaysMonthsAndOutcomesInWords: the dashboard's charts and
// their tables name months as "Jan 2026", not "2026-01", and outcomes by
// their titles ("Outcome 14: Evidential difficulties: …"), not a bare
// code under a bar; the time of the figures is in words.
func TestDashboardSaysMonthsAndOutcomesInWords(t *testing.T) {
	h, err := New(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	title := "Evidential difficulties: suspect not identified; victim does not support further action"
	d := &service.Dashboard{AsOf: time.Date(2026, 12, 7, 14, 3, 0, 0, time.UTC),
		Months: []string{"2026-01", "2026-02"}, Teams: []string{"CSE Team North"},
		OverdueByTeam: [][]int{{1, 2}}, OnTimeMet: []int{1, 2}, OnTimeTotal: []int{2, 2}, Closed: []int{3, 4},
		Reopened: []int{0, 1}, Outcomes: []service.Count{{Label: "14 " + title, N: 3}, {Label: "77", N: 1}}}
	var b bytes.Buffer
	if err := h.pages["dashboard"].ExecuteTemplate(&b, "content", page{Data: dashboardView(d)}); err != nil {
		t.Fatal(err)
	}
	got := b.String()
	for _, want := range []string{"Jan 2026", "Feb 2026", "Outcome 14: " + title, "Outcome 77",
		"7 December 2026 at 2:03pm"} {
		if !strings.Contains(got, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	if m := regexp.MustCompile(`\b2026-\d\d\b`).FindString(got); m != "" {
		t.Errorf("the dashboard shows the month %s", m)
	}
	if m := regexp.MustCompile(`>(14|77)</text>`).FindString(got); m != "" {
		t.Errorf("a chart's axis shows a bare outcome code: %s", m)
	}
}
