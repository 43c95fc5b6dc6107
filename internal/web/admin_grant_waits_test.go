package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAskerIsToldTheGrantWaits: the user page showed the administrator
// who asked for a grant an "Approve or reject" link to a page saying they
// could not decide it (the walk of 2026-12-07). The user page and the
// administrators' home ask the service's two-person rule: the asker is
// told the grant waits for another administrator and offered no
// decision; a second administrator is offered it.
func TestAskerIsToldTheGrantWaits(t *testing.T) {
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
		const told = "You asked for this grant: another administrator must approve or reject it."
		decide := `href="/admin/grants/` + m[1] + `"`
		if !strings.Contains(body, "waits for a second administrator") || !strings.Contains(body, told) ||
			strings.Contains(body, "Approve or reject</a>") || strings.Contains(body, decide) {
			t.Fatalf("the asker's view of the user page offers the decision or does not say it waits:\n%s", body)
		}
		if _, home := admin.get("/admin"); !strings.Contains(home, told) {
			t.Fatalf("the administrators' home does not tell the asker the grant waits for another:\n%s", home)
		}
		org, err := f.Svc.Org(context.Background(), f.Admin)
		if err != nil {
			t.Fatal(err)
		}
		var user string
		for _, u := range org.Users {
			if u.Username == "ann" {
				user = "/admin/users/" + u.ID
			}
		}
		bea := newClient(t, base, "bea")
		_, page := bea.get(user)
		if !strings.Contains(page, decide) || !strings.Contains(page, "Approve or reject</a>") ||
			strings.Contains(page, told) {
			t.Fatalf("the second administrator is not offered the decision on the user page:\n%s", page)
		}
		if _, home := bea.get("/admin"); strings.Contains(home, told) || !strings.Contains(home, decide) {
			t.Fatalf("the second administrator's home:\n%s", home)
		}
	})
}
