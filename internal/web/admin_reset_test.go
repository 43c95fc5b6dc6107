package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAdminOffersNoResetOfAPowerfulPassword: the user page offers
// "Reset password" for an officer but not for a second administrator or an
// auditor, whose passwords the service resets only on the server
// (powerful_reset, issue 16's attack); posting the form anyway is refused
// in words and the second administrator's password is unchanged.
func TestAdminOffersNoResetOfAPowerfulPassword(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		admin := newClient(t, base, f.Admin.User.Username)
		for _, tc := range []struct {
			id    string
			offer bool
		}{{f.Investigator.ID(), true}, {f.Admin2.ID(), false}, {f.Auditor.ID(), false}} {
			status, page := admin.get("/admin/users/" + tc.id)
			if status != 200 {
				t.Fatalf("user page %s: %d", tc.id, status)
			}
			offered := strings.Contains(page, `href="/admin/users/`+tc.id+`/password"`)
			if offered != tc.offer {
				t.Errorf("user page %s: reset offered %v, want %v", tc.id, offered, tc.offer)
			}
			if !tc.offer && !strings.Contains(page, `data-rule="powerful_reset"`) {
				t.Errorf("user page %s does not say where the password is reset", tc.id)
			}
		}
		_, form := admin.get("/admin/users/" + f.Admin2.ID() + "/password")
		status, body := admin.post("/admin/users/"+f.Admin2.ID()+"/password", url.Values{
			"csrf": {admin.csrf(form)}, "new": {"Temporary-takeover-pass-7781"}})
		if status != 422 || !strings.Contains(body, "reset only on the server") {
			t.Fatalf("posting a reset of an administrator's password: %d", status)
		}
		newClient(t, base, f.Admin2.User.Username) // the fixture's password still signs in
	})
}
