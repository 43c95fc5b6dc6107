package web

import (
	"html/template"
	"strings"
	"testing"
)

// TestDecisionTableEachKind: the board's three decision lists share one
// "decisiontable" template; each still says what its kind needs in the
// column that differs, and a list the service cut short says so.
func TestDecisionTableEachKind(t *testing.T) {
	tm, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/team.html")
	if err != nil {
		t.Fatal(err)
	}
	board := &boardDecisions{Cut: map[string]bool{"closure_approval": true}, Limit: 200}
	row := decisionRow{Ref: "CSE/2026/000001", CasePath: "/cases/CSE-2026-000001", By: "DC Olly Other",
		FromTeam: "MIT", Outcome: "Outcome 15", Flags: []string{"1 victim with enhanced rights"}}
	for _, c := range []struct {
		kind, head string
		rows       []decisionRow
		want, not  []string
	}{
		{"transfer_accept", "Sent by", []decisionRow{row},
			[]string{`id="transfers-table"`, `data-label="Sent by">DC Olly Other, MIT</td>`}, []string{"Only the oldest"}},
		{"closure_approval", "Asked for", []decisionRow{row},
			[]string{"Only the oldest 200 are listed.", `Outcome 15<br><span class="govuk-body-s">Proposed by DC Olly Other</span>`}, nil},
		{"allocate_referral", "Risk", []decisionRow{row, {Ref: "CSE/2026/000002"}},
			[]string{`<strong class="govuk-tag govuk-tag--orange">1 victim with enhanced rights</strong>`,
				`data-label="Risk">None recorded</td>`}, []string{"Only the oldest"}},
		{"allocate_referral", "Risk", nil, []string{`(0)</h2>`, `<p class="govuk-body">None.</p>`}, []string{"<table"}},
	} {
		var b strings.Builder
		id := map[string]string{"transfer_accept": "transfers", "closure_approval": "closures", "allocate_referral": "referrals"}[c.kind]
		if err := tm.ExecuteTemplate(&b, "decisiontable", map[string]any{"ID": id, "Kind": c.kind, "Title": "T",
			"Head": c.head, "Caption": "C", "Rows": c.rows, "Board": board}); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: no %q in %s", c.kind, w, b.String())
			}
		}
		for _, w := range c.not {
			if strings.Contains(b.String(), w) {
				t.Errorf("%s: %q in %s", c.kind, w, b.String())
			}
		}
	}
}
