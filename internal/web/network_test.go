package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestNetworkPageOneNetworkAPage: a case whose two suspects each share a
// phone with a suspect on another case stands in two networks. The page
// counts both, names the people of one, and pages to the other with the
// shared pagination; before, it listed every person and connection of
// every case gathered at once (274 KB on the demo). Its dates are GOV.UK
// date inputs, and a query wrong in several ways is refused with every
// reason at once, the date's naming the part to put right.
func TestNetworkPageOneNetworkAPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		x := f.Allocated(t)
		for _, s := range []service.NewSuspect{{Name: "Paul Green", Phone: "07700 900501"},
			{Name: "Ravi Shah", Phone: "07700 900502"}} {
			s.Version = x.Version
			x = must(f.Svc.AddSuspect(ctx, f.Investigator, x.ID, s))
		}
		teamCCases(t, f, service.NewSuspect{Name: "Tom Black", Phone: "+44 7700 900501"},
			service.NewSuspect{Name: "Lee White", Phone: "07700900502"})
		ana := newClient(t, base, "ana")
		at := "/network?case=" + request.PathRef(x.Ref)
		shown := map[string]bool{}
		for _, pg := range []string{"1", "2"} {
			status, page := ana.get(at + "&page=" + pg)
			if status != 200 || !strings.Contains(page, "2 networks, 4 people") ||
				!strings.Contains(page, `class="govuk-pagination"`) || !strings.Contains(page, `id="network-shown"`) {
				t.Fatalf("page %s (%d) does not count both networks and page between them:\n%s", pg, status, page)
			}
			var names []string
			for _, n := range []string{"Paul Green", "Ravi Shah", "Tom Black", "Lee White"} {
				_, people, _ := strings.Cut(page, `id="key-people"`)
				people, _, _ = strings.Cut(people, "</table>")
				if strings.Contains(people, n) {
					names = append(names, n)
					shown[n] = true
				}
			}
			if len(names) != 2 {
				t.Errorf("page %s names %q: want the two people of one network", pg, names)
			}
		}
		if len(shown) != 4 {
			t.Errorf("the two pages named %d people between them, want 4", len(shown))
		}
		status, page := ana.get(at)
		for _, want := range []string{`name="from-day"`, `name="from-month"`, `name="from-year"`, `name="to-day"`} {
			if status != 200 || !strings.Contains(page, want) {
				t.Errorf("the date filter has no %s (%d)", want, status)
			}
		}
		bad := url.Values{"case": {x.Ref}, "from-day": {"31"}, "from-month": {"2"}, "from-year": {"2026"},
			"to-day": {"1"}, "to-month": {""}, "to-year": {"2026"}, "kind": {"boat"}}
		status, page = ana.get("/network?" + bad.Encode())
		for _, want := range []string{"Cases opened from must be a real date: February 2026 has 28 days",
			"Cases opened to must include a month", "Choose phones, vehicles or addresses"} {
			if status != 422 || !strings.Contains(page, want) {
				t.Errorf("a query wrong three ways (%d) does not say %q", status, want)
			}
		}
		if strings.Contains(page, "Paul Green") || strings.Contains(page, "example 27 3 2007") {
			t.Errorf("a refused query showed people, or the service's words for a date the page named")
		}
	})
}
