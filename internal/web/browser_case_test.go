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
	hf, err := app.New(db, app.Config{Clock: clk})
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
