package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// chromium finds Debian's chromium. CI sets HOLDFAST_CHROMIUM, and then a
// missing or broken browser fails the test instead of skipping it.
func chromium(t *testing.T) string {
	if p := os.Getenv("HOLDFAST_CHROMIUM"); p != "" {
		return p
	}
	for _, n := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Skip(
		"no chromium on this machine: install Debian's chromium (as .ci/run does) or set HOLDFAST_CHROMIUM to run the browser tests",
	)
	return ""
}

// artefacts is where screenshots go: HOLDFAST_ARTIFACTS, or artifacts/ at
// the repository root.
func artefacts(t *testing.T) string {
	dir := os.Getenv("HOLDFAST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", "..", "artifacts")
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

type browser struct {
	t    *testing.T
	ctx  context.Context
	base string
	shot string
	axe  string
}

func newBrowser(t *testing.T, base string) *browser {
	// Not t.TempDir: chromium may still be writing to its profile as it
	// exits, and a failed removal would fail the test.
	profile, err := os.MkdirTemp("", "holdfast-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 20 && os.RemoveAll(profile) != nil; i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 1000))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancel3)
	axe, err := os.ReadFile("testdata/axe.min.js")
	if err != nil {
		t.Fatalf("axe-core for the accessibility checks: %v (run internal/web/assets/build.sh)", err)
	}
	b := &browser{t: t, ctx: ctx, base: base, shot: artefacts(t), axe: string(axe)}
	t.Cleanup(func() { chromedp.Cancel(ctx) }) // close the browser before its profile is removed
	b.run(chromedp.Navigate(base + "/sign-in"))
	return b
}

func (b *browser) run(actions ...chromedp.Action) {
	b.t.Helper()
	if err := chromedp.Run(b.ctx, actions...); err != nil {
		var loc string
		chromedp.Run(b.ctx, chromedp.Location(&loc))
		b.t.Fatalf("browser at %s: %v", loc, err)
	}
}

func (b *browser) signIn(username string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base+"/sign-in"),
		set("f-username", username),
		set("f-password", fixture.Password),
		chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(`//button[normalize-space()='Sign in']`))
	b.waitFresh()
	if m := b.main(); !strings.Contains(m, "My work") {
		b.t.Fatalf("sign in as %s: %s", username, m)
	}
}

func (b *browser) signOut() {
	b.t.Helper()
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(`//button[normalize-space()='Sign out']`))
	b.waitFresh()
}

func (b *browser) open(path string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base + path))
	b.waitFresh()
	// Navigate returns once the page has loaded: the old page is gone.
}

// press clicks the button with that text and waits for the next page.
func (b *browser) press(label string) {
	b.t.Helper()
	// Mark the page so the wait below cannot be satisfied by the old one.
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(fmt.Sprintf(`//button[normalize-space()=%q]`, label)))
	b.waitFresh()
}

