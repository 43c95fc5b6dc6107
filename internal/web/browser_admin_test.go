package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// signInWith signs in with a password other than the fixture's (the demo's).
func (b *browser) signInWith(username, password string) {
	b.t.Helper()
	b.run(chromedp.Navigate(b.base+"/sign-in"),
		set("f-username", username),
		set("f-password", password),
		chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(`//button[normalize-space()='Sign in']`))
	b.waitFresh()
	if m := b.main(); strings.Contains(m, "Enter a correct username") {
		b.t.Fatalf("sign in as %s: %s", username, m)
	}
}

// tick checks a radio or checkbox by id.
func tick(id string) chromedp.Action {
	return chromedp.Evaluate(fmt.Sprintf(
		`(() => { const e = document.getElementById(%q); if (!e) throw new Error("no input #" + %q); e.checked = true })()`,
		id, id), nil)
}

// followLink clicks the first link whose text contains label and waits for
// the next page.
func (b *browser) followLink(label string) {
	b.t.Helper()
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(fmt.Sprintf(`//main//a[contains(normalize-space(), %q)]`, label)))
	b.waitFresh()
}

// expect fails unless the page's main text contains every want.
func (b *browser) expect(what string, wants ...string) string {
	b.t.Helper()
	m := b.main()
	for _, w := range wants {
		if !strings.Contains(m, w) {
			b.t.Fatalf("%s: the page does not say %q:\n%s", what, w, m)
		}
	}
	return m
}

