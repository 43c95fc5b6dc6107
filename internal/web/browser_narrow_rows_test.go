package web_test

import (
	"net/http/httptest"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/testdb"
)

// rowsJS finds, in every table of the page, each row's Due (or When)
// cell, by its column's heading, and each button and link in a row, and
// lists those that reach past the screen's edges: a region that scrolls
// sideways keeps the page from scrolling, but hides them just the same.
const rowsJS = `(() => {
	const w = window.innerWidth, out = [];
	let due = 0, acts = 0;
	const off = (e, what, t) => {
		const b = e.getBoundingClientRect();
		if (b.width > 0 && (b.left < -0.5 || b.right > w + 0.5)) {
			out.push("#" + t.id + ": " + what + " at " + Math.round(b.left) + " to " + Math.round(b.right) + " px");
		}
	};
	for (const t of document.querySelectorAll("main table")) {
		const hs = [...t.querySelectorAll("thead th")].map(h => h.textContent.trim());
		const at = hs.findIndex(h => h === "Due" || h === "When");
		for (const r of t.querySelectorAll("tbody tr")) {
			if (at >= 0 && r.cells.length === hs.length) {
				due++;
				off(r.cells[at], hs[at], t);
			}
			for (const e of r.querySelectorAll("button, a")) {
				acts++;
				off(e, "“" + e.textContent.trim().slice(0, 40) + "”", t);
			}
		}
	}
	return {off: out.slice(0, 6), due: due, acts: acts};
})()`

type rowsState struct {
	Off  []string `json:"off"`
	Due  int      `json:"due"`
	Acts int      `json:"acts"`
}

// TestWorkRowsReadOnAPhone: at 375×667 every row of My work and the inbox
// shows its due date (or when an alert came) and its buttons and links
// without scrolling sideways, for each role that works from them. (The
// walk of 2026-12-07 found the Due column and the inbox's buttons past the
// screen's right edge, in a region that had to be scrolled to reach them.)
func TestWorkRowsReadOnAPhone(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	newWorld(t, f)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	b.run(chromedp.EmulateViewport(375, 667))
	due, acts := map[string]int{}, map[string]int{}
	for _, who := range []string{"ivy", "sam", "ines", "max", "lia"} {
		b.signIn(who)
		for _, path := range []string{"/work", "/inbox"} {
			b.open(path)
			var s rowsState
			b.run(chromedp.Evaluate(rowsJS, &s))
			for _, o := range s.Off {
				t.Errorf("%s at 375 px, as %s: %s, past the screen's edge", path, who, o)
			}
			due[path] += s.Due
			acts[path] += s.Acts
		}
		b.signOut()
	}
	for _, path := range []string{"/work", "/inbox"} {
		if due[path] == 0 || acts[path] == 0 {
			t.Errorf("%s: %d due dates and %d buttons and links measured: the world has none", path, due[path],
				acts[path])
		}
	}
	t.Logf("due dates measured %v, buttons and links %v", due, acts)
	b.signIn("ines")
	b.open("/inbox")
	b.check("43-phone-inbox")
	b.signIn("ivy")
	b.open("/work")
	b.check("43-phone-work")
}

// TestReviewsAndSecurityLogReadOnAPhone: at 375×667 the auditors' list of
// reviews and the security log do not scroll sideways, and every row's due
// date (or when) and its links are on the screen, on a demo force with
// reviews assigned and waiting for sign-off. (The walk of 2026-12-07 found
// My reviews 411 px wide, its Due column cut to "Overd", and the security
// log 722 px wide.)
func TestReviewsAndSecurityLogReadOnAPhone(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	w := newDemoWorld(t, db, 40)
	b := newBrowser(t, w.base)
	b.run(chromedp.EmulateViewport(375, 667))
	rows := 0
	for _, tc := range []struct{ role, path string }{
		{"auditor (reviewer)", "/audits/reviews"}, {"auditor", "/audits/reviews"},
		{"administrator", "/security-log"},
	} {
		b.signInWith(w.accounts[tc.role], demo.Password)
		b.open(tc.path)
		var over string
		b.run(chromedp.Evaluate(overflowJS, &over))
		if over != "" {
			t.Errorf("%s at 375 px wide, as %s: the page scrolls sideways: %s", tc.path, tc.role, over)
		}
		var s rowsState
		b.run(chromedp.Evaluate(rowsJS, &s))
		for _, o := range s.Off {
			t.Errorf("%s at 375 px, as %s: %s, past the screen's edge", tc.path, tc.role, o)
		}
		rows += s.Due
		b.signOut()
	}
	if rows == 0 {
		t.Error("no row measured: the demo force has no reviews or security events")
	}
	b.signInWith(w.accounts["auditor"], demo.Password)
	b.open("/audits/reviews")
	b.check("44-phone-reviews")
	b.signOut()
	b.signInWith(w.accounts["administrator"], demo.Password)
	b.open("/security-log")
	b.check("44-phone-security-log")
}