func (b *browser) main() string {
	b.t.Helper()
	var s string
	// Right after a navigation chromedp can still hold the old document's
	// node ids; reading again once it has caught up is enough.
	var err error
	for i := 0; i < 10; i++ {
		if err = chromedp.Run(b.ctx, chromedp.Evaluate(`document.querySelector("main").innerText`, &s)); err == nil {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("read the page: %v", err)
	return ""
}

// set fills a form field by id. It works through JavaScript rather than
// DOM node ids, which chromedp can hold stale across a navigation.
func set(id, value string) chromedp.Action {
	return chromedp.Evaluate(
		fmt.Sprintf(
			`(() => { const e = document.getElementById(%q); if (!e) throw new Error("no field #" + %q); e.value = %q })()`,
			id,
			id,
			value,
		),
		nil,
	)
}

// clickX clicks the first element matching an XPath.
func clickX(xpath string) chromedp.Action {
	return chromedp.Evaluate(
		fmt.Sprintf(
			`(() => { const n = document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue; if (!n) throw new Error("nothing matches " + %q); n.click() })()`,
			xpath,
			xpath,
		),
		nil,
	)
}

// waitFresh waits for a new page: loaded, with a heading, and not the page
// marked stale before the click that left it.
func (b *browser) waitFresh() {
	b.t.Helper()
	var ok bool
	var err error
	for i := 0; i < 200; i++ {
		ok = false
		err = chromedp.Run(
			b.ctx,
			chromedp.Evaluate(
				`!!(document.body && !document.body.dataset.stale && document.readyState === "complete" && document.querySelector("h1"))`,
				&ok,
			),
		)
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("the next page did not load: %v", err)
}

// waitText waits until the element's text contains want.
func (b *browser) waitText(sel, want string) {
	b.t.Helper()
	var got string
	for i := 0; i < 100; i++ {
		if err := chromedp.Run(b.ctx, chromedp.Evaluate(fmt.Sprintf(`(document.querySelector(%q) || {}).innerText || ""`, sel), &got)); err == nil &&
			strings.Contains(got, want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	b.t.Fatalf("%s never said %q; it says %q", sel, want, got)
}

func (b *browser) location() string {
	var s string
	b.run(chromedp.Location(&s))
	return s
}

// check saves a screenshot and runs axe-core against WCAG 2.2 A and AA.
func (b *browser) check(name string) {
	b.t.Helper()
	var png []byte
	b.run(chromedp.FullScreenshot(&png, 100))
	if err := os.WriteFile(filepath.Join(b.shot, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	var out string
	b.run(
		chromedp.Evaluate(b.axe, nil),
		chromedp.Evaluate(
			`axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a','wcag2aa','wcag21a','wcag21aa','wcag22aa']}})
			.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0,3).map(n => n.target.join(' '))}))))`,
			&out,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) },
		),
	)
	var violations []map[string]any
	if err := json.Unmarshal([]byte(out), &violations); err != nil {
		b.t.Fatalf("axe result %q: %v", out, err)
	}
	for _, v := range violations {
		b.t.Errorf(
			"%s: accessibility (WCAG 2.2 AA) violation %v (%v): %v at %v",
			name,
			v["id"],
			v["impact"],
			v["help"],
			v["nodes"],
		)
	}
}

// TestOfficersDayInTheBrowser walks the journey in Debian's
// chromium: referral, action lifecycle, a refused closure listing every
// reason, proposal and approval by a second officer of the right rank,
// then time passing and the watchdog's escalation reaching the inbox.
func TestOfficersDayInTheBrowser(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	b := newBrowser(t, srv.URL)

	// Anyone not signed in is sent to sign in.
	b.open("/work")
	if !strings.Contains(b.location(), "/sign-in") {
		t.Fatalf("an anonymous visit to /work landed on %s, want the sign-in page", b.location())
	}
	b.check("01-sign-in")
	b.run(set("f-username", "ivy"), set("f-password", "wrong"))
	b.press("Sign in")
	if !strings.Contains(b.main(), "Enter a correct username and password") {
		t.Fatal("a wrong password must say so")
	}

	// The investigator opens a referral.
	b.signIn("ivy")
	b.check("02-my-work-empty")
	b.open("/cases/new")
	b.press("Open referral")
	if m := b.main(); !strings.Contains(m, "There is a problem") || !strings.Contains(m, "Summarise the referral") ||
		!strings.Contains(m, "Give at least one offence type") || strings.Contains(m, "(required)") {
		t.Fatalf("an empty referral must be refused with the reasons: %s", m)
	}
	b.check("03-referral-refused")
	b.run(set("f-summary", "School DSL: 14-year-old girl seen getting into different cars after school"),
		set("f-offence_types", "child_sexual_exploitation"),
		set("f-source", "School"))
	b.press("Open referral")
	if !strings.Contains(b.main(), "Referral opened") {
		t.Fatalf("after opening a referral: %s", b.main())
	}
	ref := strings.ReplaceAll(regexp.MustCompile(`CSE-\d{4}-\d{6}`).FindString(b.location()), "-", "/")
	c, err := db.CaseByRef(ctx, ref)
	if err != nil {
		t.Fatalf("the referral %q is not in the record: %v", ref, err)
	}
	casePath := "/cases/" + strings.ReplaceAll(ref, "/", "-")

	// The supervisor allocates it, choosing the officer by name.
	b.signOut()
	b.signIn("sam")
	b.open(casePath)
	b.follow("Allocate")
	if sel := b.value("f-owner_id"); sel != "" {
		t.Fatalf("the allocation picker has an officer chosen before anyone chose: %q", sel)
	}
	b.run(choose("f-owner_id", "DC Ivy Investigator"))
	b.check("03b-allocate")
	b.press("Allocate")
	if !strings.Contains(b.main(), "Owner assigned: DC Ivy Investigator is now the officer in charge") {
		t.Fatalf("allocation: %s", b.main())
	}
	b.signOut()

	// The investigator raises, allocates and results a line of enquiry.
	b.signIn("ivy")
	b.open(casePath + "/actions")
	b.follow("Raise a line of enquiry")
	b.run(set("f-title", "Download the victim's phone"))
	b.press("Raise it")
	b.follow("Allocate A1")
	b.run(choose("f-to", "DC Ivy Investigator"))
	b.press("Allocate")
	if !strings.Contains(b.main(), "Line of enquiry allocated: A1 to DC Ivy Investigator, by ") {
		t.Fatalf("allocate action: %s", b.main())
	}
	b.follow("Record result of A1")
	b.press("Record the result")
	b.expect("the result's reasons", "There is a problem", "Say what was done", "Choose how the line of enquiry ended")
	b.check("04a-result-errors")
	b.run(set("f-result", "Messages recovered; an adult's number identified"))
	b.run(tick("f-outcome"), set("f-reference", "EX/IV/1"))
	b.check("04-result-action")
	b.press("Record the result")
	if m := b.main(); !strings.Contains(m, "Result recorded") || !strings.Contains(m, "Resulted") ||
		!strings.Contains(m, "Completed with a result, reference EX/IV/1") {
		t.Fatalf("result action: %s", m)
	}
	b.check("04b-lines-of-enquiry")

	// Close with the action open: the journey lists every reason, writes nothing.
	before, _ := db.LatestSeq(ctx)
	b.open(casePath + "/close")
	// Choosing an outcome updates the checklist in place (htmx), before any submit.
	b.run(
		set("f-outcome", "15"),
		chromedp.Evaluate(
			`document.getElementById("f-outcome").dispatchEvent(new Event("change", {bubbles: true}))`,
			nil,
		),
	)
	b.waitText("#checklist", "cannot close yet")
	b.press("Check against the closure rules")
	// Checked, the reasons are the error summary's, each a link to where
	// it is put right, and the checklist does not list them again.
	rules := b.attrs(`.govuk-error-summary [data-rule] a:first-child`, "href")
	if !strings.Contains(rules, "#f-lines_considered") || !strings.Contains(rules, casePath+"/actions") {
		t.Errorf("the error summary does not link the rationale and the open action: %s", rules)
	}
	if again := b.attrs(`#checklist [data-rule]`, "data-rule"); again != "" {
		t.Errorf("the checklist lists the reasons again: %s", again)
	}
	if m := b.main(); strings.Contains(m, "Propose closure") || strings.Contains(m, "(actions_filed)") {
		t.Errorf("a case that cannot close is offered Propose closure, or rule ids reach the reader: %s", m)
	}
	b.check("05-close-refused")
	onlyReads(t, db, c.ID, before)
	b.signOut()

	// The supervisor files the line of enquiry (a second pair of eyes).
	b.signIn("sam")
	b.open(casePath + "/actions")
	b.follow("File A1")
	b.press("File it")
	if !strings.Contains(b.main(), "Line of enquiry filed") {
		t.Fatalf("file action: %s", b.main())
	}
	b.signOut()

	// The victim's side, entirely in the browser: added, account, contact
	// plan, contact, the victim's view.
	b.signIn("ivy")
	b.open(casePath + "/victims")
	b.follow("Add a victim")
	b.run(set("f-name", "Child A"), set("f-dob-day", "1"), set("f-dob-month", "5"), set("f-dob-year", "2012"))
	b.press("Add victim")
	if m := b.main(); !strings.Contains(m, "Victim added") || !strings.Contains(m, "Enhanced rights") {
		t.Fatalf("add victim: %s", m)
	}
	b.follow("Record contact with Child A")
	b.run(clickX(`//label[normalize-space()='Account taken']`), clickX(`//label[normalize-space()='Visit']`),
		set("f-note", "ABE interview recorded"))
	b.check("06a-record-contact")
	b.press("Record the contact")
	b.follow("Agree contact plan with Child A")
	b.run(set("f-every_days", "14"), clickX(`//label[normalize-space()='Phone']`), set("f-agreed_with", "her mother"))
	b.check("06b-contact-plan")
	b.press("Save the contact plan")
	if m := b.main(); !strings.Contains(m, "Every 14 days by phone, agreed with her mother") {
		t.Fatalf("contact plan: %s", m)
	}
	b.follow("Record view of Child A")
	b.run(set("f-view", "Does not want to go to court now"))
	b.press("Record the view")
	if m := b.main(); !strings.Contains(m, "Victim's view recorded") {
		t.Fatalf("victim's view: %s", m)
	}
	b.check("06c-victims")
	b.open(casePath + "/actions")
	b.follow("Set the investigation plan")
	b.run(set("f-plan", "Secure digital evidence; support the victim"))
	b.press("Save the plan")
	b.signOut()
	b.signIn("sam")
	b.open(casePath + "/decisions")
	b.follow("Record a supervisory review")
	b.run(set("f-summary", "Reviewed: evidential difficulties, victim does not support action"))
	b.press("Record the review")
	if !strings.Contains(b.main(), "Supervisory review recorded") {
		t.Fatalf("review: %s", b.main())
	}
	b.signOut()

	// Propose closure through the journey.
	b.signIn("ivy")
	b.open(casePath)
	b.check("06d-overview")
	if h := b.height(); h > 2500 {
		t.Errorf("the case overview is %d px tall at 1280 px wide, want at most 2,500", h)
	}
	b.follow("Close case")
	b.run(set("f-outcome", "15"),
		set("f-lines_considered", "Phone download"),
		set("f-why_none_remain", "All enquiries complete and filed"),
		set("f-suspects_status", "No suspect identified"))
	if m := b.main(); !strings.Contains(m, "Does not want to go to court now") || b.has(`//*[@id='f-victim_view'][self::textarea]`) {
		t.Errorf("the close page does not show the victim's view as recorded, or asks for it again: %s", m)
	}
	b.press("Check against the closure rules")
	if m := b.main(); !strings.Contains(m, "Ready to propose") {
		t.Fatalf("closure checklist after the work: %s", m)
	}
	b.check("06-close-ready")
	b.press("Propose closure")
	if !strings.Contains(b.main(), "Closure proposed") {
		t.Fatalf("propose closure: %s", b.main())
	}
	b.open(casePath + "/history")
	if m := b.main(); !strings.Contains(m, "DC Ivy Investigator recorded a contact with Child A by visit (account taken)") ||
		!strings.Contains(m, "proposed closing the case with outcome 15 (") {
		t.Errorf("the history does not read as sentences: %s", m)
	}
	b.check("06e-history")
	b.signOut()

	// A sergeant is below the rank outcome 15 needs for a child victim: the
	// page says who may approve instead of offering a button that fails.
	b.signIn("sam")
	b.open("/team")
	if !strings.Contains(b.main(), ref) {
		t.Errorf("the team board does not show the closure awaiting approval")
	}
	b.check("07-team-board")
	b.open(casePath + "/decisions")
	if b.has(`//main//a[normalize-space()='Approve closure']`) || b.has(`//main//a[contains(., 'Decide the closure')]`) {
		t.Error("a sergeant is offered to approve a closure that needs an inspector")
	}
	if m := b.main(); !strings.Contains(m, "approved by an inspector or above") ||
		!strings.Contains(m, "DI Ines Inspector") {
		t.Errorf("the sergeant is not told who may approve the closure: %s", m)
	}
	b.check("07b-sergeant-closure")
	b.signOut()
	b.signIn("ines")
	b.open(casePath + "/decisions")
	b.follow("Approve closure")
	b.check("07c-approve-closure")
	b.press("Approve closure")
	if !strings.Contains(b.main(), ref+" is closed") {
		t.Fatalf("approve closure: %s", b.main())
	}
	if c, _ = db.CaseByRef(ctx, ref); c.Status != domain.StatusClosed {
		t.Fatalf("case status %s after approval, want closed", c.Status)
	}
	b.signOut()

	// Time passes on another case: the plan is overdue on My work, and the
	// watchdog escalates it to the supervisor's inbox.
	late := f.Allocated(t)
	f.Clock.Advance(30 * 24 * time.Hour)
	if _, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: f.Clock.Now()}); err != nil {
		t.Fatal(err)
	}
	b.signIn("ivy")
	if m := b.main(); !strings.Contains(m, late.Ref) || !strings.Contains(m, "Overdue") {
		t.Fatalf("My work does not show the overdue duty on %s: %s", late.Ref, m)
	}
	b.check("08-my-work-overdue")
	b.signOut()
	b.signIn("sam")
	b.open("/inbox")
	if m := b.main(); !strings.Contains(m, late.Ref) {
		t.Fatalf("the supervisor's inbox does not show the escalation on %s: %s", late.Ref, m)
	}
	b.check("09-inbox")
	b.signOut()

	// The other roles' pages.
	b.signIn("max")
	b.open("/dashboard")
	if m := b.main(); !strings.Contains(m, "Overdue duties by team") || !strings.Contains(m, "CSE Team North") {
		t.Fatalf("dashboard: %s", m)
	}
	b.check("10-dashboard")
	b.signOut()
	b.signIn("hmi")
	b.open("/ledger")
	if m := b.main(); !strings.Contains(m, "Events recorded") {
		t.Fatalf("ledger page: %s", m)
	}
	b.check("11-ledger")
	b.open("/admin")
	if !strings.Contains(b.main(), "Only administrators can") {
		t.Errorf("an inspector reached the administration page")
	}
	b.signOut()
	b.signIn("aud")
	b.open("/audits")
	if m := b.main(); !strings.Contains(m, "Triage of closed cases") {
		t.Fatalf("audits page: %s", m)
	}
	b.check("12-audits")
	b.signOut()
	// The analyst's links: two cases whose suspects share a phone.
	late, _ = db.Case(ctx, late.ID)
	must(f.Svc.AddSuspect(ctx, f.Investigator, late.ID, service.NewSuspect{Version: late.Version, Name: "Adult Y",
		Phone: "07700 900123"}))
	other := f.Allocated(t)
	must(f.Svc.AddSuspect(ctx, f.Investigator, other.ID, service.NewSuspect{Version: other.Version,
		Description: "Driver of a silver saloon", Phone: "+44 7700 900123"}))
	b.signIn("ana")
	b.open("/links")
	if m := b.main(); !strings.Contains(m, "Links between cases") || !strings.Contains(m, late.Ref) ||
		!strings.Contains(m, other.Ref) {
		t.Fatalf("links page: %s", m)
	}
	b.check("12b-links")
	b.signOut()
	b.signIn("admin")
	b.open("/admin")
	if m := b.main(); !strings.Contains(m, "Policy in force") || !strings.Contains(m, "DC Ivy Investigator") {
		t.Fatalf("admin page: %s", m)
	}
	b.check("13-admin")
}

// follow clicks the link whose text (visually hidden words included)
// is label and waits for the next page.
func (b *browser) follow(label string) {
	b.t.Helper()
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(fmt.Sprintf(`//main//a[normalize-space()=%q]`, label)))
	b.waitFresh()
}

// has reports whether anything on the page matches an XPath.
func (b *browser) has(xpath string) bool {
	b.t.Helper()
	var ok bool
	b.run(chromedp.Evaluate(fmt.Sprintf(
		`!!document.evaluate(%q, document, null, XPathResult.FIRST_ORDERED_NODE_TYPE, null).singleNodeValue`,
		xpath), &ok))
	return ok
}

// value is a form field's value, by id.
func (b *browser) value(id string) string {
	b.t.Helper()
	var s string
	b.run(chromedp.Evaluate(fmt.Sprintf(`(document.getElementById(%q) || {}).value || ""`, id), &s))
	return s
}

// attrs joins one attribute of every element matching a CSS selector.
func (b *browser) attrs(sel, attr string) string {
	b.t.Helper()
	var s string
	b.run(chromedp.Evaluate(fmt.Sprintf(
		`Array.from(document.querySelectorAll(%q)).map(e => e.getAttribute(%q)).join(" ")`, sel, attr), &s))
	return s
}

// height is the page's height in CSS pixels at the browser's width.
func (b *browser) height() int {
	b.t.Helper()
	var h int
	b.run(chromedp.Evaluate(`document.documentElement.scrollHeight`, &h))
	return h
}

// choose picks the option of a select, by id, whose text is label (or
// label and what the officer holds, "(3 open cases, …)"): people choose
// names, never ids.
func choose(id, label string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(`(() => { const s = document.getElementById(%q);
		if (!s) throw new Error("no select #" + %q);
		const o = Array.from(s.options).find(o => o.text.trim() === %q || o.text.trim().startsWith(%q + " ("));
		if (!o) throw new Error("no option " + %q + " in #" + %q);
		s.value = o.value })()`, id, id, label, label, label, id), nil)
}

func must(c *domain.Case, err error) *domain.Case {
	if err != nil {
		panic(err)
	}
	return c
}
