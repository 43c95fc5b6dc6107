package web_test

import (
	"encoding/csv"
	"html"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var (
	exportLinkRE = regexp.MustCompile(`href="([^"]+export\.csv)"`)
	csvNameRE    = regexp.MustCompile(`filename="(audit-[a-z0-9-]+-\d{1,2}-[A-Z][a-z]+-\d{4}\.csv)"`)
)

// TestAuditCSVInWords: the audit report's spreadsheet, downloaded from its
// page, names reviewers and sign-offs by rank and name (never a username),
// findings, answers and states by their labels, the outcome by its title
// beside a labelled code column, dates in words; its file is named after
// the audit and the day, with no identifier; and a cell a spreadsheet
// would run as a formula is defused.
func TestAuditCSVInWords(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newDemoWorld(t, db, 40)
		lead := w.as(t, "auditor")
		download := func(auditPath string) (string, [][]string) {
			t.Helper()
			_, page := lead.get(auditPath)
			m := exportLinkRE.FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("%s offers no CSV", auditPath)
			}
			res, err := lead.http.Get(lead.base + m[1])
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			rows, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
			if res.StatusCode != 200 || err != nil || len(rows) < 2 {
				t.Fatalf("export: %d %v", res.StatusCode, err)
			}
			return res.Header.Get("Content-Disposition"), rows
		}
		disp, rows := download("/audits/" + w.res.Review.AuditID)
		if !csvNameRE.MatchString(disp) || strings.Contains(disp, w.res.Review.AuditID) {
			t.Errorf("the file is named %q, want the audit's name and the day in words", disp)
		}
		if !slices.Equal(rows[0], service.AuditCSVHeader) {
			t.Fatalf("header %q", rows[0])
		}
		col := func(name string) int { return slices.Index(service.AuditCSVHeader, name) }
		usernames := map[string]bool{}
		for _, u := range w.accounts {
			usernames[u] = true
		}
		iso := regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)
		var reviewed, found int
		for _, r := range rows[1:] {
			for i, cell := range r {
				if usernames[cell] || iso.MatchString(cell) || strings.Contains(cell, "_") {
					t.Errorf("column %q holds a code, username or ISO date: %q", rows[0][i], cell)
				}
			}
			if rv := r[col("Reviewer")]; rv != "" {
				reviewed++
				if !strings.Contains(rv, " ") {
					t.Errorf("reviewer %q is not a rank and name", rv)
				}
			}
			if f := r[col("Findings")]; f != "" {
				found++
				if !regexp.MustCompile(`^[A-Z][^:]+ \((low|medium|high) severity\): [a-z]`).MatchString(f) {
					t.Errorf("findings read %q, want their labels", f)
				}
			}
			if c, o := r[col("Outcome code (Home Office)")], r[col("Outcome")]; c != "" && o != policy.Default().OutcomeLabel(c) {
				t.Errorf("outcome %q beside code %q, want the title the pages give it: %q", o, c, policy.Default().OutcomeLabel(c))
			}
		}
		if reviewed == 0 || found == 0 {
			t.Fatalf("the demo's review has %d reviewed cases, %d with findings: nothing was checked", reviewed, found)
		}

		// An audit named like a formula: the cell starts with an apostrophe.
		_, page := lead.get("/audits/new")
		status, page := lead.post("/audits", url.Values{"csrf": {lead.csrf(page)}, "name": {"=HYPERLINK(\"x\")"},
			"preset": {"routine"}, "margin": {"0.1"}, "seed": {"7"}})
		m := regexp.MustCompile(`href="(/audits/[^"/]+)/cases/`).FindStringSubmatch(page)
		if status != 200 || m == nil {
			t.Fatalf("plan an audit: %d", status)
		}
		_, rows = download(m[1])
		if got := rows[1][col("Audit")]; got != `'=HYPERLINK("x")` {
			t.Errorf("an audit named as a formula exports as %q", got)
		}
	})
}

var optionRE = regexp.MustCompile(`<option value="([^"]*)"[^>]*>([^<]*)</option>`)

// TestOutcomeTitlesAreOneList: the audit CSV named outcome 16 "Evidential
// difficulties: named suspect identified; victim does not support action"
// from a list of its own, while the pages and the closure form used the
// policy's. Every outcome is now named from the policy alone: the closure
// form offers each exactly as the pages and the CSV name it (the CSV is
// checked against the same label in TestAuditCSVInWords). The titles are
// the Home Office's own, hyphens and all (policy_test.go): the form joined
// code and title with an en dash beside them, and no label has one now.
func TestOutcomeTitlesAreOneList(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f, base := start(t, db)
	c := f.Allocated(t)
	ivy := newClient(t, base, "ivy")
	status, page := ivy.get("/cases/" + request.PathRef(c.Ref) + "/close")
	if status != 200 {
		t.Fatalf("the closure form: %d", status)
	}
	offered := map[string]string{}
	for _, m := range optionRE.FindAllStringSubmatch(page, -1) {
		offered[m[1]] = html.UnescapeString(m[2])
	}
	pol := f.Svc.Policy()
	for _, o := range pol.Outcomes {
		want := pol.OutcomeLabel(o.Code)
		if want != "Outcome "+o.Code+": "+o.Title {
			t.Errorf("outcome %s is labelled %q", o.Code, want)
		}
		// The form offers only the outcomes that can apply to the case
		// (TestCloseOffersOnlyOutcomesThatFit); each of those by its label.
		if got, ok := offered[o.Code]; (ok || gate.OutcomeFits(c, &o)) && got != want {
			t.Errorf("the closure form offers outcome %s as %q, the pages and CSV name it %q", o.Code, got, want)
		}
		if strings.Contains(want, "–") {
			t.Errorf("outcome %s's label %q mixes an en dash with the titles' hyphens", o.Code, want)
		}
	}
}
