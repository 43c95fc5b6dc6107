package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// demoWorld is a small demo force (its historic closures, a national
// review under way, an account per role) served for page tests.
type demoWorld struct {
	db       *sqlstore.DB
	hf       *app.App
	base     string
	accounts map[string]string // role → username
	res      *demo.Result
}

func newDemoWorld(t testing.TB, db *sqlstore.DB, cases int) *demoWorld {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	clk := clock.NewManual(now.AddDate(-3, 0, 0))
	gen, err := app.New(db, app.Config{Clock: clk})
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Generate(ctx, gen.Svc, gen.Store, clk, demo.Options{Seed: 1, Cases: cases, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	// The demo accounts sign in with a password alone (no two-step sign-in).
	hf, err := app.New(db, app.Config{Clock: clk, Policy: policy.DemoDefault()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(hf.Svc, server.Config{Handler: hf.Handler}).Handler)
	t.Cleanup(srv.Close)
	w := &demoWorld{db: db, hf: hf, base: srv.URL, accounts: map[string]string{}, res: res}
	for _, a := range res.Accounts {
		w.accounts[a.Role] = a.Username
	}
	return w
}

// as signs in as the demo account of role.
func (w *demoWorld) as(t *testing.T, role string) *client { return w.signIn(t, w.accounts[role]) }

// signIn signs in as a demo user (they share one password).
func (w *demoWorld) signIn(t *testing.T, username string) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: w.base, http: &http.Client{Jar: jar}}
	_, form := c.get("/sign-in")
	status, body := c.post("/sign-in", url.Values{"username": {username}, "password": {demo.Password},
		"csrf": {signInToken(form)}})
	if status != 200 || !strings.Contains(body, "Sign out") {
		t.Fatalf("sign in as %s: %d", username, status)
	}
	return c
}

var (
	assignLinkRE = regexp.MustCompile(`href="(/audits/[^"]+/cases/([^"/]+)/assign)"`)
	radioRE      = regexp.MustCompile(`name="reviewer" type="radio" value="([^"]+)"()`)
)

// readsLogged counts records.read events since seq naming at least one case.
func readsLogged(t *testing.T, db *sqlstore.DB, since int64, view string) int {
	n := 0
	err := db.ScanEvents(context.Background(), since+1, 0, func(e *event.Event) error {
		if e.Type != domain.EvRecordsRead {
			return nil
		}
		var p domain.RecordsRead
		if json.Unmarshal(e.Payload, &p) == nil && strings.HasPrefix(p.View, view) && len(p.Cases) > 0 {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestAuditPagesJourney walks the audit team's pages without a browser on
// a small demo force: the paginated triage (its read recorded), planning a
// Beaconport audit through its check page, assigning a review (conflicts
// shown and not choosable), the reviewer's list and review form with a
// finding, and the finding answered by the person it names.
func TestAuditPagesJourney(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		w := newDemoWorld(t, db, 40)
		lead := w.as(t, "auditor")
		before, _ := db.LatestSeq(ctx)
		status, body := lead.get("/audits")
		if status != 200 || !strings.Contains(body, "Triage of closed cases") {
			t.Fatalf("/audits: %d", status)
		}
		// Each reason reads as a sentence: its label, then its detail with
		// a capital after the full stop.
		why := regexp.MustCompile(`<p class="govuk-body-s govuk-!-margin-bottom-1"><strong>[^<]*\.</strong> (.)`).FindAllStringSubmatch(body, -1)
		if len(why) == 0 {
			t.Error("the triage shows no reasons")
		}
		for _, m := range why {
			if strings.ToUpper(m[1]) != m[1] {
				t.Errorf("a triage reason's detail starts in lower case after a full stop: %q", m[0])
				break
			}
		}
		if readsLogged(t, db, before, "audits.triage") != 1 {
			t.Error("the triage page's read of cases was not recorded once")
		}
		_, p1 := lead.get("/audits?preset=routine")
		if !strings.Contains(p1, `class="govuk-pagination"`) {
			t.Error("the routine triage queue is not paginated")
		}
		if s, p2 := lead.get("/audits?preset=routine&page=2"); s != 200 || p2 == p1 ||
			!strings.Contains(p2, `aria-current="page">2<`) {
			t.Errorf("page 2 of the triage: %d, same as page 1: %v", s, p2 == p1)
		}

		_, form := lead.get("/audits/new")
		status, body = lead.post("/audits/new", url.Values{"csrf": {lead.csrf(form)}, "name": {"Test Beaconport"},
			"preset": {"beaconport"}, "margin": {"0.1"}, "risk_top": {"2"}, "seed": {"s1"}})
		if status != 200 || !strings.Contains(body, "Check the audit plan") || !strings.Contains(body, `id="population"`) {
			t.Fatalf("check the plan: %d\n%s", status, body)
		}
		noRedirect := *lead.http
		noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		hidden := url.Values{}
		for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(body, -1) {
			hidden.Set(m[1], m[2])
		}
		res, err := noRedirect.PostForm(w.base+"/audits", hidden)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		loc := res.Header.Get("Location")
		if res.StatusCode != 303 || !strings.HasPrefix(loc, "/audits/") {
			t.Fatalf("plan the audit: %d %s", res.StatusCode, loc)
		}
		auditPath := strings.SplitN(loc, "?", 2)[0]
		status, body = lead.get(auditPath)
		m := assignLinkRE.FindStringSubmatch(body)
		if status != 200 || m == nil {
			t.Fatalf("the audit page has no assign link: %d", status)
		}
		// A new audit has no error rate to give, not "0.0%, interval 0–100%".
		if rate := regexp.MustCompile(`(?s)Error rate</h2>.*?</div>`).FindString(body); !strings.Contains(rate,
			"No cases reviewed yet") || strings.Contains(rate, "%") {
			t.Errorf("a new audit's error rate reads %q", rate)
		}
		status, page := lead.get(m[1])
		if status != 200 {
			t.Fatalf("assign page: %d", status)
		}
		var free []string
		for _, r := range radioRE.FindAllStringSubmatch(page, -1) {
			if r[2] == "" {
				free = append(free, r[1])
			}
		}
		reviewer := ""
		org, _ := w.hf.Svc.Org(ctx, service.SystemActor("test"))
		for _, id := range free {
			if org.Users[id].Username == w.accounts["auditor (reviewer)"] {
				reviewer = id
			}
		}
		if reviewer == "" {
			t.Fatalf("the reviewer cannot be chosen for %s", m[2])
		}
		status, body = lead.post(m[1], url.Values{"csrf": {lead.csrf(page)}, "reviewer": {reviewer}})
		if status != 200 || !strings.Contains(body, "assigned to") {
			t.Fatalf("assign: %d", status)
		}

		rev := w.as(t, "auditor (reviewer)")
		status, body = rev.get("/audits/reviews")
		reviewLink := "/audits/" + strings.TrimPrefix(auditPath, "/audits/") + "/cases/" + m[2] + "/review"
		if status != 200 || !strings.Contains(body, reviewLink) || !strings.Contains(body, "My reviews") {
			t.Fatalf("my reviews lacks %s: %d", reviewLink, status)
		}
		_, page = rev.get(reviewLink)
		// An empty form is refused in the questions' words, not the fields'
		// or the answers' stored codes ("for victim account: best practice").
		status, body = rev.post(reviewLink, url.Values{"csrf": {rev.csrf(page)}})
		if status != 422 || !strings.Contains(body, "Choose whether the victim&#39;s account was taken to best practice") ||
			!strings.Contains(body, "Choose whether the outcome was justified by the record") ||
			strings.Contains(body, "victim account:") ||
			strings.Contains(body, "outcome justified: )") || strings.Contains(body, "record each as a finding") {
			t.Errorf("an empty review is refused with codes or an empty concern: %d", status)
		}
		status, body = rev.post(reviewLink, url.Values{"csrf": {rev.csrf(page)},
			"form.victim_account": {"below_best_practice"}, "form.suspects_pursued": {"some"},
			"form.outcome_justified": {"no"}, "form.summary": {"The suspects were never interviewed and the victims' accounts were thin."},
			"form.lines_missed": {"Interview the second suspect"},
			"findings[0].kind":  {"suspect_not_pursued"}, "findings[0].severity": {"high"},
			"findings[0].detail": {"Neither suspect was interviewed although both were named by the victims."},
			"findings[0].action": {"victim_contact"}})
		if status != 200 || !strings.Contains(body, "submitted with 1 finding") {
			t.Fatalf("submit the review: %d\n%s", status, body)
		}
		// The submitted review is read back, not offered as a form again.
		status, body = rev.get(reviewLink)
		if status != 200 || strings.Contains(body, `action="`+reviewLink+`"`) ||
			!strings.Contains(body, `id="the-review"`) || !strings.Contains(body, "Interview the second suspect") ||
			!strings.Contains(body, "Neither suspect was interviewed") {
			t.Errorf("the submitted review's page still offers the form or lacks the review: %d", status)
		}

		// The finding is answered by the person it names, from their list.
		c, err := db.CaseByRef(ctx, strings.ReplaceAll(m[2], "-", "/"))
		if err != nil {
			t.Fatal(err)
		}
		var fnd *domain.Finding
		for i := range c.Findings {
			if domain.IsAuditFinding(c.Findings[i].Kind) && c.Findings[i].Resolved.IsZero() {
				fnd = &c.Findings[i]
			}
		}
		if fnd == nil || org.Users[fnd.MustAct] == nil {
			t.Fatalf("no audit finding with someone to answer it on %s", c.Ref)
		}
		answerer := w.signIn(t, org.Users[fnd.MustAct].Username)
		status, body = answerer.get("/audits/findings")
		answerLink := "/audits/findings/" + m[2] + "/" + fnd.ID
		if status != 200 || !strings.Contains(body, answerLink) {
			t.Fatalf("findings to answer lacks %s: %d", answerLink, status)
		}
		_, page = answerer.get(answerLink)
		status, body = answerer.post(answerLink, url.Values{"csrf": {answerer.csrf(page)},
			"version": {regexp.MustCompile(`name="version" value="(\d+)"`).FindStringSubmatch(page)[1]},
			"answer":  {"Both victims visited and told the suspects will be traced and interviewed."}})
		if status != 200 || !strings.Contains(body, "is recorded") {
			t.Fatalf("answer the finding: %d\n%s", status, body)
		}
		if c, _ = db.CaseByRef(ctx, c.Ref); func() bool {
			for _, f := range c.Findings {
				if f.ID == fnd.ID {
					return f.Resolved.IsZero()
				}
			}
			return true
		}() {
			t.Error("the finding is not resolved after the answer")
		}

		// A second reviewer signs one "no concerns" review off and sends
		// another back.
		status, body = lead.get("/audits/reviews")
		signs := regexp.MustCompile(`href="(/audits/[^"]+/sign-off)"`).FindAllStringSubmatch(body, -1)
		if status != 200 || len(signs) < 2 {
			t.Fatalf("the lead has %d reviews to sign off, want 2 or more", len(signs))
		}
		_, page = lead.get(signs[0][1])
		status, body = lead.post(signs[0][1], url.Values{"csrf": {lead.csrf(page)}, "agree": {"yes"}})
		if status != 200 || !strings.Contains(body, "signed off: it is complete") {
			t.Fatalf("sign off: %d\n%s", status, body)
		}
		_, page = lead.get(signs[1][1])
		status, body = lead.post(signs[1][1], url.Values{"csrf": {lead.csrf(page)}, "agree": {"no"}})
		if status != 422 || !strings.Contains(body, `data-rule="required"`) {
			t.Fatalf("send back without a note: %d", status)
		}
		status, body = lead.post(signs[1][1], url.Values{"csrf": {lead.csrf(page)}, "agree": {"no"},
			"note": {"The second victim's account is not addressed: look again."}})
		if status != 200 || !strings.Contains(body, "sent back to its reviewer") {
			t.Fatalf("send back: %d\n%s", status, body)
		}
	})
}

// TestAuditPlanDatesAndChangeLinks: the plan form asks dates the GOV.UK
// way (day, month, year), refuses one that does not exist naming its
// field, shows the dates in words on the check page, and each answer there
// has a Change link back to the form as it was filled in.
func TestAuditPlanDatesAndChangeLinks(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	_, base := start(t, db)
	aud := newClient(t, base, "aud")
	_, form := aud.get("/audits/new")
	if strings.Contains(form, "YYYY-MM-DD") || !strings.Contains(form, `name="closed_from-day"`) ||
		!strings.Contains(form, `name="reported_to-year"`) {
		t.Fatal("the plan form does not ask dates with the GOV.UK date input")
	}
	vals := url.Values{"csrf": {aud.csrf(form)}, "name": {"Spring closures"}, "preset": {"own"},
		"margin": {"0.1"}, "risk_top": {"2"}, "closed_from-day": {"31"}, "closed_from-month": {"2"},
		"closed_from-year": {"2026"}, "reported_from-day": {"1"}, "reported_from-month": {"jan"},
		"reported_from-year": {"2025"}}
	status, body := aud.post("/audits/new", vals)
	if status != 422 || !strings.Contains(body, `href="#f-closed_from-day"`) ||
		!strings.Contains(body, "Closed from must be a real date") {
		t.Fatalf("31 February: %d %s", status, errorSummary(body))
	}
	vals.Set("closed_from-day", "1")
	status, body = aud.post("/audits/new", vals)
	if status != 200 || !strings.Contains(body, "From 1 February 2026") ||
		!strings.Contains(body, "reported from 1 January 2025") {
		t.Fatalf("the check page: %d %s", status, errorSummary(body))
	}
	links := regexp.MustCompile(`href="(/audits/new\?[^"]*?)#f-([a-z_]+)"`).FindAllStringSubmatch(body, -1)
	fields := map[string]bool{}
	for _, l := range links {
		fields[l[2]] = true
	}
	for _, f := range []string{"name", "preset", "closed_from", "margin", "risk_top", "seed"} {
		if !fields[f] {
			t.Errorf("no Change link to %s on the check page (links: %v)", f, fields)
		}
	}
	if len(links) == 0 {
		t.FailNow()
	}
	_, back := aud.get(html.UnescapeString(links[0][1]))
	if !strings.Contains(back, `value="Spring closures"`) || !strings.Contains(back, `name="closed_from-month" type="text" inputmode="numeric" value="2"`) ||
		!regexp.MustCompile(`value="own"\s+checked`).MatchString(back) {
		t.Error("Change does not return to the form as it was filled in")
	}
}
