package web_test

// Attacks on the pages (issue 16), each a reproduction that worked on the
// running system before it was closed. Add one here for every hole found:
// the attack as the attacker sent it, and what must happen instead.

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// noFollow is a client that shows redirects instead of following them.
func noFollow(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
}

// signInWithNext signs ivy in through the form, sending next, and returns
// where the server sends the browser.
func signInWithNext(t *testing.T, base, next string) string {
	t.Helper()
	c := &client{t: t, base: base, http: noFollow(t)}
	_, form := c.get("/sign-in")
	res, err := c.http.PostForm(base+"/sign-in", url.Values{"username": {"ivy"}, "password": {fixture.Password},
		"csrf": {signInToken(form)}, "next": {next}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in with next %q: %d, want 303", next, res.StatusCode)
	}
	return res.Header.Get("Location")
}

// Item 3: next=/\evil.example/ answered Location: /\evil.example/, which
// browsers resolve to http://evil.example/; a tab or newline after the
// first slash is dropped by browsers, giving //evil.example.
func TestAttackOpenRedirectAfterSignIn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		for _, next := range []string{`/\evil.example/`, "/\t/evil.example", "/\n/evil.example", "/\r/evil.example",
			"//evil.example", "///evil.example", "https://evil.example/", "javascript:alert(1)", "evil.example",
			`/%5Cevil.example`, "/ /evil.example", "http:/evil.example", "/\x00/evil.example", ""} {
			if loc := signInWithNext(t, base, next); loc != "/work" {
				t.Errorf("next %q: sent to %q, want /work", next, loc)
			}
		}
		// A path on this site is kept, query and all.
		for _, next := range []string{"/cases/CSE-2026-000001?tab=notes", "/inbox", "/cases?q=a%2Fb"} {
			if loc := signInWithNext(t, base, next); loc != next {
				t.Errorf("next %q: sent to %q, want it kept", next, loc)
			}
		}
	})
}

// Item 3: the sign-in form had no CSRF token, so another site could sign a
// victim's browser in as the attacker (login CSRF).
func TestAttackLoginCSRF(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		creds := url.Values{"username": {"ivy"}, "password": {fixture.Password}}
		post := func(c *http.Client, form url.Values) *http.Response {
			res, err := c.PostForm(base+"/sign-in", form)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res
		}
		session := func(res *http.Response) bool {
			for _, ck := range res.Cookies() {
				if ck.Name == request.SessionCookie && ck.Value != "" {
					return true
				}
			}
			return false
		}
		// Another site's form: no cookie of ours, whatever token it makes up.
		for _, tok := range []string{"", "made-up-token-made-up-token-made-up-token00"} {
			form := url.Values{"csrf": {tok}}
			for k, v := range creds {
				form[k] = v
			}
			if res := post(noFollow(t), form); res.StatusCode != http.StatusForbidden || session(res) {
				t.Errorf("a cross-site sign-in (token %q): %d, session started %v; want 403 and none",
					tok, res.StatusCode, session(res))
			}
		}
		// Our cookie, but the token is not the one in it.
		c := &client{t: t, base: base, http: noFollow(t)}
		_, page := c.get("/sign-in")
		form := url.Values{"csrf": {strings.ToUpper(c.csrf(page))}}
		for k, v := range creds {
			form[k] = v
		}
		if res := post(c.http, form); res.StatusCode != http.StatusForbidden || session(res) {
			t.Errorf("a sign-in with the wrong token: %d, want 403", res.StatusCode)
		}
		// The cookie is Strict, so another site's post never carries it.
		res, err := noFollow(t).Get(base + "/sign-in")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		for _, ck := range res.Cookies() {
			if ck.Name == "holdfast_signin" && (ck.SameSite != http.SameSiteStrictMode || !ck.HttpOnly) {
				t.Errorf("the sign-in token cookie is SameSite %v, HttpOnly %v: want Strict and HttpOnly",
					ck.SameSite, ck.HttpOnly)
			}
		}
	})
}

