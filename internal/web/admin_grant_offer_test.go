package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestGrantDecisionOfferedOnlyToTheSecondAdministrator: the walk of the
// demo found the administrator who asked for a grant offered Approve and
// Reject, then refused, while the other administrator's My work did not
// list it. The asker now sees why they cannot decide, and no form; the
// other administrator finds the grant on My work and is offered it.
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
	})
}
