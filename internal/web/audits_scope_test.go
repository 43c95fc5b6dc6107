package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAuditsSayWhyTheCountsDiffer: the walk of 2026-12-07 found the
// triage saying 217 cases meet the Beaconport criteria above an audit
// built from them saying 194 are in scope. The audit counts only the
// closures of its period (2012-2022) as they were when it was planned;
// the triage counts every closure today, leaving out those reviewed
// since. The audits page now says each.
func TestAuditsSayWhyTheCountsDiffer(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newDemoWorld(t, db, 40)
		lead := w.as(t, "auditor")
		status, body := lead.get("/audits?preset=beaconport")
		if status != 200 {
			t.Fatalf("/audits: %d", status)
		}
		row := regexp.MustCompile(`(?s)<td class="govuk-table__cell" data-population="[^"]+">(.*?)</td>`).FindStringSubmatch(body)
		if row == nil || !strings.Contains(row[1],
			"Closed from 1 January 2012 to 31 December 2022, counted when it was planned") {
			t.Fatalf("the national review's population does not say its period:\n%v", row)
		}
		scope := regexp.MustCompile(`(?s)<p class="govuk-body" id="triage-scope">(.*?)</p>`).FindStringSubmatch(body)
		if scope == nil || !strings.Contains(scope[1], "closed at any time, as they are today") ||
			!strings.Contains(scope[1], "only the cases closed in its period, as they were when it was planned") {
			t.Fatalf("the triage does not say why its count differs from the audit's:\n%v", scope)
		}
		// The demo's review has reviewed cases: the triage says how many
		// it leaves out for that.
		if !regexp.MustCompile(`leaving out \d+ cases? already independently reviewed`).MatchString(scope[1]) {
			t.Errorf("the triage does not count the cases it leaves out as reviewed: %q", scope[1])
		}
	})
}