// TestAuditTeamInTheBrowser walks the audit team's jobs in Debian's
// chromium over a small demo force, with axe-core and a screenshot on
// every page: the auditor plans a Beaconport audit (checked before it is
// recorded) and assigns a review, the reviewer completes it with a
// finding, a second reviewer signs one review off and sends another back,
// and the person a finding names answers it.
func TestAuditTeamInTheBrowser(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	w := newDemoWorld(t, db, 40)
	ctx := context.Background()
	b := newBrowser(t, w.base)

	b.signInWith(w.accounts["auditor"], demo.Password)
	b.open("/audits")
	b.expect("audits", "Audits under way", "Triage of closed cases")
	b.check("audit-01-audits")
	b.followLink("Plan an audit")
	b.check("audit-02-plan")
	b.run(set("f-name", "Beaconport: browser test"), tick("f-preset-beaconport"), set("f-margin", "0.1"),
		set("f-risk_top", "2"))
	b.press("Continue")
	b.expect("check the plan", "Check the audit plan", "Closed cases in scope", "Random sample")
	b.check("audit-03-check")
	b.press("Plan the audit and draw the sample")
	b.expect("planned", "Audit planned", "Sample")
	b.check("audit-04-audit")
	auditURL := strings.SplitN(b.location(), "?", 2)[0]
	b.followLink("Assign")
	b.expect("assign", "Who reviews")
	b.check("audit-05-assign")
	org, _ := w.hf.Svc.Org(ctx, service.SystemActor("test"))
	var reviewer *domain.User
	for _, u := range org.Users {
		if u.Username == w.accounts["auditor (reviewer)"] {
			reviewer = u
		}
	}
	var radio string
	b.run(chromedp.Evaluate(fmt.Sprintf(`document.querySelector('input[name=reviewer][value=%q]').id`, reviewer.ID),
		&radio))
	b.run(tick(radio))
	b.press("Assign")
	b.expect("assigned", "assigned to "+reviewer.Name)
	ref := regexp.MustCompile(`(CSE-\d{4}-\d{6}) assigned`).FindStringSubmatch(
		strings.ReplaceAll(b.main(), "/", "-"))
	if ref == nil {
		t.Fatalf("no reference in the banner: %s", b.main())
	}
	b.signOut()

	// The reviewer's list, the review form beside the case, a finding.
	b.signInWith(w.accounts["auditor (reviewer)"], demo.Password)
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(`//nav//a[normalize-space()='My reviews']`))
	b.waitFresh()
	b.expect("my reviews", "Assigned to you", "Review "+strings.ReplaceAll(ref[1], "-", "/"))
	b.check("audit-06-my-reviews")
	b.followLink("Review " + strings.ReplaceAll(ref[1], "-", "/"))
	b.expect("review form", "The case as recorded", "Findings")
	b.check("audit-07-review-form")
	b.run(tick("f-form.victim_account-1"), tick("f-form.suspects_pursued-2"), tick("f-form.outcome_justified-1"),
		set("f-form.summary", "Neither suspect was interviewed; the outcome is only partly justified."),
		set("f-findings[0].kind", "suspect_not_pursued"), tick("f-findings[0].severity-2"),
		set("f-findings[0].detail", "Both named suspects were left uninterviewed without a recorded reason."),
		set("f-findings[0].action", "victim_contact"))
	b.press("Submit the review")
	b.expect("review submitted", "submitted with 1 finding")
	b.check("audit-08-review-submitted")
	b.signOut()

	// A second reviewer: sign one off, send one back.
	b.signInWith(w.accounts["auditor"], demo.Password)
	b.open("/audits/reviews")
	b.expect("lead's reviews", "Waiting for a second reviewer")
	b.followLink("Sign off")
	b.expect("sign-off page", "The review by", "Do you agree")
	b.check("audit-09-sign-off")
	b.run(tick("f-agree-0"))
	b.press("Send")
	b.expect("signed off", "signed off: it is complete")
	b.followLink("Sign off")
	b.run(tick("f-agree-1"))
	b.press("Send")
	b.expect("send back refused without a note", "There is a problem")
	b.check("audit-10-send-back-refused")
	b.run(tick("f-agree-1"), set("f-note", "The second victim's account is not addressed: look at it again."))
	b.press("Send")
	b.expect("sent back", "sent back to its reviewer")
	b.open(strings.TrimPrefix(auditURL, w.base))
	b.check("audit-11-audit-progress")
	b.signOut()

	// The person the finding names answers it.
	c, err := db.CaseByRef(ctx, strings.ReplaceAll(ref[1], "-", "/"))
	if err != nil {
		t.Fatal(err)
	}
	var must string
	for _, f := range c.Findings {
		if domain.IsAuditFinding(f.Kind) && f.Resolved.IsZero() {
			must = f.MustAct
		}
	}
	if org.Users[must] == nil {
		t.Fatalf("nobody is named to answer the finding on %s", c.Ref)
	}
	b.signInWith(org.Users[must].Username, demo.Password)
	b.open("/audits/findings")
	b.expect("findings to answer", "Answer the finding on "+c.Ref)
	b.check("audit-12-findings")
	b.followLink("Answer the finding on " + c.Ref)
	b.check("audit-13-answer")
	b.run(set("f-answer", "Both victims visited and told the suspects will now be traced and interviewed."))
	b.press("Record the answer")
	b.expect("answered", "is recorded", "No audit finding waits for your answer")
	b.check("audit-14-answered")
}

