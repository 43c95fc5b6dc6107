package web_test

import (
	"context"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// boardTable is one of the team board's decision tables, by id.
func boardTable(page, id string) string {
	return regexp.MustCompile(`(?s)<table class="govuk-table[^"]*" id="` + id + `">.*?</table>`).FindString(page)
}

// decisionsWaiting are, on sam's board, a transfer MIT offered five days
// ago, a closure proposed four days ago, and two referrals, four and three
// days old, both past their allocation deadline, the older with a child
// victim.
func decisionsWaiting(t *testing.T, f *fixture.Force) (moving, older, closing, newer *domain.Case) {
	t.Helper()
	ctx, s, ok := context.Background(), f.Svc, mustCase(t)
	// Offered by MIT to the sergeant's team.
	moving = ok(s.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC,
		Summary: "Op Lantern: a girl of 15 seen with two men at a takeaway", OffenceTypes: []string{"child_sexual_exploitation"},
		Source: "MASH"}))
	moving = ok(s.AssignOwner(ctx, f.OtherTeam, moving.ID, service.AssignOwner{Version: moving.Version,
		OwnerID: f.OtherTeam.ID(), Reason: "allocation"}))
	moving = ok(s.ProposeTransfer(ctx, f.OtherTeam, moving.ID, service.ProposeTransfer{Version: moving.Version,
		ToTeam: f.TeamA, Reason: "The girl lives in the north"}))
	f.Clock.Advance(24 * time.Hour)
	older = f.Referral(t)
	older = ok(s.AddVictim(ctx, f.Investigator, older.ID, service.NewVictim{Version: older.Version,
		Name: "Child R", DateOfBirth: "2012-05-01"}))
	closing = proposedWithVictim(t, f, "Child C")
	f.Clock.Advance(24 * time.Hour)
	newer = f.Referral(t)
	f.Clock.Advance(3 * 24 * time.Hour)
	sweepNow(t, f)
	return moving, older, closing, newer
}

// TestTeamBoardDecisionsSayWhoAndHowLong (the walk of 7 December 2026):
// the team board's transfers, closures and referrals were bare case
// references. Each row now says what a sergeant needs to choose which to
// take first — the case's summary, who sent or asked (by rank and name),
// from which team, the outcome asked for in words, when it arrived and how
// long it has waited against its deadline, a referral's risk in words, and
// whose decision it is — oldest first, linked to the page where the
// decision is made, with no user id or username anywhere on the page.
func TestTeamBoardDecisionsSayWhoAndHowLong(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		moving, older, closing, newer := decisionsWaiting(t, f)

		sam := newClient(t, base, "sam")
		status, board := sam.get("/team")
		if status != 200 {
			t.Fatalf("the team board answers %d", status)
		}
		transfers, closures, referrals := boardTable(board, "transfers-table"), boardTable(board, "closures-table"),
			boardTable(board, "referrals-table")

		link := func(c *domain.Case, journey string) string {
			return `href="/cases/` + request.PathRef(c.Ref) + `/do/` + journey + `"`
		}
		for _, want := range []string{link(moving, "accept-transfer"), link(moving, "reject-transfer"), "Op Lantern: a girl of 15",
			"DC Olly Other, MIT", "5 days, since", "DS Sam Supervisor"} {
			if !strings.Contains(transfers, want) {
				t.Errorf("the transfer's row does not say %q: %s", want, transfers)
			}
		}
		// Only what the service lets the sergeant do: this closure is the
		// inspector's to approve (DI Ines Inspector decides), the sergeant
		// may send it back. He was offered "Approve or send back", and the
		// approval page refused him (the re-walk of 7 December 2026).
		if strings.Contains(closures, link(closing, "approve-closure")) || !strings.Contains(closures, "DI Ines Inspector") {
			t.Errorf("the sergeant is offered an approval only the inspector may give: %s", closures)
		}
		for _, want := range []string{link(closing, "reject-closure"), f.Svc.Policy().OutcomeLabel("15") + `<br><span class="govuk-body-s">Proposed by DC Ivy Investigator</span>`,
			"4 days, since"} {
			if !strings.Contains(closures, want) {
				t.Errorf("the closure's row does not say %q: %s", want, closures)
			}
		}
		for _, want := range []string{link(older, "assign-owner"), link(newer, "assign-owner"),
			"1 victim with enhanced rights", "4 days, since", "3 days, since", "govuk-tag--red\">Overdue",
			"days overdue (due", "DS Sam Supervisor"} {
			if !strings.Contains(referrals, want) {
				t.Errorf("the referrals do not say %q: %s", want, referrals)
			}
		}
		if i, j := strings.Index(referrals, link(older, "assign-owner")), strings.Index(referrals, link(newer, "assign-owner")); i > j {
			t.Error("the referrals are not the oldest first")
		}

		// Nobody by id or username: only names and ranks.
		for _, a := range f.Actors() {
			if a == nil {
				continue
			}
			if strings.Contains(board, a.ID()) {
				t.Errorf("the board shows the user id of %s", a.User.Name)
			}
			for _, table := range []string{transfers, closures, referrals} {
				if regexp.MustCompile(`\b` + regexp.QuoteMeta(a.User.Username) + `\b`).MatchString(table) {
					t.Errorf("a decision row shows the username %q", a.User.Username)
				}
			}
		}
	})
}