// Items 7: /work?done=<any text> showed the attacker's words in the green
// success banner, as if Holdfast had said them.
func TestAttackForgedSuccessBanner(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		ivy := newClient(t, base, "ivy")
		const lie = "Your session expired: sign in again at evil.example"
		for _, q := range []string{"?done=" + url.QueryEscape(lie),
			"?done=" + url.QueryEscape(lie) + "&sig=AAAAAAAAAAAAAAAAAAAAAAAA"} {
			if _, body := ivy.get("/work" + q); strings.Contains(body, "evil.example") ||
				strings.Contains(body, "govuk-notification-banner--success") {
				t.Errorf("/work%s shows a success banner with the attacker's words", q)
			}
		}
		// A message the server signed for one session is not shown to another.
		c := f.Allocated(t)
		path := "/cases/" + request.PathRef(c.Ref)
		_, page := ivy.get(path)
		res, err := ivy.http.PostForm(base+path+"/do/add-note", url.Values{"csrf": {ivy.csrf(page)},
			"version": {itoa(c.Version)}, "text": {"spoke to school"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Request.URL.Query().Get("done") != "Note added" {
			t.Fatalf("adding a note landed on %s, want the case with done=Note added", res.Request.URL)
		}
		signed := res.Request.URL.RequestURI()
		if _, body := ivy.get(signed); !strings.Contains(body, "Note added") {
			t.Fatalf("the banner the server chose is not shown on %s", signed)
		}
		ivy2 := newClient(t, base, "ivy")
		if _, body := ivy2.get(signed); strings.Contains(body, "govuk-notification-banner--success") {
			t.Errorf("another session shows the banner signed for the first")
		}
	})
}

// Item 7: the pages read forms of up to 10 MB (a 9.5 MB note was stored);
// the pages take no larger a body than the API (request.MaxBody).
func TestAttackOversizedForm(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		path := "/cases/" + request.PathRef(c.Ref)
		ivy := newClient(t, base, "ivy")
		_, page := ivy.get(path)
		before, _ := db.LatestSeq(ctx)
		big := strings.Repeat("a", request.MaxBody+1)
		status, _ := ivy.post(path+"/do/add-note", url.Values{"csrf": {ivy.csrf(page)},
			"version": {itoa(c.Version)}, "text": {big}})
		if status != http.StatusRequestEntityTooLarge {
			t.Errorf("a note over %d bytes: %d, want 413", request.MaxBody, status)
		}
		onlyReads(t, db, c.ID, before)
		anon := &client{t: t, base: base, http: noFollow(t)}
		if status, _ := anon.post("/sign-in", url.Values{"username": {big}}); status != http.StatusRequestEntityTooLarge {
			t.Errorf("a sign-in form over %d bytes: %d, want 413", request.MaxBody, status)
		}
	})
}

// Item 5, the rest: a case shown in lists (a triage queue, an audit
// report) was read — each list recorded a records.read naming it — but
// the case's History said nothing of it: only the force-wide access report
// did. The History shows those reads beside the case's own, collapsed.
func TestAttackReadsInListsShownOnTheCaseHistory(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		ctx := context.Background()
		c := f.Allocated(t)
		other := f.Allocated(t)
		for _, a := range []*service.Actor{f.Auditor, f.Manager, f.Analyst, f.Auditor} {
			if err := f.Svc.LogRead(ctx, a, "audits.triage", []string{other.ID, c.ID}, ""); err != nil {
				t.Fatal(err)
			}
		}
		sam := newClient(t, base, "sam")
		code, body := sam.get("/cases/" + request.PathRef(c.Ref) + "/history")
		if code != http.StatusOK {
			t.Fatalf("history: %d", code)
		}
		// Sam's own sign-in showed the case on My work: a read in a list too.
		for _, want := range []string{"Seen in lists 5 times by 4 people", "Audrey Auditor", "DCI Max Manager",
			"Ana Analyst", "Shown in the audit triage", "Shown in My work"} {
			if !strings.Contains(body, want) {
				t.Errorf("the case's history does not say %q: %.300s", want, body[max(0, strings.Index(body, "Seen in")):])
			}
		}
		// Filtering to changes only leaves reads out, in lists as well.
		if _, body := sam.get("/cases/" + request.PathRef(c.Ref) + "/history?kind=changes"); strings.Contains(body,
			"Seen in lists") {
			t.Error("reads in lists shown among changes only")
		}
		// Someone outside the case's need to know learns nothing of them.
		if _, err := f.Svc.CaseListReads(ctx, f.OtherTeam, c.Ref); err == nil {
			t.Error("a person of another team listed who read the case in lists")
		}
	})
}

// Emergency access is offered on a case's "not found" only to those who
// may break glass (the roles that work cases), never elsewhere; the form
// is refused to the others by the service.
func TestBreakGlassOfferedOnlyToCaseworkers(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		c := f.Allocated(t)
		path := "/cases/" + request.PathRef(c.Ref)
		olly := newClient(t, base, "olly")
		if code, body := olly.get(path + "/victims"); code != http.StatusNotFound ||
			!strings.Contains(body, `href="/break-glass?case=`+url.QueryEscape(c.Ref)+`"`) {
			t.Errorf("olly on another team's case: %d, offered: %v", code, strings.Contains(body, "break-glass"))
		}
		if _, body := olly.get("/no-such-page"); strings.Contains(body, "break-glass") {
			t.Error("emergency access offered on a page that is not a case's")
		}
		admin := newClient(t, base, "admin")
		code, body := admin.get(path)
		if code != http.StatusNotFound || strings.Contains(body, "break-glass") {
			t.Errorf("the administrator: %d, offered emergency access: %v", code, strings.Contains(body, "break-glass"))
		}
		if code, _ := admin.get("/break-glass?case=" + url.QueryEscape(c.Ref)); code != http.StatusForbidden {
			t.Errorf("the administrator given the emergency access form: %d, want 403", code)
		}
		_, form := admin.get("/work")
		if code, _ := admin.post("/break-glass", url.Values{"csrf": {admin.csrf(form)}, "case": {c.Ref},
			"reason": {"I would like to read this case, please."}}); code != http.StatusForbidden {
			t.Errorf("the administrator asking for emergency access: %d, want 403", code)
		}
	})
}
