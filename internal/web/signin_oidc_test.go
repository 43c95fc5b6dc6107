package web_test

import (
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/oidc"
	"github.com/holdfast/holdfast/internal/oidc/testprovider"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// startOIDC runs Holdfast with the in-process provider as the force's.
func startOIDC(t *testing.T, db *sqlstore.DB) (*fixture.Force, *testprovider.Provider, string) {
	t.Helper()
	idp := testprovider.New(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String()
	f := fixture.New(t, db, func(c *app.Config) {
		c.OIDC = &oidc.Config{Issuer: idp.URL, ClientID: testprovider.ClientID, ClientSecret: testprovider.ClientSecret,
			RedirectURL: base + "/sign-in/oidc/callback", Claim: "username", Name: "Northshire Police sign-in"}
	})
	srv := httptest.NewUnstartedServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	return f, idp, base
}

func browserless(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

// get follows redirects and returns the final status, URL and body.
func getAll(t *testing.T, c *http.Client, u string) (int, string, string) {
	t.Helper()
	res, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 1<<16)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return res.StatusCode, res.Request.URL.Path, b.String()
}

// TestSignInThroughIdentityProvider: an officer signs in through the
// force's provider (code flow, PKCE, state, nonce); someone unknown or who
// has left is refused; every kind of bad answer — wrong audience, expired,
// not yet valid, badly signed, alg none, another nonce, another issuer, a
// state that is not this browser's, a code used twice — is refused, logged,
// and opens nothing; with local passwords off, a password opens nothing.
func TestSignInThroughIdentityProvider(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, idp, base := startOIDC(t, db)
		c := browserless(t)
		_, _, page := getAll(t, c, base+"/sign-in")
		if !strings.Contains(page, "Sign in with Northshire Police sign-in") {
			t.Fatal("the sign-in page does not offer the force's sign-in")
		}
		idp.SignInAs(map[string]any{"preferred_username": "ivy"})
		status, path, page := getAll(t, c, base+"/sign-in/oidc?next=/cases")
		if status != 200 || path != "/cases" || strings.Contains(page, "Sign in to Holdfast") {
			t.Fatalf("signing in through the provider: %d at %s", status, path)
		}
		rows, _ := f.Svc.SecurityLog(context.Background(), f.Admin, service.SecurityQuery{Kind: service.EvSignedIn})
		if len(rows) != 1 || rows[0].UserID != f.Investigator.ID() || !strings.Contains(rows[0].Detail, "identity provider") {
			t.Fatalf("the sign-in is not logged as through the provider: %+v", rows)
		}
		refused := func(what string) {
			t.Helper()
			c := browserless(t)
			status, path, page := getAll(t, c, base+"/sign-in/oidc")
			if status < 400 || path != "/sign-in/oidc/callback" {
				t.Errorf("%s: %d at %s, want refused", what, status, path)
			}
			if status, _, body := getAll(t, c, base+"/work"); status != 200 || !strings.Contains(body, "Sign in to Holdfast") {
				t.Errorf("%s: a session was opened", what)
			}
			_ = page
		}
		for _, mode := range []string{testprovider.WrongAudience, testprovider.Expired, testprovider.NotYetValid,
			testprovider.BadSignature, testprovider.AlgNone, testprovider.WrongNonce, testprovider.WrongIssuer} {
			idp.SetMode(mode)
			refused(mode)
		}
		idp.SetMode(testprovider.OK)
		idp.SignInAs(map[string]any{"preferred_username": "nobody"})
		refused("an unknown officer")
		if err := f.Svc.UserLeaves(context.Background(), f.Admin, service.UserLeaves{User: f.Investigator2.ID(),
			Reason: "retired"}); err != nil {
			t.Fatal(err)
		}
		idp.SignInAs(map[string]any{"preferred_username": "ian"})
		refused("a leaver")

		// State and replay: stop at the provider's answer and play with it.
		idp.SignInAs(map[string]any{"preferred_username": "sam"})
		noFollow := browserless(t)
		noFollow.CheckRedirect = func(r *http.Request, via []*http.Request) error {
			if r.URL.Path == "/sign-in/oidc/callback" {
				return http.ErrUseLastResponse
			}
			return nil
		}
		res, err := noFollow.Get(base + "/sign-in/oidc")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		callback, _ := url.Parse(res.Header.Get("Location"))
		forged := *callback
		q := forged.Query()
		q.Set("state", "not-this-browsers-state")
		forged.RawQuery = q.Encode()
		if status, path, _ := getAll(t, noFollow, forged.String()); status != 401 || path != "/sign-in/oidc/callback" {
			t.Errorf("another state: %d", status)
		}
		// The state cookie is gone now, and the code cannot be used again.
		if status, _, _ := getAll(t, noFollow, callback.String()); status != 401 {
			t.Errorf("the answer used after a refusal: %d", status)
		}
		// A code used twice: the first use signs in; the same answer again,
		// even with the flow's cookie put back, is refused by the provider.
		res, err = noFollow.Get(base + "/sign-in/oidc")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		callback, _ = url.Parse(res.Header.Get("Location"))
		u, _ := url.Parse(base + "/sign-in/oidc")
		flow := noFollow.Jar.Cookies(u)
		if status, path, _ := getAll(t, noFollow, callback.String()); status != 200 || path != "/work" {
			t.Fatalf("the first use of the answer: %d at %s", status, path)
		}
		again := browserless(t)
		again.Jar.SetCookies(u, flow)
		if status, _, _ := getAll(t, again, callback.String()); status != 401 {
			t.Errorf("a code used twice: %d, want 401", status)
		}
		rows, _ = f.Svc.SecurityLog(context.Background(), f.Admin, service.SecurityQuery{Kind: service.EvSignInFailed})
		oidcFails := 0
		for _, r := range rows {
			if strings.HasPrefix(r.Detail, "OpenID Connect") {
				oidcFails++
			}
		}
		if oidcFails != 12 {
			t.Errorf("%d refused sign-ins through the provider in the security log, want 12", oidcFails)
		}

		// Local passwords off: only the provider.
		p, _ := policy.Parse([]byte(strings.Replace(string(policy.DefaultYAML()), "local_passwords: true",
			"local_passwords: false", 1)))
		f.Svc.SetPolicy(p)
		pc := newClient(t, base, "")
		_, page = pc.get("/sign-in")
		if strings.Contains(page, `name="password"`) {
			t.Error("the password form is offered with local passwords off")
		}
		if _, err := f.Svc.SignIn(context.Background(), "ivy", fixture.Password); err == nil {
			t.Error("a password opened a session with local passwords off")
		}
	})
}
