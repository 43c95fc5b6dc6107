package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestDemoCaseOverviewsFit: the overview of every case of a generated demo
// force fits in 2,500 px at 1280 px wide, as the read-only inspector sees
// it (they see every case); the tallest is checked for accessibility.
func TestDemoCaseOverviewsFit(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a demo force")
	}
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, filepath.Join(t.TempDir(), "demo.db"), true)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	clk := clock.NewManual(demo.DefaultStart)
	// The demo accounts sign in with a password alone (no two-step sign-in).
	hf, err := app.New(db, app.Config{Clock: clk, Policy: policy.DemoDefault()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := demo.Generate(ctx, hf.Svc, hf.Store, clk, demo.Options{Seed: 15, Cases: 60,
		Now: time.Date(2026, 3, 4, 11, 30, 0, 0, time.UTC), Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	var inspector string
	for _, a := range res.Accounts {
		if a.Role == string(domain.RoleInspector) {
			inspector = a.Username
		}
	}
	rows, err := db.ListCases(ctx, store.CaseFilter{Limit: 1000})
	if err != nil || len(rows) < 50 {
		t.Fatalf("demo cases: %d, %v", len(rows), err)
	}
	srv := httptest.NewServer(server.New(hf.Svc, server.Config{Handler: hf.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	b.run(chromedp.EmulateViewport(1280, 800))
	b.run(chromedp.Navigate(srv.URL+"/sign-in"), set("f-username", inspector), set("f-password", demo.Password),
		chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil), clickX(`//button[normalize-space()='Sign in']`))
	b.waitFresh()
	tallest, at := 0, ""
	for _, r := range rows {
		b.open("/cases/" + request.PathRef(r.Ref))
		if h := b.height(); h > tallest {
			tallest, at = h, r.Ref
		}
	}
	t.Logf("%d demo case overviews; the tallest, %s, is %d px at 1280 px wide", len(rows), at, tallest)
	if tallest > 2500 {
		t.Errorf("the overview of %s is %d px tall at 1280 px wide, want at most 2,500", at, tallest)
	}
	b.open("/cases/" + request.PathRef(at))
	b.check("20-demo-tallest-overview")
	for _, s := range []string{"actions", "victims", "people", "decisions", "history"} {
		b.open("/cases/" + request.PathRef(at) + "/" + s)
		b.check("20-demo-tallest-" + s)
	}
}

// TestInspectorReadsWithoutWriting: the read-only inspector reads every
// section of cases in every state and is offered no write control.
func TestInspectorReadsWithoutWriting(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	w := newWorld(t, f)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	b.signIn("hmi")
	for i, c := range w.cases {
		for _, s := range sections {
			b.open("/cases/" + request.PathRef(c.Ref) + s)
			var writes string
			b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll(
				'main form[method=post], main a[href*="/do/"], main a[href$="/close"]'))
				.map(e => e.getAttribute("action") || e.getAttribute("href")).join(" ")`, &writes))
			if writes != "" {
				t.Errorf("%s%s offers the read-only inspector: %s", c.Ref, s, writes)
			}
			if i < 3 || s == "/decisions" {
				b.check(fmt.Sprintf("21-inspector-%d%s", i, strings.ReplaceAll(s, "/", "-")))
			}
		}
	}
	// Going to a journey's page straight says why, and offers no form.
	b.open("/cases/" + request.PathRef(w.cases[0].Ref) + "/do/add-note")
	if !b.has(`//*[@id='refused']`) {
		t.Errorf("the inspector's add-note page does not say why not: %s", b.main())
	}
	if b.has(`//main//form[@method='post']`) {
		t.Error("the inspector is given the add-note form")
	}
	b.check("21-inspector-add-note")
}

// TestRightToReviewAndTransferInTheBrowser: a victim's request for a review
// recorded by the liaison officer, acknowledged by the sergeant choosing
// the reviewer by name, and decided by that reviewer; a transfer accepted
// by the receiving team's sergeant choosing the new officer by name.
func TestRightToReviewAndTransferInTheBrowser(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	w := newWorld(t, f)
	closed, moving := w.cases[3], w.cases[1]
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	path := "/cases/" + request.PathRef(closed.Ref)

	b.signIn("lia")
	b.open(path + "/victims")
	b.follow("Record a request for review by Child B")
	b.check("30-vrr-request")
	b.press("Record the request")
	if m := b.main(); !strings.Contains(m, "Right to Review request recorded") ||
		!strings.Contains(m, "It has not been acknowledged") {
		t.Fatalf("request a review: %s", m)
	}
	b.signOut()

	b.signIn("sam")
	b.open(path + "/decisions")
	b.follow("Acknowledge and name the reviewer")
	if sel := b.value("f-reviewer"); sel != "" {
		t.Fatalf("the reviewer picker has someone chosen before anyone chose: %q", sel)
	}
	if b.has(`//select[@id='f-reviewer']/option[normalize-space()='DI Ines Inspector']`) {
		t.Error("the reviewer picker offers the inspector who approved the closure")
	}
	b.run(choose("f-reviewer", "DCI Max Manager"))
	b.check("31-vrr-acknowledge")
	b.press("Acknowledge and name the reviewer")
	if m := b.main(); !strings.Contains(m, "DCI Max Manager is reviewing it") {
		t.Fatalf("acknowledge: %s", m)
	}
	if b.has(`//main//a[normalize-space()='Decide the request']`) {
		t.Error("the sergeant is offered to decide a review named for another")
	}
	b.signOut()

	b.signIn("max")
	b.open(path + "/decisions")
	b.follow("Decide the request")
	b.run(clickX(`//label[starts-with(normalize-space(), 'Not upheld')]`),
		set("f-reasons", "Every line of enquiry was followed; the evidence does not support a prosecution"))
	b.check("32-vrr-decide")
	b.press("Continue")
	// Check your answers: a Change returns to the form as typed.
	if m := b.main(); !strings.Contains(m, "Check your answers before you record the decision") ||
		!strings.Contains(m, "Not upheld") {
		t.Fatalf("the check-answers page of the decision: %s", m)
	}
	b.press("Change reasons")
	if got := b.value("f-reasons"); !strings.HasPrefix(got, "Every line of enquiry was followed") {
		t.Fatalf("Change lost what was typed: %q", got)
	}
	b.press("Continue")
	b.check("32b-vrr-check-answers")
	b.press("Record the decision")
	if m := b.main(); !strings.Contains(m, "Right to Review decided: not upheld.") ||
		!strings.Contains(m, "must tell the victim of the decision and its reasons by ") {
		t.Fatalf("decide: %s", m)
	}
	b.open(path + "/history?kind=decisions")
	if m := b.main(); !strings.Contains(m, "DS Sam Supervisor acknowledged the request for a review and named DCI Max Manager to decide it") {
		t.Errorf("the history of the review: %s", m)
	}
	b.signOut()

	b.signIn("olly")
	b.open("/cases/" + request.PathRef(moving.Ref) + "/decisions")
	b.follow("Accept the transfer")
	if sel := b.value("f-owner_id"); sel != "" {
		t.Fatalf("the new owner picker has someone chosen before anyone chose: %q", sel)
	}
	b.run(choose("f-owner_id", "DC Olly Other"))
	b.check("33-transfer-accept")
	b.press("Continue")
	if m := b.main(); !strings.Contains(m, "Check your answers before you accept the transfer") ||
		!strings.Contains(m, "DC Olly Other") {
		t.Fatalf("the check-answers page of the acceptance: %s", m)
	}
	b.check("33b-transfer-check-answers")
	b.press("Accept the transfer")
	if m := b.main(); !strings.Contains(m, "Transfer accepted") {
		t.Fatalf("accept transfer: %s", m)
	}
	if c, _ := db.Case(context.Background(), moving.ID); c.TeamID != f.TeamC || c.OwnerID != f.OtherTeam.ID() {
		t.Errorf("after acceptance the case is %s's, owned by %s", c.TeamID, c.OwnerID)
	}
}
