package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestFindPages: a search by name shows who matched and is recorded; the
// access report shows that read to the audit team, by name, filtered by
// case, and refuses an investigator; the case list's Next link carries its
// cursor encoded once; the inbox's count is in the navigation.
func TestFindPages(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		c = must(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: `Adam <b>Smith</b>`, Phone: "07700 900123"}))
		ivy := newClient(t, base, "ivy")
		status, page := ivy.get("/cases?q=smith")
		if status != 200 || !strings.Contains(page, `href="/cases/`+request.PathRef(c.Ref)+`"`) ||
			!strings.Contains(page, "Suspect: Adam &lt;b&gt;Smith&lt;/b&gt;") || strings.Contains(page, "<b>Smith") {
			t.Fatalf("search by name: %d %s", status, page)
		}
		if status, page := ivy.get("/cases?q=" + strings.Repeat("a", 101)); status != 422 || !strings.Contains(page, `href="#f-q"`) {
			t.Errorf("a search too long: %d", status)
		}

		aud := newClient(t, base, "aud")
		status, page = aud.get("/access?case=" + strings.ReplaceAll(c.Ref, "/", "%2F"))
		if status != 200 || !strings.Contains(page, "DC Ivy Investigator") || !strings.Contains(page, "Shown in search results") {
			t.Fatalf("the access report of %s: %d %s", c.Ref, status, page)
		}
		if status, _ := ivy.get("/access"); status != 403 {
			t.Errorf("an investigator's access report: %d, want 403", status)
		}
		if status, page := aud.get("/access?case=nonsense"); status != 422 || !strings.Contains(page, `href="#f-case"`) {
			t.Errorf("the access report of no reference: %d", status)
		}

		for i := 0; i < service.CaseListLimit; i++ {
			f.Referral(t)
		}
		sam := newClient(t, base, "sam")
		_, page = sam.get("/cases")
		i := strings.Index(page, `rel="next"`)
		j := strings.LastIndex(page[:max(i, 0)], `href="`)
		if i < 0 || j < 0 {
			t.Fatalf("the case list has no Next link: %s", page)
		}
		next := strings.ReplaceAll(page[j+len(`href="`):strings.Index(page[j+len(`href="`):], `"`)+j+len(`href="`)], "&amp;", "&")
		if !strings.Contains(next, "before=CSE%2F") || strings.Contains(next, "%25") {
			t.Fatalf("the Next link %q does not carry a reference encoded once", next)
		}
		if status, page := sam.get(next); status != 200 || !strings.Contains(page, c.Ref) {
			t.Errorf("the next page (%s): %d, want the oldest case %s on it", next, status, c.Ref)
		}

		f.Clock.Advance(10 * 24 * time.Hour)
		if _, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: f.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
		n, err := f.Svc.UnreadAlerts(ctx, f.Supervisor)
		sam = newClient(t, base, "sam") // ten days on: the session has ended
		if _, page := sam.get("/cases"); n == 0 || !strings.Contains(page, `id="unread"`) {
			i := strings.Index(page, "nav-inbox")
			t.Errorf("the navigation does not count sam's %d new alerts (%v): %s", n, err, page[max(0, i-300):min(len(page), i+300)])
		}
	})
}
