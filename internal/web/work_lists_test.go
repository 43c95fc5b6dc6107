package web_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// closedOwingVictim closes a TeamA case with one victim (named name): once
// closed, the victim is owed word of the decision, a duty on a closed case.
func closedOwingVictim(t *testing.T, f *fixture.Force, name string) *domain.Case {
	t.Helper()
	c := proposedWithVictim(t, f, name)
	return mustCase(t)(f.Svc.ApproveClosure(context.Background(), f.Inspector, c.ID,
		service.ApproveClosure{Version: c.Version}))
}

// proposedWithVictim is a TeamA case with a child victim whose closure
// (outcome 15, sensitive: an inspector approves) is proposed.
func proposedWithVictim(t *testing.T, f *fixture.Force, name string) *domain.Case {
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
	return ok(s.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
		Outcome: "15", Rationale: domain.Rationale{LinesConsidered: "Every line raised was considered and filed",
			WhyNoneRemain: "No other line of enquiry remains to follow", SuspectsStatus: "No suspect was identified",
			VictimView: "The victim does not support a prosecution"}}))
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
		esc := regexp.MustCompile(`(?s)<table class="govuk-table[^"]*" id="escalations">.*?</table>`).FindString(work)
		if esc == "" {
			t.Fatal("the supervisor's home has no escalations")
		}
		// The summary speaks of the supervisor's own duties and points at
		// the escalations beside them: not "Nothing is overdue" above a
		// table of overdue duties (the walk of 2026-12-06).
		summary := regexp.MustCompile(`(?s)<p class="govuk-body-l" id="work-summary">.*?</p>`).FindString(work)
		if strings.Contains(summary, "Nothing is overdue") || !strings.Contains(summary, `href="#escalations-heading"`) {
			t.Errorf("the home's summary above escalations: %s", summary)
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

// decisionLinkRE takes the first decision's journey; the link carries
// from=work so the form returns to My work (a80b630).
var decisionLinkRE = regexp.MustCompile(`(?s)<table class="govuk-table[^"]*" id="decisions">.*?href="(/cases/[^"?]+/do/[a-z-]+)\?from=work"`)

// TestDecisionsAwaitTheirMaker: a decision waiting for a person — a
// sensitive closure for the detective inspector, a transfer for the
// receiving team's supervisor — is on their My work as something to do
// today, linked to the page where it is made, until it is made.
func TestDecisionsAwaitTheirMaker(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := proposedWithVictim(t, f, "Child C")
		moving := f.Allocated(t)
		moving = must(f.Svc.ProposeTransfer(ctx, f.Investigator, moving.ID, service.ProposeTransfer{
			Version: moving.Version, ToTeam: f.TeamC, Reason: "Linked to an MIT operation"}))

		for _, x := range []struct {
			who, ref, journey string
		}{{"ines", c.Ref, "approve-closure"}, {"olly", moving.Ref, "accept-transfer"}} {
			cl := newClient(t, base, x.who)
			_, work := cl.get("/work")
			m := decisionLinkRE.FindStringSubmatch(work)
			want := "/cases/" + request.PathRef(x.ref) + "/do/" + x.journey
			if m == nil || m[1] != want {
				t.Errorf("%s's My work does not link the decision to %s: %v", x.who, want, m)
				continue
			}
			// The heading does not claim every decision is for today: each
			// row says when it is due (and the summary counts it so).
			decisions := regexp.MustCompile(`(?s)<table class="govuk-table[^"]*" id="decisions">.*?</table>`).FindString(work)
			if !strings.Contains(work, "Decisions awaiting you</caption>") || strings.Contains(work, "to do today") ||
				!strings.Contains(decisions, "due in ") {
				t.Errorf("%s's My work does not head the decisions plainly with each one's due date", x.who)
			}
			if status, page := cl.get(m[1]); status != 200 || !strings.Contains(page, `action="`+want+`"`) {
				t.Errorf("%s: the decision's page %s answers %d or has no form", x.who, want, status)
			}
		}

		// Once made, the decision leaves My work.
		must(f.Svc.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}))
		if _, work := newClient(t, base, "ines").get("/work"); strings.Contains(work, request.PathRef(c.Ref)+"/do/") {
			t.Error("the approved closure is still on the inspector's My work")
		}
	})
}

