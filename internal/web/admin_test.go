package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/api"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// grantLinkRE finds a pending grant's id on a user's page: the link to
// decide it, or, for an administrator who may not, the sentence saying
// why.
var grantLinkRE = regexp.MustCompile(`(?:href="/admin/grants/|data-grant-refused=")([^"]+)"`)

// TestAdminPagesTwoPersonRule walks the administrator's pages without a
// browser: add a user with a powerful role (it waits), the asking
// administrator cannot approve it, the second one does; change a role;
// mark a leaver after seeing what they hold; run the watchdog dry, then
// for real. Non-administrators get 403 on each page.
func TestAdminPagesTwoPersonRule(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		admin := newClient(t, base, "admin")
		_, form := admin.get("/admin/users/new")
		status, body := admin.post("/admin/users", url.Values{"csrf": {admin.csrf(form)}, "name": {"Ann Auditor"},
			"username": {"ann"}, "collar": {"S77"}, "rank": {"staff"}, "unit_id": {f.ForceID},
			"roles": {"auditor"}, "password": {"a long first password"}})
		if status != 200 || !strings.Contains(body, "waits for a second administrator") {
			t.Fatalf("add a user with the auditor role: %d\n%s", status, body)
		}
		m := grantLinkRE.FindStringSubmatch(body)
		if m == nil {
			t.Fatal("the user's page does not link the pending grant")
		}
		grant := "/admin/grants/" + m[1]
		_, page := admin.get(grant)
		status, body = admin.post(grant, url.Values{"csrf": {admin.csrf(page)}, "decision": {"approve"}})
		if status != 422 || !strings.Contains(body, "another administrator must approve") {
			t.Fatalf("the asking administrator approving: %d", status)
		}
		bea := newClient(t, base, "bea")
		_, page = bea.get(grant)
		status, body = bea.post(grant, url.Values{"csrf": {bea.csrf(page)}, "decision": {"approve"}})
		if status != 200 || !strings.Contains(body, "now holds the auditor role") {
			t.Fatalf("the second administrator approving: %d\n%s", status, body)
		}
		org, _ := f.Svc.Org(ctx, f.Admin)
		var ann *domain.User
		for _, u := range org.Users {
			if u.Username == "ann" {
				ann = u
			}
		}
		if ann == nil || !ann.HasRole(domain.RoleAuditor) {
			t.Fatalf("ann after approval: %+v", ann)
		}

		// Change the investigator's rank; give myself case work: refused.
		ivy := f.Investigator.User
		_, page = admin.get("/admin/users/" + ivy.ID + "/roles")
		status, body = admin.post("/admin/users/"+ivy.ID+"/roles", url.Values{"csrf": {admin.csrf(page)},
			"version": {itoa(ivy.Version)}, "rank": {"sergeant"}, "unit_id": {ivy.UnitID},
			"roles": {"investigator"}})
		if status != 200 || !strings.Contains(body, "record has been changed") || !strings.Contains(body, "DS Ivy Investigator") {
			t.Fatalf("change rank: %d", status)
		}
		me := f.Admin.User
		_, page = admin.get("/admin/users/" + me.ID + "/roles")
		status, body = admin.post("/admin/users/"+me.ID+"/roles", url.Values{"csrf": {admin.csrf(page)},
			"version": {itoa(me.Version)}, "rank": {"staff"}, "unit_id": {me.UnitID},
			"roles": {"administrator", "investigator"}})
		if status != 422 || !strings.Contains(body, `data-rule="self_grant"`) {
			t.Fatalf("giving myself case work: %d", status)
		}

		// A leaver: what they hold, then confirmed.
		owner := c.OwnerID
		status, body = admin.get("/admin/users/" + owner + "/leave")
		if status != 200 || !strings.Contains(body, c.Ref) || !strings.Contains(body, f.Supervisor.User.Name) {
			t.Fatalf("leaver page: %d; want %s going to %s", status, c.Ref, f.Supervisor.User.Name)
		}
		status, body = admin.post("/admin/users/"+owner+"/leave", url.Values{"csrf": {admin.csrf(body)},
			"reason": {"retired"}})
		if status != 200 || !strings.Contains(body, "marked as a leaver") {
			t.Fatalf("mark leaver: %d", status)
		}

		// The watchdog: dry run writes nothing, the real run raises the
		// orphaned finding.
		before, _ := db.LatestSeq(ctx)
		status, body = admin.get("/admin/sweep?dry_run=1")
		if status != 200 || !strings.Contains(body, "What a run now would do") || !strings.Contains(body, "Owner has left") {
			t.Fatalf("dry run: %d\n%s", status, body)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("a dry run wrote %d events", after-before)
		}
		status, body = admin.post("/admin/sweep", url.Values{"csrf": {admin.csrf(body)}})
		if status != 200 || !strings.Contains(body, "What the run did") {
			t.Fatalf("real run: %d", status)
		}
		if after, _ := db.LatestSeq(ctx); after == before {
			t.Fatal("the real run wrote nothing")
		}

		// Add a unit.
		_, page = admin.get("/admin/units/new")
		status, body = admin.post("/admin/units", url.Values{"csrf": {admin.csrf(page)}, "name": {"CSE Team East"},
			"kind": {"team"}, "parent_id": {f.DeptID}})
		if status != 200 || !strings.Contains(body, "CSE Team East has been added") {
			t.Fatalf("add unit: %d", status)
		}

		sam := newClient(t, base, "sam")
		for _, p := range []string{"/admin", "/admin/users/new", "/admin/users/" + ivy.ID, "/admin/sweep",
			"/admin/sweep?dry_run=1", "/admin/units/new", grant} {
			if status, _ := sam.get(p); status != 403 {
				t.Errorf("supervisor on %s: %d, want 403", p, status)
			}
		}
	})
}

