package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var everyone = []string{"administrator", "investigator", "supervisor", "manager", "auditor", "analyst",
	"victim_liaison", "inspector", "other_team"}

// Who may find what: everyone searches and lists what they may see (the
// service narrows it); an alert is marked only by the one it was sent to
// (a fresh case has none, so nobody here); victims due contact are for
// those who support victims; escalations for supervisors and managers; the
// access report for auditors and inspectors.
func findAuthz(*harness) map[string]entry {
	return map[string]entry{
		"GET /api/v1/search":                      {everyone, nil},
		"GET /api/v1/case-list":                   {everyone, nil},
		"GET /api/v1/me/inbox/done":               {everyone, nil},
		"POST /api/v1/me/inbox/{seq}/acknowledge": {nil, emptyBody},
		"POST /api/v1/me/inbox/{seq}/done":        {nil, emptyBody},
		"GET /api/v1/me/victims": {[]string{"investigator", "supervisor", "manager", "victim_liaison",
			"other_team"}, nil},
		"GET /api/v1/team/escalations": {[]string{"supervisor", "manager", "other_team"}, nil},
		"GET /api/v1/access":           {[]string{"auditor", "inspector"}, nil},
	}
}

func emptyBody(*domain.Case) any { return map[string]any{} }

func init() {
	authzQueries["GET /api/v1/search"] = "?q=smith"
	authzQueries["POST /api/v1/me/inbox/{seq}/acknowledge"] = ""
	for _, p := range []string{"POST /api/v1/me/inbox/{seq}/acknowledge", "POST /api/v1/me/inbox/{seq}/done"} {
		authzPrepare[p] = func(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
			return c, map[string]string{"seq": "1"}
		}
	}
}

// TestFindOverHTTP: search by a slash reference and by phone; the inbox's
// alert acknowledged and done over the API.
func TestFindOverHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		f := h.f
		c := f.Referral(t)
		c = wfMust(t)(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Adam Smith", Phone: "07700 900123"}))
		var r service.SearchResult
		for _, q := range []string{strings.ReplaceAll(c.Ref, "/", "%2F"), request.PathRef(c.Ref), "07700%20900123"} {
			h.json(h.do(f.Supervisor, "GET", "/api/v1/search?q="+q, nil), http.StatusOK, &r)
			if len(r.Hits) != 1 || r.Hits[0].Ref != c.Ref {
				t.Errorf("search %s: %+v", q, r)
			}
		}
		f.Clock.Advance(10 * 24 * time.Hour)
		if _, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: f.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
		var inbox []service.InboxAlert
		h.json(h.do(f.Supervisor, "GET", "/api/v1/me/inbox", nil), http.StatusOK, &inbox)
		if len(inbox) != 1 || inbox[0].CaseRef != c.Ref || inbox[0].State != "new" {
			t.Fatalf("sam's inbox: %+v", inbox)
		}
		seq := strconv.FormatInt(inbox[0].Seq, 10)
		if res := h.do(f.Investigator, "POST", "/api/v1/me/inbox/"+seq+"/done", map[string]any{}); res.status != 404 {
			t.Errorf("ivy marked sam's alert done: %d %s", res.status, res.body)
		}
		var al service.InboxAlert
		h.json(h.do(f.Supervisor, "POST", "/api/v1/me/inbox/"+seq+"/acknowledge", map[string]any{}), http.StatusOK, &al)
		if al.State != "acknowledged" {
			t.Errorf("acknowledged: %+v", al)
		}
		h.json(h.do(f.Supervisor, "POST", "/api/v1/me/inbox/"+seq+"/done", map[string]any{}), http.StatusOK, &al)
		h.json(h.do(f.Supervisor, "GET", "/api/v1/me/inbox", nil), http.StatusOK, &inbox)
		if len(inbox) != 0 {
			t.Errorf("a done alert is still in the inbox: %+v", inbox)
		}
		if res := h.do(f.Supervisor, "POST", "/api/v1/me/inbox/"+seq+"/done", map[string]any{}); res.status != 422 {
			t.Errorf("done twice: %d %s", res.status, res.body)
		}
	})
}

// TestTeamBoardIsPaged: the API's team board is read a page at a time, as
// the web's is, with cursors that walk the whole board once and the
// board's totals on every page.
func TestTeamBoardIsPaged(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		f := h.f
		for range 30 { // each owes two duties: more than a page in all
			f.Allocated(t)
		}
		type page struct {
			Items   []service.WorkItem `json:"items"`
			Next    string             `json:"next"`
			Prev    string             `json:"prev"`
			Open    int                `json:"open"`
			Overdue int                `json:"overdue"`
		}
		seen := map[string]bool{}
		var p page
		h.json(h.do(f.Supervisor, "GET", "/api/v1/team/board", nil), http.StatusOK, &p)
		pages := 1
		for {
			if len(p.Items) > service.BoardPageSize {
				t.Fatalf("a page of %d duties, want at most %d", len(p.Items), service.BoardPageSize)
			}
			for _, it := range p.Items {
				if seen[it.ID] {
					t.Fatalf("duty %s on two pages", it.ID)
				}
				seen[it.ID] = true
			}
			if p.Next == "" {
				break
			}
			next := p.Next
			p = page{} // a page without a next cursor leaves it out
			h.json(h.do(f.Supervisor, "GET", "/api/v1/team/board?after="+url.QueryEscape(next), nil), http.StatusOK, &p)
			if p.Prev == "" {
				t.Error("a later page has no way back")
			}
			pages++
		}
		if pages < 2 || len(seen) != p.Open {
			t.Fatalf("%d pages, %d duties seen, %d open on the board: want every duty once over more than one page",
				pages, len(seen), p.Open)
		}
		if res := h.do(f.Supervisor, "GET", "/api/v1/team/board?after=nonsense", nil); res.status < 400 || res.status >= 500 {
			t.Errorf("a damaged cursor: %d, want a 4xx refusal", res.status)
		}
	})
}
