package api_test

import (
	"net/http"
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
