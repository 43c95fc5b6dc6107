package web

import (
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// TestHomeGroupsLinkReviews: My work lists the possible links of one case
// to review as one row with how many, linking the case's links page, as
// the case page does; other duties keep a row each. (An investigator's
// home was 45 rows of "Review a possible link" out of 58, 21 of them
// identical.)
func TestHomeGroupsLinkReviews(t *testing.T) {
	h, err := New(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	item := func(id, caseID, kind string, days int) service.WorkItem {
		return service.WorkItem{DutyRow: store.DutyRow{ID: id, CaseID: caseID, CaseRef: "CSE/2026/00000" + caseID,
			Kind: kind, Due: now.AddDate(0, 0, days)}, Overdue: days < 0}
	}
	var items []service.WorkItem
	for i := range 21 {
		items = append(items, item("l"+string(rune('a'+i)), "1", domain.DutyLinkRev, i-3))
	}
	items = append(items, item("r1", "1", "case_review", 2), item("r2", "1", "case_review", 3),
		item("l2", "2", domain.DutyLinkRev, 4))
	rows := groupRows(items)
	if len(rows) != 4 {
		t.Fatalf("%d rows for 21 links of one case, two reviews and a link of another: %+v", len(rows), rows)
	}
	if rows[0].N != 21 || rows[0].ID != "la" || rows[1].N != 1 || rows[2].N != 1 || rows[3].N != 1 {
		t.Errorf("the rows: %+v", rows)
	}
	var b strings.Builder
	if err := h.pages["work"].ExecuteTemplate(&b, "workrow", map[string]any{"It": rows[0].WorkItem, "Now": now,
		"Org": &domain.OrgState{}, "N": rows[0].N}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `href="/cases/CSE-2026-000001/links"`) ||
		!strings.Contains(b.String(), `data-count="21">21 duties</strong>`) || !strings.Contains(b.String(), "Overdue") {
		t.Errorf("the row of 21 links to review:\n%s", b.String())
	}
}

// TestHomeSummaryCountsReviews: the summary counts audit reviews beside
// duties, each by when it is due, and says nothing is overdue only when
// neither is.
func TestHomeSummaryCountsReviews(t *testing.T) {
	for _, tc := range []struct {
		p    homePage
		want string
	}{
		{homePage{}, "Nothing of yours is overdue."},
		{homePage{Due: dueCounts{Overdue: 17}}, "17 audit reviews are overdue."},
		{homePage{workPage: workPage{Overdue: 1, Week: 2}, Due: dueCounts{Overdue: 1, Today: 1}},
			"1 duty and 1 audit review are overdue. 1 audit review is due today. 2 duties are due this week."},
	} {
		if got := tc.p.Summary(); got != tc.want {
			t.Errorf("summary %q, want %q", got, tc.want)
		}
	}
}
