package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

var (
	outcomeOptionRE = regexp.MustCompile(`<option value="([0-9A-Z]+)"`)
	summaryRE       = regexp.MustCompile(`(?s)govuk-error-summary__list">(.*?)</ul>`)
	summaryItemRE   = regexp.MustCompile(`(?s)<li data-rule="([^"]*)">(.*?)</li>`)
	backLinkRE      = regexp.MustCompile(`<a href="([^"]*)" class="govuk-back-link">([^<]*)</a>`)
)

// TestCloseOffersOnlyOutcomesThatFit: the close page offered a cannabis
// warning (outcome 7), a penalty notice and a fraud filing on a child
// sexual exploitation case, and choosing one raised blockers none of
// which was about it. The list offers only the outcomes the gate accepts
// for the case's offences; one sent all the same is refused on the field.
func TestCloseOffersOnlyOutcomesThatFit(t *testing.T) {
	f, base := start(t, testdb.Open(t, "sqlite"))
	c := f.Allocated(t)
	path := "/cases/" + request.PathRef(c.Ref)
	ivy := newClient(t, base, "ivy")
	status, page := ivy.get(path + "/close")
	offered := map[string]bool{}
	for _, m := range outcomeOptionRE.FindAllStringSubmatch(page, -1) {
		offered[m[1]] = true
	}
	if status != 200 || !offered["15"] || !offered["16"] || !offered["1"] {
		t.Fatalf("the close page: %d, offers %v", status, offered)
	}
	for _, code := range []string{"6", "7", "19"} {
		if offered[code] {
			t.Errorf("outcome %s is offered on a child sexual exploitation case", code)
		}
	}
	status, body := ivy.post(path+"/close", url.Values{"csrf": {ivy.csrf(page)}, "version": {itoa(c.Version)},
		"outcome": {"7"}, "step": {"check"}})
	m := summaryRE.FindStringSubmatch(body)
	if status != 422 || m == nil || !strings.Contains(m[1], `<li data-rule="outcome_fits"><a href="#f-outcome">Outcome 7 (Cannabis/Khat warning) is only for possession of cannabis or khat`) {
		t.Fatalf("outcome 7 sent: %d, want it refused on the outcome field: %s", status, errorSummary(body))
	}
}

