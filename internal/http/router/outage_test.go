package router_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/http/router"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// With valid credentials and the database gone, the API answers 503 with
// Retry-After and the pages show the outage, saying nothing was saved —
// never 401 "sign in first" or a redirect to the sign-in page (issue 23:
// terminating PostgreSQL's connections gave 401 in 4 of 6 tries).
func TestOutageIsAnswered503NotSignIn(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { outage(t, engine) })
	}
}

func outage(t *testing.T, engine string) {
	ctx := context.Background()
	db, err := sqlstore.Open(ctx, testdb.DSN(t, engine), true) // closed by the test, not by testdb
	if err != nil {
		t.Fatal(err)
	}
	f := fixture.New(t, db)
	h, err := router.New(f.Svc, false)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	tok, err := f.Svc.CreateToken(ctx, f.Investigator, "outage")
	if err != nil {
		t.Fatal(err)
	}
	sess, err := f.Svc.SignIn(ctx, "ivy", fixture.Password)
	if err != nil {
		t.Fatal(err)
	}
	noRedirect := &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	get := func(path string, auth func(*http.Request)) *http.Response {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		auth(req)
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}
	bearer := func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok) }
	cookie := func(r *http.Request) { r.AddCookie(&http.Cookie{Name: request.SessionCookie, Value: sess.Token}) }
	if res := get("/api/v1/cases", bearer); res.StatusCode != http.StatusOK {
		t.Fatalf("before the outage: GET /api/v1/cases = %d", res.StatusCode)
	}

	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	res := get("/api/v1/cases", bearer)
	var p struct{ Title, Detail string }
	json.NewDecoder(res.Body).Decode(&p)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" {
		t.Fatalf("API during an outage: %d, Retry-After %q (%+v); want 503 with Retry-After",
			res.StatusCode, res.Header.Get("Retry-After"), p)
	}
	if !strings.Contains(p.Title, "cannot reach its database") {
		t.Errorf("API problem title %q: should say the database cannot be reached", p.Title)
	}
	res = get("/work", cookie)
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Location") != "" {
		t.Fatalf("page during an outage: %d to %q; want 503 in place, not a redirect to sign in",
			res.StatusCode, res.Header.Get("Location"))
	}
	if !strings.Contains(string(body), "cannot reach its database") ||
		!strings.Contains(string(body), "Nothing was changed") {
		t.Errorf("page during an outage does not say what happened and that nothing changed:\n%s", body)
	}
	const signInTok = "outage-sign-in-token-of-43-characters-00000" // the form's pre-session token
	form := url.Values{"username": {"ivy"}, "password": {fixture.Password}, "csrf": {signInTok}}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/sign-in", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "holdfast_signin", Value: signInTok})
	res, err = noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf(
			"sign-in during an outage: %d, want 503 (not \"enter a correct username and password\")",
			res.StatusCode,
		)
	}
}
