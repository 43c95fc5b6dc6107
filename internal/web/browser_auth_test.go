package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestSignInJourneysInTheBrowser (issue 17), in Debian's chromium: an
// officer signs in through the force's OpenID provider; another sets up
// two-step sign-in from its QR page and signs in with a code; a third is
// locked out after the policy's five failures. Each page is checked with
// axe-core and kept as a screenshot.
func TestSignInJourneysInTheBrowser(t *testing.T) {
	chromium(t)
	db := testdb.Open(t, "sqlite")
	f, idp, base := startOIDC(t, db)
	b := newBrowser(t, base)

	// Through the provider: one click, and back in Holdfast.
	idp.SignInAs(map[string]any{"preferred_username": "ivy"})
	b.open("/sign-in")
	b.check("auth-01-sign-in")
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(`//a[contains(normalize-space(), 'Sign in with Northshire Police sign-in')]`))
	b.waitFresh()
	if m := b.main(); !strings.Contains(m, "My work") {
		t.Fatalf("after the provider: %s", m)
	}
	b.open("/account")
	b.check("auth-02-your-account")
	b.signOut()

	// Two-step sign-in required: set it up from the QR page.
	if err := f.Svc.SetPolicy(policy.Default()); err != nil {
		t.Fatal(err)
	}
	b.run(chromedp.Navigate(b.base+"/sign-in"), set("f-username", "sam"), set("f-password", "correct horse battery"),
		chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil), clickX(`//button[normalize-space()='Sign in']`))
	b.waitFresh()
	if m := b.main(); !strings.Contains(m, "Set up two-step sign-in") {
		t.Fatalf("not asked to set up two-step sign-in: %s", m)
	}
	b.check("auth-03-enrol")
	var secret string
	b.run(chromedp.Evaluate(`document.getElementById("totp-secret").innerText`, &secret))
	code, _ := totp.GenerateCode(secret, f.Clock.Now())
	b.run(set("f-code", code))
	b.press("Turn on two-step sign-in")
	if m := b.main(); !strings.Contains(m, "Your recovery codes") {
		t.Fatalf("after enrolling: %s", m)
	}
	b.check("auth-04-recovery-codes")
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(`//a[contains(normalize-space(), 'continue')]`))
	b.waitFresh()
	if m := b.main(); !strings.Contains(m, "My work") {
		t.Fatalf("after the recovery codes: %s", m)
	}
	b.signOut()
	f.Clock.Advance(30 * time.Second)
	b.run(chromedp.Navigate(b.base+"/sign-in"), set("f-username", "sam"), set("f-password", "correct horse battery"),
		chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil), clickX(`//button[normalize-space()='Sign in']`))
	b.waitFresh()
	b.check("auth-05-code")
	next, _ := totp.GenerateCode(secret, f.Clock.Now())
	b.run(set("f-code", next))
	b.press("Continue")
	if m := b.main(); !strings.Contains(m, "My work") {
		t.Fatalf("signing in with a code: %s", m)
	}
	b.signOut()

	// Locked out after five failures; the sixth, right password too.
	for i := range 6 {
		pw := "wrong password"
		if i == 5 {
			pw = "correct horse battery"
		}
		b.run(chromedp.Navigate(b.base+"/sign-in"), set("f-username", "max"), set("f-password", pw),
			chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil), clickX(`//button[normalize-space()='Sign in']`))
		b.waitFresh()
		if m := b.main(); !strings.Contains(m, "Enter a correct username and password") {
			t.Fatalf("attempt %d: %s", i+1, m)
		}
	}
	b.check("auth-06-locked")
	if lock, err := f.Svc.SignInLockOf(t.Context(), f.Admin, f.Manager.ID()); err != nil || !lock.Locked {
		t.Fatalf("max is not locked: %+v %v", lock, err)
	}
}
