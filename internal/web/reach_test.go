package web_test

import (
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestNetworkIsLinked: the network page is reached by links, not by typing
// its address: the navigation of exactly the roles the service lets use it
// offers the Links section, whose index links the network; and from a case's links page (for those
// same roles; an investigator reviews links but may not see the network).
func TestNetworkIsLinked(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		c := f.Allocated(t)
		caseLinks := "/cases/" + request.PathRef(c.Ref) + "/links"
		toNetwork := `href="/network?case=` + strings.ReplaceAll(c.Ref, "/", "%2f") + `"`
		seen := map[bool]bool{}
		for who, a := range map[string]*service.Actor{"ivy": f.Investigator, "sam": f.Supervisor,
			"max": f.Manager, "aud": f.Auditor, "ana": f.Analyst, "lia": f.Liaison, "hmi": f.External} {
			may := f.Svc.MayUseLinks(a) == nil
			seen[may] = true
			cl := newClient(t, base, who)
			_, page := cl.get("/work")
			if got := strings.Contains(page, `href="/links"`); got != may {
				t.Errorf("%s may use links and the network: %v; the navigation links them: %v", who, may, got)
			}
			if !may {
				continue
			}
			if status, page := cl.get("/links"); status != 200 || !strings.Contains(page, `id="links-network" href="/network"`) {
				t.Errorf("%s's links index (%d) does not link the network", who, status)
			}
			if status, page := cl.get(caseLinks); status == 200 && !strings.Contains(page, toNetwork) {
				t.Errorf("%s's links page of %s does not link its network:\n%s", who, c.Ref, page)
			}
		}
		if !seen[true] || !seen[false] {
			t.Fatalf("the roles tried do not include both who may and who may not: %v", seen)
		}
		ivy := newClient(t, base, "ivy")
		if status, page := ivy.get(caseLinks); status != 200 || strings.Contains(page, "/network") {
			t.Errorf("the investigator's links page (%d) offers the network they may not see", status)
		}
		ana := newClient(t, base, "ana")
		if status, page := ana.get(caseLinks); status != 200 || !strings.Contains(page, toNetwork) ||
			!strings.Contains(page, "See this case's network") {
			t.Errorf("the analyst's links page (%d) does not link the case's network", status)
		}
	})
}

// TestSecurityLogIsLinked: the administrators' home links the security
// log, and each person's account page links it exactly when the service
// lets them read it.
func TestSecurityLogIsLinked(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		admin := newClient(t, base, "admin")
		if status, page := admin.get("/admin"); status != 200 ||
			!strings.Contains(page, `id="admin-security-log" href="/security-log"`) {
			t.Errorf("the administrators' home (%d) does not link the security log", status)
		}
		seen := map[bool]bool{}
		for who, a := range map[string]*service.Actor{"admin": f.Admin, "aud": f.Auditor, "ivy": f.Investigator,
			"max": f.Manager, "ana": f.Analyst} {
			may := f.Svc.MayReadSecurityLog(a) == nil
			seen[may] = true
			_, page := newClient(t, base, who).get("/account")
			if got := strings.Contains(page, `href="/security-log"`); got != may {
				t.Errorf("%s may read the security log: %v; their account page links it: %v", who, may, got)
			}
		}
		if !seen[true] || !seen[false] {
			t.Fatalf("the roles tried do not include both who may and who may not: %v", seen)
		}
	})
}