// TestCloseErrorSummaryLinksEveryBlocker: only the rationale's errors were
// links; the other blockers were plain text at the top and again, with
// their Put it right links, in the checklist. Each is now one link, in
// the error summary, to where it is put right (whom to ask, to one who
// may not), and the checklist does not list them again. The back link
// goes where the officer came from, the case by default.
func TestCloseErrorSummaryLinksEveryBlocker(t *testing.T) {
	ctx := context.Background()
	f, base := start(t, testdb.Open(t, "sqlite"))
	ok := mustCase(t)
	c := f.Allocated(t)
	c = ok(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child D"}))
	c = ok(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Adult Y"}))
	c = ok(f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version, Title: "Trace the car"}))
	c = ok(f.Svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
		Action: c.Actions[0].ID, To: f.Investigator2.ID()}))
	path := "/cases/" + request.PathRef(c.Ref)
	ivy := newClient(t, base, "ivy")
	_, page := ivy.get(path + "/close")
	if m := backLinkRE.FindStringSubmatch(page); m == nil || m[1] != path || m[2] != "Back to the case" {
		t.Errorf("opened straight, the back link is %v, want the case", m)
	}
	status, body := ivy.post(path+"/close", url.Values{"csrf": {ivy.csrf(page)}, "version": {itoa(c.Version)},
		"outcome": {"16"}, "lines_considered": {"Every line raised so far"}, "step": {"check"}})
	m := summaryRE.FindStringSubmatch(body)
	if status != 422 || m == nil {
		t.Fatalf("the check: %d, no error summary", status)
	}
	want := map[string]string{"rationale": "#f-", "actions_filed": path + "/actions",
		"suspects_pursued": path + "/people", "victim_account": path + "/victims", "victim_view": "#f-victim_view",
		"supervised": path + "/decisions"}
	seen := map[string]bool{}
	for _, it := range summaryItemRE.FindAllStringSubmatch(m[1], -1) {
		rule, item := it[1], html.UnescapeString(it[2])
		seen[rule] = true
		if !strings.HasPrefix(item, `<a href="`) {
			t.Errorf("%s is not a link to where it is put right: %s", rule, item)
			continue
		}
		if w, ok := want[rule]; ok && !strings.HasPrefix(item, `<a href="`+w) {
			t.Errorf("%s links %s, want %s", rule, item, w)
		}
		msg := item[strings.Index(item, ">")+1 : strings.Index(item, "</a>")]
		// A field's error is also by its field, as GOV.UK has it; a
		// blocker put right elsewhere is listed once.
		if n := strings.Count(html.UnescapeString(body), msg); rule != "rationale" && n != 1 {
			t.Errorf("%q is shown %d times, want once", msg, n)
		}
		if rule == "supervised" && (!strings.Contains(msg, "Ask DS Sam Supervisor") ||
			!strings.HasSuffix(msg, " to record a supervisory review.")) {
			t.Errorf("the constable is not told whom to ask for the review: %s", msg)
		}
	}
	for rule := range want {
		if !seen[rule] {
			t.Errorf("no %s in the error summary: %s", rule, errorSummary(body))
		}
	}
	if strings.Contains(body, "Put it right") {
		t.Error("the checklist lists the blockers again, with Put it right links")
	}
	if m := backLinkRE.FindStringSubmatch(body); m == nil || m[1] != path {
		t.Errorf("after the check, the back link is %v, want the case", m)
	}
	// Followed from My work (a closure sent back), back is My work, after
	// the check too.
	_, page = ivy.get(path + "/close?from=work")
	if m := backLinkRE.FindStringSubmatch(page); m == nil || m[1] != "/work" || m[2] != "Back to My work" {
		t.Errorf("from My work, the back link is %v", m)
	}
	_, body = ivy.post(path+"/close", url.Values{"csrf": {ivy.csrf(page)}, "version": {itoa(c.Version)},
		"outcome": {"16"}, "step": {"check"}, "from": {"work"}})
	if m := backLinkRE.FindStringSubmatch(body); m == nil || m[1] != "/work" {
		t.Errorf("from My work, after the check, the back link is %v", m)
	}
	_, page = ivy.get(path + "/close?from=/evil")
	if m := backLinkRE.FindStringSubmatch(page); m == nil || m[1] != path {
		t.Errorf("a from that names no page leads %v, want the case", m)
	}
}

// TestCloseWhenAClosureWaitsSaysWhoDecides: with a closure waiting, Close
// case said only that one was waiting. It names who decides, by rank and
// name, and offers the decision to one the service lets make it.
func TestCloseWhenAClosureWaitsSaysWhoDecides(t *testing.T) {
	ctx := context.Background()
	f, base := start(t, testdb.Open(t, "sqlite"))
	c := readyToClose(t, f)
	c = mustCase(t)(f.Svc.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
		Outcome: "15", Rationale: domain.Rationale{LinesConsidered: "Every line raised was considered",
			WhyNoneRemain: "No other line of enquiry remains", SuspectsStatus: "No suspect was identified",
			VictimView: "Does not want to go to court"}}))
	path := "/cases/" + request.PathRef(c.Ref)
	for _, tc := range []struct{ who, link, href string }{
		{"ines", "Decide the closure", path + "/do/approve-closure"}, // outcome 15, a child: an inspector's
		{"sam", "Send the closure back", path + "/do/reject-closure"},
		{"ivy", "", ""},
	} {
		_, page := newClient(t, base, tc.who).get(path + "/close")
		page = html.UnescapeString(page)
		if !strings.Contains(page, "A closure is already waiting for approval.") ||
			!strings.Contains(page, "DI Ines Inspector decides.") {
			t.Errorf("%s is not told who decides the closure waiting", tc.who)
		}
		decide := regexp.MustCompile(`id="decide" href="([^"]*)">([^<]*)<`).FindStringSubmatch(page)
		switch {
		case tc.link == "" && decide != nil:
			t.Errorf("%s, who may not decide, is offered %v", tc.who, decide)
		case tc.link != "" && (decide == nil || decide[1] != tc.href || decide[2] != tc.link):
			t.Errorf("%s is offered %v, want %q to %s", tc.who, decide, tc.link, tc.href)
		}
	}
}