// TestAcceptTransferShowsReceivingCaseloads: accepting a transfer names an
// officer of the receiving team, and the page shows what each of them holds
// now — open cases, overdue duties and duties due this week — so the
// sergeant can balance the work; the sending team's officers are not
// offered. (The list was names alone.)
func TestAcceptTransferShowsReceivingCaseloads(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		s, ok := f.Svc, mustCase(t)
		f.Allocated(t) // DC Ivy Investigator holds one case
		moving := ok(s.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC,
			Summary: "Op Lantern", OffenceTypes: []string{"child_sexual_exploitation"}, Source: "MASH"}))
		moving = ok(s.ProposeTransfer(ctx, f.OtherTeam, moving.ID, service.ProposeTransfer{Version: moving.Version,
			ToTeam: f.TeamA, Reason: "The girl lives in the north"}))

		_, page := newClient(t, base, "sam").get("/cases/" + request.PathRef(moving.Ref) + "/do/accept-transfer")
		table := regexp.MustCompile(`(?s)<table class="govuk-table" id="caseloads">.*?</table>`).FindString(page)
		if !strings.Contains(table, "What each officer of CSE Team North holds now") ||
			!strings.Contains(table, ">Due within 7 days<") ||
			!regexp.MustCompile(`<td class="govuk-table__cell">DC Ivy Investigator</td><td[^>]*>1</td><td[^>]*>0</td>`).MatchString(table) ||
			// The sergeant owes the review of Ivy's case within the week.
			!regexp.MustCompile(`<td class="govuk-table__cell">DS Sam Supervisor</td><td[^>]*>0</td><td[^>]*>0</td><td[^>]*>[1-9]\d*</td>`).MatchString(table) ||
			strings.Contains(table, "DC Olly Other") {
			t.Errorf("the accept-transfer page does not show the receiving team's caseloads: %s", table)
		}
		if !strings.Contains(page, ">DC Ivy Investigator (1 open case, 0 overdue duties)</option>") {
			t.Errorf("the officer chooser does not say what each officer holds: %s", page)
		}
	})
}

// TestTeamBoardDecisionsInTheBrowser: the board's decision tables read at
// 1280 px and, each row stacked, at 375 px without scrolling sideways, and
// are axe-clean; so is the accept-transfer page with its caseloads.
func TestTeamBoardDecisionsInTheBrowser(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	moving, _, _, _ := decisionsWaiting(t, f)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	b.signIn("sam")
	b.open("/team#transfers")
	if !b.has(`//table[@id='transfers-table']//td[normalize-space()='DC Olly Other, MIT']`) {
		t.Fatalf("the board does not say who sent the transfer: %s", b.main())
	}
	b.check("90-team-decisions")
	b.run(chromedp.EmulateViewport(375, 812))
	b.open("/team#transfers")
	var over string
	b.run(chromedp.Evaluate(overflowJS, &over))
	if over != "" {
		t.Errorf("the team board at 375 px scrolls sideways: %s", over)
	}
	b.check("90-team-decisions-narrow")
	b.open("/cases/" + request.PathRef(moving.Ref) + "/do/accept-transfer")
	b.check("91-accept-transfer-caseloads")
}

// The decisions waiting came after a list of duties that can run to 50
// rows: a sergeant triages them first, so they lead the board, the duties
// (by officer, the backlog, the list) after them.
func TestTeamBoardLeadsWithDecisionsWaiting(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		moving, older, closing, _ := decisionsWaiting(t, f)
		f.Clock.Advance(400 * 24 * time.Hour)
		f.Allocated(t) // a duty today, and the rest long dormant
		status, page := newClient(t, base, "sam").get("/team")
		if status != 200 {
			t.Fatalf("the team board: %d", status)
		}
		at := func(s string) int {
			i := strings.Index(page, s)
			if i < 0 {
				t.Fatalf("the team board has no %s:\n%s", s, page)
			}
			return i
		}
		order := []string{`id="transfers"`, `id="closures"`, `id="referrals"`, `id="by-officer"`, `id="backlog"`,
			`id="duties"`, `id="leaver-duties"`}
		for i := 1; i < len(order); i++ {
			if at(order[i-1]) > at(order[i]) {
				t.Errorf("%s comes after %s on the board", order[i-1], order[i])
			}
		}
		for _, c := range []*domain.Case{moving, older, closing} {
			if at(c.Ref) > at(`id="by-officer"`) {
				t.Errorf("%s, a decision waiting, is listed after the duties", c.Ref)
			}
		}
	})
}
