package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var tokenRE = regexp.MustCompile(`id="new-token" class="hf-token">(hf_[A-Za-z0-9_-]+)<`)

// TestAccountPages: sessions listed and signed out, a token made (with the
// password) and revoked, the password changed; an administrator resets a
// password, which must then be changed before anything else; the security
// log page is for administrators and auditors only.
func TestAccountPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		ivy := newClient(t, base, "ivy")
		other := newClient(t, base, "ivy")
		status, page := ivy.get("/account")
		if status != 200 || strings.Count(page, "data-session=") != 2 || !strings.Contains(page, "This session") {
			t.Fatalf("account page: %d, want two sessions, this one marked", status)
		}
		// A token needs the password; then it is shown once.
		form := url.Values{"csrf": {ivy.csrf(page)}, "name": {"Niche export"}, "scope": {"read-only"}}
		if status, body := ivy.post("/account/tokens", form); status != 422 || !strings.Contains(body, "Enter your password") {
			t.Fatalf("token without a password: %d", status)
		}
		form.Set("password", fixture.Password)
		status, page = ivy.post("/account/tokens", form)
		m := tokenRE.FindStringSubmatch(page)
		if status != 201 || m == nil || !strings.Contains(page, "Read only") {
			t.Fatalf("token made: %d, shown: %v", status, m != nil)
		}
		if a, err := f.Svc.TokenActor(context.Background(), m[1]); err != nil || a.ID() != f.Investigator.ID() {
			t.Fatalf("the token shown does not work: %v", err)
		}
		rows, _ := f.Svc.Tokens(context.Background(), f.Investigator, service.TokenQuery{})
		status, page = ivy.post("/account/tokens/"+rows[0].ID+"/revoke", url.Values{"csrf": {ivy.csrf(page)}})
		if status != 200 || !strings.Contains(page, "API token revoked") || !strings.Contains(page, "Revoked") {
			t.Fatalf("revoke: %d", status)
		}
		// Sign out everywhere else: the other browser is signed out.
		status, body := ivy.post("/account/sessions/end", url.Values{"csrf": {ivy.csrf(page)}, "others": {"yes"}})
		if status != 200 || !strings.Contains(body, "1 other session signed out") {
			t.Fatalf("sign out elsewhere: %d, want the banner to count in words", status)
		}
		if _, body = ivy.post("/account/sessions/end", url.Values{"csrf": {ivy.csrf(body)}, "others": {"yes"}}); !strings.Contains(body, "You had no other session to sign out") {
			t.Error("signing out elsewhere with no other session does not say so")
		}
		if _, body := other.get("/work"); !strings.Contains(body, "Sign in to Holdfast") {
			t.Fatal("the other browser is still signed in")
		}
		// Change the password.
		_, page = ivy.get("/account/password")
		status, body = ivy.post("/account/password", url.Values{"csrf": {ivy.csrf(page)}, "current": {fixture.Password},
			"new": {"password1234"}})
		if status != 422 || !strings.Contains(body, "common or breached") {
			t.Fatalf("a common password: %d", status)
		}
		status, body = ivy.post("/account/password", url.Values{"csrf": {ivy.csrf(page)}, "current": {fixture.Password},
			"new": {"purple tractor umbrella"}})
		if status != 200 || !strings.Contains(body, "Your password has been changed") {
			t.Fatalf("change password: %d", status)
		}
		// Only administrators reach the reset page.
		if status, _ := ivy.get("/admin/users/" + f.Supervisor.ID() + "/password"); status != 403 {
			t.Fatalf("an investigator on the reset page: %d", status)
		}
		admin := newClient(t, base, "admin")
		_, page = admin.get("/admin/users/" + f.Supervisor.ID() + "/password")
		status, body = admin.post("/admin/users/"+f.Supervisor.ID()+"/password", url.Values{"csrf": {admin.csrf(page)},
			"new": {"temporary river lantern"}})
		if status != 200 || !strings.Contains(body, "Password reset for DS Sam Supervisor") {
			t.Fatalf("reset: %d", status)
		}
		// Sam signs in with it and is sent to change it; nothing else opens.
		sam := newClientPassword(t, base, "sam", "temporary river lantern")
		if _, body := sam.get("/work"); !strings.Contains(body, "An administrator has reset your password") {
			t.Fatal("a reset password did not force a change")
		}
		// The security log: administrators and auditors only.
		if status, _ := ivy.get("/security-log"); status != 403 {
			t.Fatalf("an investigator on the security log: %d", status)
		}
		status, body = admin.get("/security-log?kind=security.password_reset")
		if status != 200 || strings.Count(body, `data-kind="security.password_reset"`) != 1 ||
			!strings.Contains(body, "DS Sam Supervisor") {
			t.Fatalf("security log page: %d", status)
		}
		if status, _ := admin.get("/security-log?from=not-a-date"); status != 422 {
			t.Fatalf("a bad date: %d", status)
		}
		_, body = admin.get("/security-log")
		if !strings.Contains(body, "Refused (403)") {
			t.Fatal("the investigator's refusals are not on the security log page")
		}
	})
}

