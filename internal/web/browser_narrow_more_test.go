package web_test

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/testdb"
)

// menuJS reads the service navigation at a phone's width: whether the
// Menu toggle shows, whether the list of links is hidden until it is
// pressed, and how far down the page the main content starts.
const menuJS = `(() => {
	const b = document.querySelector(".govuk-service-navigation__toggle");
	const l = document.getElementById("navigation");
	const shown = e => !!e && e.getClientRects().length > 0 && getComputedStyle(e).display !== "none";
	return {toggle: shown(b) ? b.textContent.trim() : "", list: shown(l),
		main: Math.round(document.getElementById("main-content").getBoundingClientRect().top)};
})()`

type menuState struct {
	Toggle string `json:"toggle"`
	List   bool   `json:"list"`
	Main   int    `json:"main"`
}

// TestOtherPagesFitANarrowScreen: at 375×667 the service navigation folds
// behind GOV.UK Frontend's Menu toggle, and the account, audit, links,
// access report, administration and leaver pages do not scroll sideways
// (the walk of 2026-12-07 found all eleven links expanded, the content
// 570 px down, and these pages' tables wider than the screen).
func TestOtherPagesFitANarrowScreen(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	w := newWorld(t, f)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	b.run(chromedp.EmulateViewport(375, 667))
	measure := func(who, path string) {
		t.Helper()
		b.open(path)
		var over string
		b.run(chromedp.Evaluate(overflowJS, &over))
		if over != "" {
			t.Errorf("%s at 375 px wide, as %s: the page scrolls sideways: %s", path, who, over)
		}
	}
	owner := w.cases[0].OwnerID
	for who, paths := range map[string][]string{
		"aud":   {"/account", "/audits", "/links", "/access", "/ledger"},
		"ana":   {"/links"},
		"admin": {"/admin", "/admin/users/" + owner, "/admin/users/" + owner + "/leave", "/account"},
	} {
		b.signIn(who)
		var m menuState
		b.run(chromedp.Evaluate(menuJS, &m))
		if m.Toggle != "Menu" || m.List {
			t.Errorf("as %s at 375 px: the Menu toggle %q, the links shown %v; want the links folded behind Menu",
				who, m.Toggle, m.List)
		}
		if m.Main > 300 {
			t.Errorf("as %s at 375 px: the content starts %d px down", who, m.Main)
		}
		for _, p := range paths {
			measure(who, p)
		}
		b.signOut()
	}
	b.signIn("admin")
	b.open("/admin/users/" + owner + "/leave")
	b.check("42-narrow-leaver")
	b.run(chromedp.Click(".govuk-service-navigation__toggle", chromedp.ByQuery))
	var m menuState
	b.run(chromedp.Evaluate(menuJS, &m))
	if !m.List {
		t.Error("pressing Menu does not show the links")
	}
	b.check("42-narrow-menu-open")
}
