package web_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// dutyLinkRE is a duty's words on My work, linked to where it is done.
var dutyLinkRE = regexp.MustCompile(`<a class="govuk-link" href="([^"]+)"><strong>([^<]+)</strong>` +
	`<span class="govuk-visually-hidden"> on ([^<]+)</span></a>`)

// TestEveryDutyOnMyWorkLinksWhereItsOwnerActs: a referral for support, a
// decision notice, a line of enquiry to complete or to review and a
// closure sent back each link their words to the page where the duty is
// done, and the person who owes it may act there: the contact form starts
// at the kind of contact owed, the lines of enquiry offer that person the
// action's own step, a result to review opens on that action's result
// with File and Refer back, Close case lets the officer in charge propose
// again.
// (They were words with no link.)
func TestEveryDutyOnMyWorkLinksWhereItsOwnerActs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		s, ok := f.Svc, mustCase(t)
		closed := closedOwingVictim(t, f, "Dora Child")
		back := proposedWithVictim(t, f, "Eve Child")
		back = ok(s.RejectClosure(ctx, f.Inspector, back.ID, service.RejectClosure{Version: back.Version,
			Reason: "Trace and interview the taxi driver first"}))
		c := f.Allocated(t)
		c = ok(s.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Fay Child",
			DateOfBirth: "2011-01-01"}))
		c = ok(s.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version, Title: "Trace the car"}))
		c = ok(s.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version, Title: "House-to-house"}))
		todo, done := c.Actions[0].ID, c.Actions[1].ID
		c = ok(s.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version, Action: done,
			To: f.Investigator2.ID()}))
		c = ok(s.ResultAction(ctx, f.Investigator2, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
			Version: c.Version, Action: done,
			Result: "Nobody saw anything"}))

		for _, tc := range []struct {
			who, words, ref, path string
			offers                []string // on the page, what the owner is offered
		}{
			{"ivy", "Tell the victim of the decision", closed.Ref, "/do/record-contact",
				[]string{`value="decision_notification" checked`, "Record the contact"}},
			{"ivy", "Refer the victim for support", c.Ref, "/do/record-contact",
				[]string{`value="support_referral" checked`, "Record the contact"}},
			{"ivy", "Complete the line of enquiry", c.Ref, "/actions",
				[]string{"/do/allocate-action?action=" + todo}},
			// The review links the action itself: its result, with File
			// and Refer back (it linked the whole list of lines of enquiry).
			{"sam", "Review the action's result", c.Ref, "/do/file-action?action=" + done,
				[]string{"Nobody saw anything", "File it", "/do/refer-back-action?action=" + done}},
			{"ivy", "Act on the closure sent back", back.Ref, "/close", []string{"Check against the closure rules"}},
		} {
			cl := newClient(t, base, tc.who)
			status, body := cl.get("/work")
			if status != 200 {
				t.Fatalf("%s's My work: %d", tc.who, status)
			}
			href := ""
			for _, m := range dutyLinkRE.FindAllStringSubmatch(body, -1) {
				if html.UnescapeString(m[2]) == tc.words && m[3] == tc.ref {
					href = html.UnescapeString(m[1])
				}
			}
			want := "/cases/" + request.PathRef(tc.ref) + tc.path
			if !strings.HasPrefix(href, want) {
				t.Errorf("%s's %q on %s links %q, want %s", tc.who, tc.words, tc.ref, href, want)
				continue
			}
			status, page := cl.get(href)
			page = html.UnescapeString(page)
			if status != 200 {
				t.Errorf("%s's %q links %s, which answers them %d", tc.who, tc.words, href, status)
				continue
			}
			for _, o := range tc.offers {
				if !strings.Contains(page, o) {
					t.Errorf("%s's %q links %s, which does not offer them %q", tc.who, tc.words, href, o)
				}
			}
		}
	})
}
