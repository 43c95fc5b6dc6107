package web_test

import (
	"encoding/csv"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

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
			if c, o := r[col("Outcome code (Home Office)")], r[col("Outcome")]; c != "" && !strings.HasPrefix(o, "Outcome "+c+": ") {
				t.Errorf("outcome %q beside code %q", o, c)
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
