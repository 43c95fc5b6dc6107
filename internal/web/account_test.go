package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
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
		if status, _ = ivy.post("/account/sessions/end", url.Values{"csrf": {ivy.csrf(page)}, "others": {"yes"}}); status != 200 {
			t.Fatalf("sign out elsewhere: %d", status)
		}
		if _, body := other.get("/work"); !strings.Contains(body, "Sign in to Holdfast") {
			t.Fatal("the other browser is still signed in")
		}
		// Change the password.
		_, page = ivy.get("/account/password")
		status, body := ivy.post("/account/password", url.Values{"csrf": {ivy.csrf(page)}, "current": {fixture.Password},
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