// pageOf maps each administration and audit command of the API to the
// page route that sends it (a form posts there). A read the API takes as a
// POST (triage, preview) maps to the page that shows it.
var pageOf = map[string]string{
	"POST /api/v1/units":                                       "POST /admin/units",
	"POST /api/v1/users":                                       "POST /admin/users",
	"POST /api/v1/users/{id}/leave":                            "POST /admin/users/{id}/leave",
	"POST /api/v1/users/{id}/accreditations":                   "POST /admin/users/{id}/accreditations",
	"POST /api/v1/users/{id}/accreditations/withdraw":          "POST /admin/users/{id}/accreditations/withdraw",
	"POST /api/v1/users/{id}/roles":                            "POST /admin/users/{id}/roles",
	"POST /api/v1/grants/{id}/decide":                          "POST /admin/grants/{id}",
	"POST /api/v1/sweep":                                       "POST /admin/sweep",
	"POST /api/v1/users/{id}/password":                         "POST /admin/users/{id}/password",
	"POST /api/v1/users/{id}/unlock":                           "POST /admin/users/{id}/unlock",
	"POST /api/v1/users/{id}/two-step/reset":                   "POST /admin/users/{id}/two-step/reset",
	"POST /api/v1/audits/triage":                               "GET /audits",
	"POST /api/v1/audits/preview":                              "POST /audits/new",
	"POST /api/v1/audits":                                      "POST /audits",
	"POST /api/v1/audits/{id}/assign":                          "POST /audits/{id}/assign",
	"POST /api/v1/audits/{id}/cases/{ref}/assign":              "POST /audits/{id}/cases/{ref}/assign",
	"POST /api/v1/audits/{id}/cases/{ref}/review":              "POST /audits/{id}/cases/{ref}/review",
	"POST /api/v1/audits/{id}/cases/{ref}/sign-off":            "POST /audits/{id}/cases/{ref}/sign-off",
	"POST /api/v1/cases/{ref}/audit-findings/{finding}/answer": "POST /audits/findings/{ref}/{finding}",
}

// TestEveryAdminAndAuditCommandHasAPage fails when an administration or
// audit command of the API has no page that sends it: every such route is
// in pageOf, and each page route answers (a form post without its CSRF
// token is refused with 403, never 404 or 405).
func TestEveryAdminAndAuditCommandHasAPage(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f, base := start(t, db)
	admin := newClient(t, base, "admin")
	for _, rt := range api.New(f.Svc, false).Routes() {
		method, path, _ := strings.Cut(rt, " ")
		if method == "GET" || !(strings.HasPrefix(path, "/api/v1/users") || strings.HasPrefix(path, "/api/v1/units") ||
			strings.HasPrefix(path, "/api/v1/grants") || strings.HasPrefix(path, "/api/v1/sweep") ||
			strings.HasPrefix(path, "/api/v1/audits") || strings.Contains(path, "/audit-findings/")) {
			continue
		}
		page, ok := pageOf[rt]
		if !ok {
			t.Errorf("%s has no page that sends it: add one and list it in pageOf", rt)
			continue
		}
		pm, pp, _ := strings.Cut(page, " ")
		pp = strings.NewReplacer("{id}", "x", "{ref}", "CSE-2026-000001", "{finding}", "x").Replace(pp)
		var status int
		if pm == "GET" {
			status, _ = admin.get(pp)
		} else {
			status, _ = admin.post(pp, url.Values{"csrf": {"not the session's"}})
		}
		if status == 404 || status == 405 {
			t.Errorf("%s: its page %s answers %d", rt, page, status)
		}
	}
}