// TestAdministratorInTheBrowser walks the administrator's jobs in Debian's
// chromium, with axe-core and a screenshot on every page: add a user with
// a powerful role, which waits; the asking administrator cannot approve
// it and a second one does; change a rank; mark a leaver after seeing
// what they own and who will reallocate it; add a unit; run the watchdog
// as a dry run, then for real.
func TestAdministratorInTheBrowser(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	c := f.Allocated(t)
	b := newBrowser(t, srv.URL)

	b.signIn("admin")
	b.open("/admin")
	b.expect("administration", "People", "Units", "DC Ivy Investigator")
	b.check("admin-01-admin")
	b.followLink("Add a user")
	b.check("admin-02-add-user")
	// Sent blank, every reason is listed in the order of the page, each
	// beside its field.
	b.press("Add user")
	b.expect("the reasons", "There is a problem", "Enter the person's full name", "Choose at least one role")
	b.check("admin-02b-add-user-errors")
	b.run(set("f-name", "Ann Auditor"), set("f-username", "ann"), set("f-collar", "S0077"),
		set("f-rank", "staff"), set("f-unit_id", f.ForceID), tick("f-role-auditor"),
		set("f-password", "a long first password"))
	b.press("Add user")
	b.expect("user added", "Ann Auditor has been added", "waits for a second administrator")
	b.check("admin-03-user-pending")
	// The asker is told on the user page that the grant waits for another
	// administrator, with no link to a decision they cannot make.
	b.expect("the asker's user page", "You asked for this grant", "another administrator must approve")
	if b.has(`//a[normalize-space()="Approve or reject"]`) {
		t.Error("the administrator who asked for the grant is sent to decide it")
	}
	b.open("/admin")
	b.followLink("Auditor for Ann Auditor")
	b.check("admin-04-grant")
	// The grant's page tells them why they cannot decide, and offers no decision.
	b.expect("the asker's view", "You asked for this grant", "another administrator must approve")
	if b.has(`//input[@id="f-decision-approve"]`) {
		t.Error("the administrator who asked for the grant is offered a decision on it")
	}

	// Giving myself case work is refused.
	b.open("/admin/users/" + f.Admin.ID() + "/roles")
	b.run(tick("f-role-investigator"))
	b.press("Save changes")
	b.expect("self grant", "You cannot give yourself the investigator role")
	b.check("admin-06-self-grant-refused")
	b.signOut()

	// The second administrator approves.
	b.signIn("bea")
	b.open("/admin")
	b.expect("pending grants", "Waiting for a second administrator")
	b.followLink("Auditor for Ann Auditor")
	b.run(tick("f-decision-approve"))
	b.press("Send decision")
	b.expect("approved", "Ann Auditor now holds the auditor role")
	b.check("admin-07-approved")

	// Change a rank — on a page that lists addresses locked out of the account.
	for _, addr := range []string{"198.51.100.60", "2001:db8:5:6::7"} {
		guesser := service.WithClient(ctx, service.Client{Address: addr})
		for range f.Svc.Policy().Auth.LockoutFailures {
			f.Svc.SignIn(guesser, "ivy", "not the password")
		}
	}
	b.open("/admin/users/" + f.Investigator.ID())
	b.expect("locked addresses", "Addresses locked out of this account", "198.51.100.60", "2001:db8:5:6::/64")
	b.check("admin-08-user")
	b.followLink("Change roles, rank or team")
	b.check("admin-09-change")
	b.run(set("f-rank", "sergeant"))
	b.press("Save changes")
	b.expect("changed", "record has been changed", "DS Ivy Investigator", "Detective sergeant")

	// A leaver: what they own and who will reallocate it.
	owner := f.Investigator2.User
	if c.OwnerID == f.Investigator.ID() {
		owner = f.Investigator.User
	}
	b.open("/admin/users/" + owner.ID)
	b.followLink("Mark as a leaver")
	b.expect("leaver", c.Ref, f.Supervisor.User.Name)
	b.check("admin-10-leaver")
	b.run(set("f-reason", "Retired"))
	now, _ := f.Svc.Org(ctx, f.Admin)
	b.press("Confirm " + strings.Replace(domain.PersonName(now.Users[owner.ID]), "DS DC ", "DS ", 1) + " has left")
	b.expect("left", "marked as a leaver")
	b.check("admin-11-left")

	// A unit.
	b.open("/admin/units/new")
	b.check("admin-12-unit")
	b.run(set("f-name", "CSE Team East"), tick("f-kind-team"), set("f-parent_id", f.DeptID))
	b.press("Add unit")
	b.expect("unit", "CSE Team East has been added")

	// The watchdog, dry then for real.
	before, _ := db.LatestSeq(ctx)
	b.open("/admin/sweep")
	b.check("admin-13-sweep")
	b.press("Show what it would do")
	b.expect("dry run", "What a run now would do", "Owner has left")
	b.check("admin-14-sweep-dry")
	if after, _ := db.LatestSeq(ctx); after != before {
		t.Fatalf("the dry run wrote %d events", after-before)
	}
	b.press("Run the watchdog now")
	b.expect("real run", "The watchdog has run", "What the run did")
	b.check("admin-15-sweep-run")
	if after, _ := db.LatestSeq(ctx); after == before {
		t.Fatal("the real run wrote nothing")
	}
}
