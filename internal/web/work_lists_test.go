package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// closedOwingVictim closes a TeamA case with one victim (named name): once
// closed, the victim is owed word of the decision, a duty on a closed case.
func closedOwingVictim(t *testing.T, f *fixture.Force, name string) *domain.Case {
	t.Helper()
	ctx, s, ok := context.Background(), f.Svc, mustCase(t)
	c := f.Allocated(t)
	c = ok(s.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: name,
		DateOfBirth: "2011-01-01"}))
	v := c.Victims[0].ID
	c = ok(s.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v,
		Kind: domain.ContactAccount, Method: "visit"}))
	c = ok(s.RecordVictimView(ctx, f.Liaison, c.ID, service.RecordVictimView{Version: c.Version, Victim: v,
		View: "Does not want to go to court"}))
	c = ok(s.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
		Summary: "Reviewed: nothing more can be done"}))
	c = ok(s.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
		Outcome: "15", Rationale: domain.Rationale{LinesConsidered: "Every line raised was considered and filed",
			WhyNoneRemain: "No other line of enquiry remains to follow", SuspectsStatus: "No suspect was identified",
			VictimView: "The victim does not support a prosecution"}}))
	return ok(s.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}))
}

var victimRowRE = regexp.MustCompile(`(?s)<tr class="govuk-table__row" data-victim="[^"]+">(.*?)</tr>`)

// TestVictimListPutsOpenCasesFirst: the victim liaison list leads with the
// victims of open cases, the longest overdue first, even when a closed
// case's victim has waited longer; a closed case is listed only while
// something is still owed to its victim, and the row says the case is
// closed. (It led with closed historic cases.)
func TestVictimListPutsOpenCasesFirst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		closed := closedOwingVictim(t, f, "Closed Child")
		f.Clock.Advance(30 * 24 * time.Hour)
		older := f.Allocated(t)
		must(f.Svc.AddVictim(ctx, f.Investigator, older.ID, service.NewVictim{Version: older.Version,
			Name: "Open Child One", DateOfBirth: "2012-01-01"}))
		f.Clock.Advance(2 * 24 * time.Hour)
		newer := f.Allocated(t)
		must(f.Svc.AddVictim(ctx, f.Investigator, newer.ID, service.NewVictim{Version: newer.Version,
			Name: "Open Child Two", DateOfBirth: "2012-01-01"}))
		f.Clock.Advance(5 * 24 * time.Hour)

		lia := newClient(t, base, "lia")
		status, body := lia.get("/work")
		if status != 200 {
			t.Fatalf("/work: %d", status)
		}
		rows := victimRowRE.FindAllStringSubmatch(body, -1)
		var order []string
		closedAt := -1
		for i, r := range rows {
			for _, name := range []string{"Closed Child", "Open Child One", "Open Child Two"} {
				if strings.Contains(r[1], "<strong>"+name+"</strong>") {
					order = append(order, name)
				}
			}
			if strings.Contains(r[1], closed.Ref) {
				closedAt = i
				if !strings.Contains(r[1], "Case closed") || !strings.Contains(r[1], "still owed to Closed Child") {
					t.Errorf("the closed case's row does not say the case is closed and what is owed: %s", r[1])
				}
			} else if strings.Contains(r[1], "Case closed") {
				t.Errorf("an open case's row says the case is closed: %s", r[1])
			}
		}
		if closedAt < 0 {
			t.Fatalf("the closed case's victim, still owed word of the decision, is not listed: %v", order)
		}
		for i, r := range rows {
			if i > closedAt && !strings.Contains(r[1], closed.Ref) {
				t.Errorf("a victim of an open case is listed after the closed case's: %v", order)
				break
			}
		}
		// Among the open cases, the longest overdue first.
		one, two := strings.Index(body, "<strong>Open Child One</strong>"), strings.Index(body, "<strong>Open Child Two</strong>")
		if one < 0 || two < 0 || one > two {
			t.Errorf("the open cases' victims are not the longest overdue first: %v", order)
		}
		if !strings.Contains(body, "1 victim of a closed case is listed after them") {
			t.Error("the summary does not say why a closed case's victim is listed")
		}
	})
}

// TestEscalationsNameTheVictim: escalated duties of one kind to two victims
// of one case read apart wherever escalations are listed — the
// supervisor's escalations and team board, and the inbox — each naming
// its victim and the duty in words. (The rows looked identical.)
func TestEscalationsNameTheVictim(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		for _, name := range []string{"Amy Victim", "Beth Victim"} {
			c = must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: name,
				DateOfBirth: "2012-01-01"}))
		}
		for range 4 {
			f.Clock.Advance(10 * 24 * time.Hour)
			sweepNow(t, f)
		}
		sam := newClient(t, base, "sam")
		_, work := sam.get("/work")
		esc := regexp.MustCompile(`(?s)<table class="govuk-table" id="escalations">.*?</table>`).FindString(work)
		if esc == "" {
			t.Fatal("the supervisor's home has no escalations")
		}
		_, board := sam.get("/team")
		for _, name := range []string{"Amy Victim", "Beth Victim"} {
			for page, html := range map[string]string{"escalations": esc, "team board": board} {
				if !strings.Contains(html, "Victim: <strong>"+name+"</strong>") {
					t.Errorf("the %s: no duty names %s", page, name)
				}
			}
		}
		if !strings.Contains(esc, domain.DutyKindLabel("first_victim_contact")) {
			t.Error("the escalations do not say the duty in words")
		}
		for who, cl := range map[string]*client{"ivy": newClient(t, base, "ivy"), "sam": sam} {
			_, inbox := cl.get("/inbox")
			for _, name := range []string{"Amy Victim", "Beth Victim"} {
				if !strings.Contains(inbox, "for <strong>"+name+"</strong>") {
					t.Errorf("%s's inbox does not name %s on an escalation", who, name)
				}
			}
		}
	})
}
