package web_test

import (
	"context"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/webauthn"
	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestPasskeyInTheBrowser (issue 17): with Chromium's virtual
// authenticator, an officer adds a passkey on Your account, and from then
// on the second step of signing in is that passkey.
func TestPasskeyInTheBrowser(t *testing.T) {
	chromium(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// WebAuthn needs a host name, not an address: localhost is one.
	base := "http://localhost:" + strings.Split(l.Addr().String(), ":")[1]
	f := fixture.New(t, testdb.Open(t, "sqlite"), func(c *app.Config) { c.PublicURL = base })
	srv := httptest.NewUnstartedServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	srv.Listener.Close()
	srv.Listener = l
	srv.Start()
	t.Cleanup(srv.Close)
	b := newBrowser(t, base)
	b.run(webauthn.Enable(), chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := webauthn.AddVirtualAuthenticator(&webauthn.VirtualAuthenticatorOptions{Protocol: "ctap2",
			Transport: "internal", HasResidentKey: true, HasUserVerification: true, IsUserVerified: true,
			AutomaticPresenceSimulation: true}).Do(ctx)
		return err
	}))
	b.signIn("ivy")
	b.open("/account")
	b.run(set("f-passkey-name", "work laptop"), chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(`//button[normalize-space()='Add a passkey']`))
	if testing.Verbose() {
		time.Sleep(3 * time.Second)
		var st string
		b.run(chromedp.Evaluate(`(document.getElementById("passkey-status")||{}).innerText`, &st))
		t.Logf("status: %q at %s", st, b.location())
	}
	b.waitFresh()
	if m := b.main(); !strings.Contains(m, "work laptop, added") {
		t.Fatalf("the passkey was not added: %s", m)
	}
	b.check("auth-07-passkey-added")
	b.signOut()
	b.run(chromedp.Navigate(b.base+"/sign-in"), set("f-username", "ivy"), set("f-password", fixture.Password),
		chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil), clickX(`//button[normalize-space()='Sign in']`))
	b.waitFresh()
	if m := b.main(); !strings.Contains(m, "Use a passkey") {
		t.Fatalf("the second step does not offer the passkey: %s", m)
	}
	b.check("auth-08-second-step")
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(`//button[normalize-space()='Use a passkey']`))
	b.waitFresh()
	if m := b.main(); !strings.Contains(m, "My work") {
		t.Fatalf("signing in with the passkey: %s", m)
	}
	rows, _ := f.Svc.SecurityLog(t.Context(), f.Admin, service.SecurityQuery{Kind: service.EvSignedIn})
	if len(rows) == 0 || !strings.Contains(rows[0].Detail, "with a passkey") {
		t.Fatalf("the sign-in with the passkey is not logged: %+v", rows)
	}
}
