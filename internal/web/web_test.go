package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// client is a browser without the browser: cookies, forms, CSRF tokens.
type client struct {
	t    *testing.T
	base string
	http *http.Client
}

func newClient(t *testing.T, base, username string) *client {
	jar, _ := cookiejar.New(nil)
	c := &client{t: t, base: base, http: &http.Client{Jar: jar}}
	if username != "" {
		_, form := c.get("/sign-in")
		status, body := c.post("/sign-in", url.Values{"username": {username}, "password": {fixture.Password},
			"csrf": {signInToken(form)}})
		if status != 200 || !strings.Contains(body, "My work") {
			t.Fatalf("sign in as %s: %d %s", username, status, body)
		}
	}
	return c
}

func (c *client) get(path string) (int, string) {
	c.t.Helper()
	res, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (c *client) post(path string, form url.Values) (int, string) {
	c.t.Helper()
	res, err := c.http.PostForm(c.base+path, form)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signInToken is the sign-in form's token, if it has one.
func signInToken(page string) string {
	if m := csrfRE.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

func (c *client) csrf(page string) string {
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		c.t.Fatal("the page has no CSRF token")
	}
	return m[1]
}

func start(t *testing.T, db *sqlstore.DB) (*fixture.Force, string) {
	f := fixture.New(t, db)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	return f, srv.URL
}

// TestPagesAuthoriseAndRecord: pages go through the service's need to know,
// every case page view is recorded, forms need the session's CSRF token,
// and what people typed is escaped.
func TestPagesAuthoriseAndRecord(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		path := "/cases/" + request.PathRef(c.Ref)

		anon := newClient(t, base, "")
		if status, body := anon.get(path); status != 200 || !strings.Contains(body, "Sign in to Holdfast") {
			t.Fatalf("anonymous case page: %d, want the sign-in form", status)
		}

		ivy := newClient(t, base, "ivy")
		before, _ := db.LatestSeq(ctx)
		status, page := ivy.get(path)
		if status != 200 || !strings.Contains(page, c.Ref) {
			t.Fatalf("owner's case page: %d", status)
		}
		evs, _ := db.CaseEvents(ctx, c.ID)
		if last := evs[len(evs)-1]; last.Type != "case.viewed" || last.Actor != f.Investigator.ID() ||
			last.Seq <= before {
			t.Fatalf("viewing the case page was not recorded: last event %s by %s", last.Type, last.Actor)
		}

		// Another team's officer: not found, and nothing of the case shown.
		olly := newClient(t, base, "olly")
		if status, body := olly.get(path); status != 404 || strings.Contains(body, c.Summary) {
			t.Fatalf("other team's case page: %d", status)
		}
		// An investigator is not an administrator.
		if status, _ := ivy.get("/admin"); status != 403 {
			t.Fatalf("investigator on /admin: %d, want 403", status)
		}
		if status, _ := ivy.get("/audits"); status != 403 {
			t.Fatalf("investigator on /audits: %d, want 403", status)
		}
		if status, _ := ivy.get("/dashboard"); status != 403 {
			t.Fatalf("investigator on /dashboard: %d, want 403", status)
		}

		// A form without the CSRF token is refused and writes nothing.
		before, _ = testdb.RecordEvents(ctx, db)
		form := url.Values{"version": {itoa(c.Version)}, "text": {"no token"}}
		if status, _ := ivy.post(path+"/do/add-note", form); status != 403 {
			t.Fatalf("note without CSRF token: %d, want 403", status)
		}
		if after, _ := testdb.RecordEvents(ctx, db); after != before {
			t.Fatalf("a refused form wrote %d events", after-before)
		}

		// With it, the note is added, and markup in it is shown, not run.
		form.Set("csrf", ivy.csrf(page))
		form.Set("text", `<script>alert("x")</script> spoke to school`)
		status, page = ivy.post(path+"/do/add-note", form)
		if status != 200 || !strings.Contains(page, "Note added") {
			t.Fatalf("add note: %d", status)
		}
		if strings.Contains(page, `<script>alert("x")</script>`) || !strings.Contains(page, "&lt;script&gt;") {
			t.Fatal("a note's markup reached the page unescaped")
		}

		// A stale version: the page says someone else changed it; nothing written.
		before, _ = db.LatestSeq(ctx)
		form.Set("text", "second")
		if status, body := ivy.post(path+"/do/add-note", form); status != 409 || !strings.Contains(body, "version") {
			t.Fatalf("stale form: %d, want 409 naming the version", status)
		}
		onlyReads(t, db, c.ID, before)

		// A refused command lists every reason in an error summary.
		cur, _ := db.Case(ctx, c.ID)
		status, body := ivy.post(
			path+"/do/add-victim",
			url.Values{"csrf": {ivy.csrf(page)}, "version": {itoa(cur.Version)}, "dob": {"31/02/2010"}},
		)
		if status != 422 || !strings.Contains(body, "govuk-error-summary") || !strings.Contains(body, `data-rule="required"`) {
			t.Fatalf("bad victim: %d, want 422 with an error summary", status)
		}
		summaryLinksLand(t, body)
		if strings.Count(body, "govuk-error-summary__list") != 1 || !strings.Contains(body, `href="#f-dob-day"`) {
			t.Fatalf(
				"the error summary must link each field: %s",
				body[strings.Index(body, "govuk-error-summary"):][:600],
			)
		}

		// A date typed in the date input's three fields that is not a real
		// date is refused by the decoder, naming the part to put right.
		status, body = ivy.post(
			path+"/do/add-victim",
			url.Values{"csrf": {ivy.csrf(page)}, "version": {itoa(cur.Version)}, "name": {"Child Z"},
				"dob-day": {"31"}, "dob-month": {"2"}, "dob-year": {"2010"}},
		)
		summaryLinksLand(t, body)
		if status != 422 || !strings.Contains(body, `<a href="#f-dob-day">Date of birth must be a real date`) ||
			!strings.Contains(body, `value="31"`) {
			t.Fatalf("a date that does not exist: %d, want 422 linking the day and keeping what was typed", status)
		}
		onlyReads(t, db, c.ID, before)

		// The form adds a suspect with the identifiers that link cases; a
		// suspect named but not interviewed is marked, and the status form
		// records it.
		cur, _ = db.Case(ctx, c.ID)
		status, page = ivy.post(
			path+"/do/add-suspect",
			url.Values{"csrf": {ivy.csrf(page)}, "version": {itoa(cur.Version)},
				"name": {
					"Adult X",
				}, "phone": {" 07700 900123 "}, "vehicle": {"AB12 CDE"}, "address": {"<b>1</b> High St, NS1 1AA"}},
		)
		if status != 200 || !strings.Contains(page, "Suspect added") {
			t.Fatalf("add suspect: %d", status)
		}
		if cur, _ = db.Case(ctx, c.ID); len(cur.Suspects) != 1 || cur.Suspects[0].Phone != "07700 900123" ||
			cur.Suspects[0].Vehicle != "AB12 CDE" {
			t.Fatalf("suspect as stored: %+v", cur.Suspects)
		}
		if !strings.Contains(page, "Phone 07700 900123") || !strings.Contains(page, "&lt;b&gt;1&lt;/b&gt; High St") {
			t.Fatal("the case page does not show the suspect's identifiers, escaped")
		}
		if !strings.Contains(page, "Not interviewed") || !strings.Contains(page, "Record status") {
			t.Fatal("the case page neither flags the uninterviewed suspect nor offers to record a status")
		}
		status, body = ivy.post(
			path+"/do/suspect-status",
			url.Values{
				"csrf":    {ivy.csrf(page)},
				"version": {itoa(cur.Version)},
				"suspect": {cur.Suspects[0].ID},
				"status":  {"interviewed"},
			},
		)
		if status != 200 || !strings.Contains(body, "Suspect status recorded") ||
			strings.Contains(body, "Not interviewed") {
			t.Fatalf("record suspect status: %d", status)
		}
	})
}

// onlyReads fails if anything but reads of the case was written after seq.
func onlyReads(t *testing.T, db *sqlstore.DB, caseID string, after int64) {
	t.Helper()
	evs, err := db.CaseEvents(context.Background(), caseID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Seq > after && e.Type != "case.viewed" {
			t.Fatalf("a refused command wrote %s", e.Type)
		}
	}
	if last, _ := db.LatestSeq(context.Background()); last > after && evs[len(evs)-1].Seq != last {
		t.Fatal("a refused command wrote an event outside the case")
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
