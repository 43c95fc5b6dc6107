package web_test

import (
	"html"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var (
	dashLinkRE = regexp.MustCompile(`href="(/[^/"][^"]*|/)"`)
	escTableRE = regexp.MustCompile(`(?s)<table class="govuk-table[^"]*" id="escalations">.*?</table>`)
)

// TestDetectiveInspectorIsAManager: the demo's detective inspector acts as
// manager and SIO (role journeys: DI, DCI and Supt), so signs in to the
// managers' dashboard, and every link the dashboard and its navigation
// offer them opens (the walker met a DI with the supervisor role alone,
// for whom the dashboard was out of reach). Their home lists this year's
// escalations first and the long-dormant ones apart, counted and
// explained — not a decade of imported backlog ahead of this week's.
func TestDetectiveInspectorIsAManager(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newDemoWorld(t, db, 40)
		var di string
		for _, a := range w.res.Accounts {
			if a.Rank == domain.RankInspector {
				di = a.Username
			}
			// The ladder's last step is still the chief inspector's: a DI
			// who manages too is not put in the DCI's place.
			if a.Role == string(domain.RoleManager) && a.Rank != domain.RankChiefInspector {
				t.Errorf("the demo's manager is %s, a %s", a.Username, a.Rank)
			}
		}
		if di == "" {
			t.Fatal("the demo names no detective inspector's account")
		}
		org, err := db.Org(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		{
			for _, u := range org.Users {
				if u.Username == di && !(u.HasRole(domain.RoleManager) && u.HasRole(domain.RoleSupervisor)) {
					t.Errorf("the detective inspector %s holds %v, want supervisor and manager", di, u.Roles)
				}
			}
		}
		cl := w.signIn(t, di)
		status, dash := cl.get("/dashboard")
		if status != 200 {
			t.Fatalf("the detective inspector's /dashboard: %d", status)
		}
		var links []string
		for _, m := range dashLinkRE.FindAllStringSubmatch(dash, -1) {
			l := html.UnescapeString(m[1])
			if i := strings.IndexByte(l, '#'); i >= 0 {
				l = l[:i]
			}
			if l != "" && !slices.Contains(links, l) {
				links = append(links, l)
			}
		}
		if !slices.Contains(links, "/dashboard") || len(links) < 5 {
			t.Errorf("the dashboard offers only %v", links)
		}
		for _, l := range links {
			if s, _ := cl.get(l); s != 200 {
				t.Errorf("the dashboard offers the detective inspector %s, which answers %d", l, s)
			}
		}

		_, work := cl.get("/work")
		cur := escTableRE.FindString(work)
		if !strings.Contains(work, `id="dormant-escalations-heading"`) ||
			!strings.Contains(work, `id="dormant-escalations-why"`) {
			t.Fatal("the detective inspector's home holds no long-dormant escalations apart")
		}
		if cur != "" && strings.Index(work, cur) > strings.Index(work, `id="dormant-escalations-heading"`) {
			t.Error("the long-dormant escalations come before this year's")
		}
	})
}
