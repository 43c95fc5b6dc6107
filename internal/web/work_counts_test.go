package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var workSummaryRE = regexp.MustCompile(`(?s)<p class="govuk-body-l" id="work-summary">(.*?)</p>`)

// TestHomeCountsDecisionsByTheirDue: a decision due in days is not "due
// today" on My work's summary: it is counted by its due time like any
// duty. (A DCI's home said "3 duties are due today" of decisions due in
// 8, 17 and 37 days.)
func TestHomeCountsDecisionsByTheirDue(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		proposedWithVictim(t, f, "Child D")
		items, err := f.Svc.MyWork(ctx, f.Inspector)
		if err != nil {
			t.Fatal(err)
		}
		if len(items) != 1 {
			t.Fatalf("the inspector owes %d duties, want the one decision", len(items))
		}
		// The summary is read on the day after the decision's due day's
		// eve at the latest: two days before it is due, it is not today's.
		l := items[0].Due.In(clock.London)
		eve := time.Date(l.Year(), l.Month(), l.Day(), 12, 0, 0, 0, clock.London).AddDate(0, 0, -2)
		if eve.Before(f.Clock.Now()) {
			t.Fatalf("the closure approval is due %v, too soon for the test", items[0].Due)
		}
		f.Clock.Set(eve)
		_, work := newClient(t, base, "ines").get("/work")
		m := workSummaryRE.FindStringSubmatch(work)
		if m == nil || strings.Contains(m[1], "due today") || !strings.Contains(m[1], "1 duty is due this week") {
			t.Errorf("the summary of a decision due in two days: %v", m)
		}
		f.Clock.Set(eve.AddDate(0, 0, 2))
		_, work = newClient(t, base, "ines").get("/work")
		if m := workSummaryRE.FindStringSubmatch(work); m == nil || !strings.Contains(m[1], "1 duty is due today") {
			t.Errorf("the summary of a decision due today: %v", m)
		}
	})
}

// TestHomeListsAuditReviews: an auditor's My work counts and lists the
// audit reviews assigned to them by due date, as it does duties, each
// linked to its review. (An auditor with 17 overdue reviews was told
// "Nothing of yours is overdue. Nothing is due from you".)
func TestHomeListsAuditReviews(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := closedOwingVictim(t, f, "Child E")
		from := f.Clock.Now().AddDate(0, 0, -1).Format("2006-01-02")
		to := f.Clock.Now().AddDate(0, 0, 1).Format("2006-01-02")
		au, err := f.Svc.CreateAudit(ctx, f.Auditor, service.NewAudit{Name: "Routine", ClosedFrom: from,
			ClosedTo: to, Margin: 0.05, Seed: "home-reviews"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.AssignReview(ctx, f.Auditor, service.AssignReview{Audit: au.ID, Case: c.ID,
			Reviewer: f.Auditor.ID()}); err != nil {
			t.Fatal(err)
		}
		review := `href="/audits/` + au.ID + `/cases/` + request.PathRef(c.Ref) + `/review"`

		_, work := newClient(t, base, "aud").get("/work")
		if !strings.Contains(work, review) {
			t.Error("the auditor's home does not link the review assigned to them")
		}
		f.Clock.Advance(60 * 24 * time.Hour)
		_, work = newClient(t, base, "aud").get("/work")
		m := workSummaryRE.FindStringSubmatch(work)
		if m == nil || !strings.Contains(m[1], "1 audit review is overdue") || strings.Contains(m[1], "Nothing") {
			t.Errorf("the summary of an overdue review: %v", m)
		}
		rows := regexp.MustCompile(`(?s)<table class="govuk-table[^"]*" id="reviews">.*?</table>`).FindString(work)
		if !strings.Contains(rows, review) || !strings.Contains(rows, "Overdue") || !strings.Contains(rows, "Routine") {
			t.Errorf("the auditor's reviews on their home:\n%s", rows)
		}
		if strings.Contains(work, "Nothing is due from you") {
			t.Error("the home says nothing is due from an auditor owing a review")
		}
	})
}
