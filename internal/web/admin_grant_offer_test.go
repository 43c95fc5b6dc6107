package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestGrantDecisionOfferedOnlyToTheSecondAdministrator: the walk of the
// demo found the administrator who asked for a grant offered Approve and
// Reject, then refused, while the other administrator's My work did not
// list it. The asker now sees why they cannot decide, and no form; the
// other administrator finds the grant on My work and is offered it. The
// user page and the administrators' home ask the same rule.
func TestGrantDecisionOfferedOnlyToTheSecondAdministrator(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		admin := newClient(t, base, "admin")
		_, form := admin.get("/admin/users/new")
		status, body := admin.post("/admin/users", url.Values{"csrf": {admin.csrf(form)}, "name": {"Ann Auditor"},
			"username": {"ann"}, "collar": {"S77"}, "rank": {"staff"}, "unit_id": {f.ForceID},
			"roles": {"auditor"}, "password": {"a long first password"}})
		m := grantLinkRE.FindStringSubmatch(body)
		if status != 200 || m == nil {
			t.Fatalf("add a user with the auditor role: %d", status)
		}
		grant := "/admin/grants/" + m[1]
		// The user page and the administrators' home tell the asker the
		// grant waits for another administrator, with no link to decide
		// it (the walk of 2026-12-07 found "Approve or reject" leading to
		// a page saying they could not).
		const told = "You asked for this grant: another administrator must approve or reject it."
		decide := `href="` + grant + `"`
		if !strings.Contains(body, "waits for a second administrator") || !strings.Contains(body, told) ||
			strings.Contains(body, "Approve or reject</a>") || strings.Contains(body, decide) {
			t.Fatalf("the asker's view of the user page offers the decision or does not say it waits:\n%s", body)
		}
		if _, home := admin.get("/admin"); !strings.Contains(home, told) {
			t.Fatalf("the administrators' home does not tell the asker the grant waits for another:\n%s", home)
		}
		_, page := admin.get(grant)
		if strings.Contains(page, `name="decision"`) || !strings.Contains(page, "You asked for this grant") {
			t.Fatalf("the asking administrator is offered the decision:\n%s", page)
		}
		if _, work := admin.get("/work"); strings.Contains(work, `data-grant="`+m[1]+`"`) {
			t.Fatal("the asking administrator's My work lists their own grant to decide")
		}
		bea := newClient(t, base, "bea")
		_, work := bea.get("/work")
		if !strings.Contains(work, `data-grant="`+m[1]+`"`) || !strings.Contains(work, grant) {
			t.Fatalf("the second administrator's My work does not list the pending grant:\n%s", work)
		}
		if _, page = bea.get(grant); !strings.Contains(page, `name="decision"`) {
			t.Fatalf("the second administrator is not offered the decision:\n%s", page)
		}
		if _, page = bea.get("/admin/users/" + userID(t, f, "ann")); !strings.Contains(page, decide) ||
			!strings.Contains(page, "Approve or reject</a>") || strings.Contains(page, told) {
			t.Fatalf("the second administrator is not offered the decision on the user page:\n%s", page)
		}
		if _, home := bea.get("/admin"); strings.Contains(home, told) || !strings.Contains(home, decide) {
			t.Fatalf("the second administrator's home:\n%s", home)
		}
	})
}

// userID is the id of the user called username.
func userID(t *testing.T, f *fixture.Force, username string) string {
	org, err := f.Svc.Org(context.Background(), f.Admin)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range org.Users {
		if u.Username == username {
			return u.ID
		}
	}
	t.Fatalf("no user %s", username)
	return ""
}