var (
	boardRowRE = regexp.MustCompile(`<td class="govuk-table__cell hf-nowrap"><a class="govuk-link" href="/cases/([^"]+)">`)
	alertRowRE = regexp.MustCompile(`<tr class="govuk-table__row" data-seq="(\d+)"`)
	pageLinkRE = func(rel string) *regexp.Regexp {
		return regexp.MustCompile(`href="([^"]+)" rel="` + rel + `"`)
	}
)

// pageLink is the pagination component's link rel ("prev" or "next"), "" if none.
func pageLink(body, rel string) string {
	if m := pageLinkRE(rel).FindStringSubmatch(body); m != nil {
		return html.UnescapeString(m[1])
	}
	return ""
}

// TestInboxAndTeamBoardPage: the inbox and the team board come a page at a
// time with the GOV.UK pagination component; Next and Previous carry a
// cursor that comes back to the same pages, the pages do not overlap and
// together hold everything; a damaged cursor is refused plainly with the
// first page, and a cursor is never spliced into the store's query. (The
// inbox listed every alert; the board read up to 5,000 duties.)
func TestInboxAndTeamBoardPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		for range service.BoardPageSize + 5 {
			f.Referral(t)
		}
		f.Clock.Advance(10 * 24 * time.Hour)
		sweepNow(t, f)
		open, _, err := f.Svc.TeamBoardCounts(ctx, f.Supervisor)
		if err != nil {
			t.Fatal(err)
		}
		sam := newClient(t, base, "sam")

		rowsOf := func(re *regexp.Regexp, body string) []string {
			var out []string
			for _, m := range re.FindAllStringSubmatch(body, -1) {
				out = append(out, m[1])
			}
			return out
		}
		for _, list := range []struct {
			path  string
			row   *regexp.Regexp
			size  int
			total int
		}{{"/team", boardRowRE, service.BoardPageSize, open}, {"/inbox", alertRowRE, service.InboxPageSize, -1}} {
			_, first := sam.get(list.path)
			if !strings.Contains(first, `class="govuk-pagination`) {
				t.Fatalf("%s is not paginated", list.path)
			}
			page1 := rowsOf(list.row, first)
			if len(page1) != list.size || pageLink(first, "prev") != "" {
				t.Fatalf("%s's first page lists %d, want %d, with no previous page", list.path, len(page1), list.size)
			}
			seen := map[string]bool{}
			for _, r := range page1 {
				seen[r+"#1"] = true
			}
			all := len(page1)
			next, body := pageLink(first, "next"), first
			pages := 1
			for next != "" {
				if !strings.HasPrefix(next, list.path+"?") {
					t.Fatalf("%s's next page is %s", list.path, next)
				}
				var status int
				status, body = sam.get(next)
				if status != 200 {
					t.Fatalf("%s: %d", next, status)
				}
				rows := rowsOf(list.row, body)
				if len(rows) == 0 || len(rows) > list.size {
					t.Fatalf("%s lists %d", next, len(rows))
				}
				if list.path == "/inbox" {
					for _, r := range rows {
						if seen[r+"#1"] {
							t.Errorf("%s repeats alert %s of the first page", next, r)
						}
					}
				}
				all += len(rows)
				pages++
				next = pageLink(body, "next")
				if pages > 10 {
					t.Fatal("the pages never end")
				}
			}
			if pages < 2 {
				t.Fatalf("%s has one page", list.path)
			}
			if list.total >= 0 && all != list.total {
				t.Errorf("%s's pages hold %d duties, the board counts %d open", list.path, all, list.total)
			}
			// Back from the second page is the first page again.
			_, second := sam.get(pageLink(first, "next"))
			_, back := sam.get(pageLink(second, "prev"))
			if got := rowsOf(list.row, back); strings.Join(got, " ") != strings.Join(page1, " ") {
				t.Errorf("%s: Previous from the second page is not the first page", list.path)
			}
			for _, bad := range []string{"?after=garbage", "?before=-1", "?after=2026-03-09T23:59:59Z~x'%20OR%20'1'='1"} {
				status, body := sam.get(list.path + bad)
				switch {
				case strings.Contains(bad, "OR"):
					// A well-formed cursor whatever its id: bound, not spliced.
					if list.path == "/team" && status != 200 {
						t.Errorf("%s%s: %d", list.path, bad, status)
					}
				case status != 400 || !strings.Contains(body, "is damaged") ||
					len(rowsOf(list.row, body)) != list.size:
					t.Errorf("%s%s: %d, want the first page with a plain refusal", list.path, bad, status)
				}
			}
		}
	})
}
