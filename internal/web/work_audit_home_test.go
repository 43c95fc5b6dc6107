package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAuditorsHomeListsAuditWork: an auditor's My work links to the
// reviews by others waiting for their sign-off and to the sampled cases
// without a reviewer in the audits they planned, counted. (The walk of
// 2026-12-07 found the audit lead's home saying nothing of either, while
// 15 cases waited for a reviewer and 3 reviews for sign-off.) A reviewer
// who planned no audit is not told of others' cases to assign.
func TestAuditorsHomeListsAuditWork(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newDemoWorld(t, db, 40)
		_, page := w.as(t, "auditor").get("/work")
		for _, want := range []*regexp.Regexp{
			regexp.MustCompile(`href="/audits/reviews">\d+ reviews? waits? for your sign-off`),
			regexp.MustCompile(`href="/audits">\d+ sampled cases? in audits you planned (has|have) no reviewer`),
		} {
			if !want.MatchString(page) {
				t.Errorf("the audit lead's home does not match %s", want)
			}
		}
		_, page = w.as(t, "auditor (reviewer)").get("/work")
		if strings.Contains(page, "in audits you planned") {
			t.Error("a reviewer who planned no audit is told of cases to assign")
		}
	})
}
