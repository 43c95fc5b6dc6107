package web

import (
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// TestDutiesThatReadAlikeAreOneRow: 38 possible links to review, owed by
// one officer on one day, are one row of the overview saying 38; a duty
// that differs in what, whom or when stays a row of its own.
func TestDutiesThatReadAlikeAreOneRow(t *testing.T) {
	due := time.Date(2025, 1, 7, 9, 0, 0, 0, time.UTC)
	row := func(id, label, who string, due time.Time, overdue bool) dutyRow {
		return dutyRow{Duty: domain.Duty{ID: id, Accountable: who, Due: due}, Label: label, Overdue: overdue}
	}
	v := &caseView{}
	for i := range 38 {
		v.Duties = append(v.Duties, row(string(rune('a'+i)), "Review a possible link to another case", "u1",
			due.Add(time.Duration(i)*time.Minute), true))
	}
	v.Duties = append(v.Duties,
		row("x", "Review a possible link to another case", "u2", due, true),
		row("y", "Review a possible link to another case", "u1", due.AddDate(0, 0, 1), true),
		row("z", "Update the victim", "u1", due, true))
	got := v.DutyGroups()
	if len(got) != 4 || got[0].N != 38 || got[0].ID != "a" || got[1].N != 1 || got[2].N != 1 || got[3].N != 1 {
		t.Fatalf("groups: %+v", got)
	}
}

// TestVRRLateReasonWithoutADecisionDate: a closure that does not record
// when the victim was told (imported) asks why a request is accepted in
// words that are true, not "The window closed on not recorded".
func TestVRRLateReasonWithoutADecisionDate(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		until time.Time
		want  string
	}{
		{time.Time{}, "The date the victim was told of the decision is not recorded"},
		{now.AddDate(0, 0, -3), "The window closed on 3 December 2026"},
		{now.AddDate(0, 0, 3), ""},
	} {
		v := &caseView{Case: &domain.Case{Closure: &domain.Closure{VRRUntil: tc.until}}, Now: now}
		var hint string
		for _, f := range caseForms(nil)["request-vrr"].fields(v, "") {
			if f.Name == "late_reason" {
				hint = f.Hint
			}
		}
		if !strings.HasPrefix(hint, tc.want) || (tc.want == "") != (hint == "") {
			t.Errorf("window until %v: late reason hint %q, want %q", tc.until, hint, tc.want)
		}
	}
}

// TestFindingDutyLinksTheFinding: answering an audit finding is done on
// the finding's own page, not by hunting for it in the list.
func TestFindingDutyLinksTheFinding(t *testing.T) {
	if got := journeyPath("finding_response", "CSE/2026/000004", "f1"); got != "/audits/findings/CSE-2026-000004/f1" {
		t.Errorf("the finding duty links %s", got)
	}
	if got := journeyPath("closure_approval", "CSE/2026/000004", ""); got != "/cases/CSE-2026-000004/do/approve-closure?from=work" {
		t.Errorf("the closure approval links %s", got)
	}
}

// TestLinkReviewDutyLinksTheLinksPage: a possible link to review is done
// on the case's links page, so My work's row links there; a duty done on
// the overview keeps no link of its own.
func TestLinkReviewDutyLinksTheLinksPage(t *testing.T) {
	h, err := New(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	for kind, want := range map[string]string{domain.DutyLinkRev: `href="/cases/CSE-2026-000004/links"`,
		"case_review": ""} {
		var b strings.Builder
		it := service.WorkItem{DutyRow: store.DutyRow{Kind: kind, CaseRef: "CSE/2026/000004", Due: now}}
		if err := h.pages["work"].ExecuteTemplate(&b, "workrow", map[string]any{"It": it, "Now": now,
			"Org": &domain.OrgState{}}); err != nil {
			t.Fatal(err)
		}
		if want != "" && !strings.Contains(b.String(), want) {
			t.Errorf("the %s row does not link %s:\n%s", kind, want, b.String())
		}
		if want == "" && strings.Count(b.String(), "href=") != strings.Count(b.String(), "hf-why")+1 {
			t.Errorf("the %s row links a page of its own:\n%s", kind, b.String())
		}
	}
}

// TestOwedWordOfEachDecisionOnce: a decision owed twice (a suspect
// released without charge, then again) is one thing to tell the victim;
// each decision shows the date it was made, and a notice kept before those
// dates were (no Each) shows its one date for all.
func TestOwedWordOfEachDecisionOnce(t *testing.T) {
	h, err := New(nil, false)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 9, 18, 10, 0, 0, 0, time.UTC)
	later := time.Date(2026, 10, 2, 10, 0, 0, 0, time.UTC)
	owed := func(d string, t time.Time) domain.Owed { return domain.Owed{Decision: d, At: t} }
	for _, tc := range []struct {
		n    domain.Notice
		want string
	}{
		{domain.Notice{Decision: "suspect released without charge; suspect released without charge", At: at,
			Each: []domain.Owed{owed("suspect released without charge", at), owed("suspect released without charge", later)}},
			"suspect released without charge (18 September 2026)"},
		{domain.Notice{Decision: "suspect charged; suspect released without charge; suspect charged", At: at,
			Each: []domain.Owed{owed("suspect charged", at), owed("suspect released without charge", later),
				owed("suspect charged", later)}},
			"<li>suspect charged (18 September 2026)</li><li>suspect released without charge (2 October 2026)</li></ul>"},
		{domain.Notice{Decision: "suspect charged; suspect released without charge", At: at},
			"<li>suspect charged (18 September 2026)</li><li>suspect released without charge (18 September 2026)</li></ul>"},
	} {
		var b strings.Builder
		if err := h.pages["case"].ExecuteTemplate(&b, "noticedue", &tc.n); err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(b.String(), tc.want) || strings.Count(b.String(), "suspect charged") > 1 {
			t.Errorf("owed word of %q reads %q, want %q", tc.n.Decision, b.String(), tc.want)
		}
	}
}