// newClientPassword signs in with a password of its own; it may land
// anywhere (a reset password lands on the change form).
func newClientPassword(t *testing.T, base, username, password string) *client {
	c := newClient(t, base, "")
	_, form := c.get("/sign-in")
	if status, _ := c.post("/sign-in", url.Values{"username": {username}, "password": {password},
		"csrf": {signInToken(form)}}); status != 200 {
		t.Fatalf("sign in as %s: %d", username, status)
	}
	return c
}

var secretRE = regexp.MustCompile(`id="totp-secret" class="hf-token">([A-Z2-7]+)<`)

// TestTwoStepPages: with the policy requiring it, signing in leads to
// setting up an authenticator (QR code and key), then the recovery codes;
// the next sign-in asks for a code, refuses a wrong or reused one, and
// takes the next.
func TestTwoStepPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		if err := f.Svc.SetPolicy(policy.Default()); err != nil {
			t.Fatal(err)
		}
		c := newClient(t, base, "")
		signIn := func() (int, string) {
			_, form := c.get("/sign-in")
			return c.post("/sign-in", url.Values{"username": {"ivy"}, "password": {fixture.Password},
				"csrf": {signInToken(form)}, "next": {"/cases"}})
		}
		status, page := signIn()
		m := secretRE.FindStringSubmatch(page)
		if status != 200 || m == nil || !strings.Contains(page, `src="data:image/png;base64,`) {
			t.Fatalf("enrol page: %d, secret shown %v", status, m != nil)
		}
		if _, body := c.get("/work"); !strings.Contains(body, "Sign in to Holdfast") {
			t.Fatal("a half-finished sign-in opened My work")
		}
		_, page = c.get("/sign-in/enrol?next=/cases")
		m = secretRE.FindStringSubmatch(page) // a new offer replaces the first
		code, _ := totp.GenerateCode(m[1], f.Clock.Now())
		if status, _ := c.post("/sign-in/enrol", url.Values{"csrf": {c.csrf(page)}, "code": {"000000"},
			"next": {"/cases"}}); status != 422 {
			t.Fatalf("a wrong code on enrolling: %d", status)
		}
		status, page = c.post("/sign-in/enrol", url.Values{"csrf": {c.csrf(page)}, "code": {code},
			"next": {"/cases"}})
		if status != 200 || strings.Count(page, "<li><code>") != 10 || !strings.Contains(page, `href="/cases"`) {
			t.Fatalf("recovery codes: %d", status)
		}
		if status, body := c.get("/cases"); status != 200 || strings.Contains(body, "Sign in to Holdfast") {
			t.Fatalf("signed in after enrolling: %d", status)
		}
		_, page = c.get("/account")
		if !strings.Contains(page, "10 recovery codes left") {
			t.Fatal("the account page does not show two-step sign-in on")
		}
		// Sign out; sign in again: a code is asked for.
		c.post("/sign-out", url.Values{"csrf": {c.csrf(page)}})
		status, page = signIn()
		if status != 200 || !strings.Contains(page, "Enter your code") {
			t.Fatalf("second sign-in: %d, want the code page", status)
		}
		if status, _ := c.post("/sign-in/code", url.Values{"csrf": {c.csrf(page)}, "code": {code}}); status != 401 {
			t.Fatalf("a reused code: %d, want 401", status)
		}
		f.Clock.Advance(30 * time.Second)
		next, _ := totp.GenerateCode(m[1], f.Clock.Now())
		status, page = c.post("/sign-in/code", url.Values{"csrf": {c.csrf(page)}, "code": {next}, "next": {"/cases"}})
		if status != 200 || strings.Contains(page, "Sign in to Holdfast") {
			t.Fatalf("the next code: %d", status)
		}
	})
}
