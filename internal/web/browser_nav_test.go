package web_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestHeaderNavigationFitsAt1280: at 1280 pixels wide every role's header
// navigation — the service's name and each of its links, with an unread
// count beside the inbox — sits on one line. (The auditor's wrapped onto
// two.)
func TestHeaderNavigationFitsAt1280(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	// Alerts for everyone the watchdog tells, so the unread count shows.
	f.Referral(t)
	f.Clock.Advance(40 * 24 * time.Hour)
	sweepNow(t, f)
	b := newBrowser(t, srv.URL)
	for _, who := range []string{"admin", "ivy", "sam", "ines", "max", "aud", "ana", "lia", "hmi"} {
		b.signIn(who)
		var out string
		b.run(chromedp.Evaluate(`JSON.stringify({
			width: document.documentElement.clientWidth,
			name: document.querySelector('.govuk-service-navigation__service-name').getBoundingClientRect().top,
			items: Array.from(document.querySelectorAll('#navigation > li')).map(li => ({
				text: li.innerText.trim(), top: li.getBoundingClientRect().top, bottom: li.getBoundingClientRect().bottom}))})`,
			&out))
		var nav struct {
			Width float64
			Name  float64
			Items []struct {
				Text        string
				Top, Bottom float64
			}
		}
		if err := json.Unmarshal([]byte(out), &nav); err != nil {
			t.Fatal(err)
		}
		if nav.Width < 1200 {
			t.Fatalf("the page is %v pixels wide, not about 1280", nav.Width)
		}
		first := nav.Items[0]
		for _, it := range nav.Items {
			if it.Top != first.Top || it.Bottom-it.Top > 2*(first.Bottom-first.Top) {
				t.Errorf("%s's navigation wraps at 1280 pixels: %q is at %v, %q at %v", who, it.Text, it.Top,
					first.Text, first.Top)
				break
			}
		}
		if nav.Name > first.Bottom {
			t.Errorf("%s's navigation is below the service's name, not beside it (%v, %v)", who, nav.Name, first.Top)
		}
		b.check("nav-" + who)
		b.signOut()
	}
}
