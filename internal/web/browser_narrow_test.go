package web_test

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/testdb"
)

// overflowJS measures a page at the viewport's width: whether the document
// scrolls sideways, and which elements reach past the viewport's right edge
// outside any region that scrolls itself (the last ones, to name the
// culprit).
const overflowJS = `(() => {
	const w = window.innerWidth, sw = document.documentElement.scrollWidth;
	if (sw <= w) return "";
	const out = [];
	for (const e of document.querySelectorAll("body *")) {
		const r = e.getBoundingClientRect();
		if (r.right > w + 0.5 && !e.closest(".hf-table-region")) {
			out.push(e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + e.className + " (" + Math.round(r.right) + "px)");
		}
	}
	return "scrollWidth " + sw + " > " + w + ": " + out.slice(-8).join("; ");
})()`

// TestCaseHubFitsANarrowScreen: at 390×844 (a phone), no page of the case
// hub scrolls sideways (document.documentElement.scrollWidth is at most
// innerWidth): the sections of cases in every state, as the roles that
// work them see them, and the journeys' pages. A wide table scrolls within
// its own labelled, focusable region instead.
func TestCaseHubFitsANarrowScreen(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	w := newWorld(t, f)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	b.run(chromedp.EmulateViewport(390, 844))
	pages := 0
	measure := func(who, path string) {
		t.Helper()
		b.open(path)
		var over string
		b.run(chromedp.Evaluate(overflowJS, &over))
		if over != "" {
			t.Errorf("%s at 390 px wide, as %s: the page scrolls sideways: %s", path, who, over)
		}
		pages++
	}
	for _, who := range []string{"ivy", "sam", "max"} {
		b.signIn(who)
		for _, c := range w.cases {
			for _, s := range sections {
				measure(who, "/cases/"+request.PathRef(c.Ref)+s)
			}
		}
		b.signOut()
	}
	// The journeys' pages, as the investigator: a form with every kind of
	// field, the close journey, and a date input.
	b.signIn("ivy")
	at := "/cases/" + request.PathRef(w.cases[0].Ref)
	for _, j := range []string{"/close", "/do/update-case", "/do/add-victim", "/do/add-suspect", "/do/raise-action",
		"/do/record-contact?victim=" + w.cases[0].Victims[0].ID, "/do/allocate-action?action=" + w.cases[0].Actions[0].ID,
		"/do/correct-note?corrects=" + w.cases[0].Notes[0].ID, "/do/transfer"} {
		measure("ivy", at+j)
	}
	b.open(at + "/actions")
	b.check("40-narrow-actions")
	b.open(at)
	b.check("40-narrow-overview")
	b.open(at + "/do/add-suspect")
	b.check("40-narrow-date-input")
	t.Logf("%d pages measured at 390×844", pages)
	if pages < 50 {
		t.Fatalf("only %d pages measured", pages)
	}
}

// TestWorklistsFitANarrowScreen: at 390×844 the inbox, the case list and
// My work (and the team board) do not scroll sideways, for each role that
// works from them, with the world's alerts, cases and duties in them.
func TestWorklistsFitANarrowScreen(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	newWorld(t, f)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	b.run(chromedp.EmulateViewport(390, 844))
	for _, who := range []string{"ivy", "sam", "ines", "max", "lia"} {
		b.signIn(who)
		for _, path := range []string{"/work", "/inbox", "/cases", "/cases?status=open", "/team"} {
			b.open(path)
			var over string
			b.run(chromedp.Evaluate(overflowJS, &over))
			if over != "" {
				t.Errorf("%s at 390 px wide, as %s: the page scrolls sideways: %s", path, who, over)
			}
		}
		b.signOut()
	}
	b.signIn("ines")
	b.open("/inbox")
	b.check("41-narrow-inbox")
	b.open("/work")
	b.check("41-narrow-work")
	b.open("/cases")
	b.check("41-narrow-cases")
}
