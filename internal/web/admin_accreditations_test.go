package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAdminRecordsAccreditations: the user's page records an
// accreditation, shows it with its label and dates, refuses bad input by
// field with nothing recorded, and withdraws one with a reason.
func TestAdminRecordsAccreditations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		admin := newClient(t, base, "admin")
		page := "/admin/users/" + f.Investigator.ID()
		_, body := admin.get(page)
		if !strings.Contains(body, "None recorded.") {
			t.Fatalf("a new officer's page does not say no accreditation is recorded:\n%s", body)
		}
		status, body := admin.post(page+"/accreditations", url.Values{"csrf": {admin.csrf(body)}, "kind": {"pip9"},
			"awarded_on": {"2030-01-01"}, "expires": {"2029-01-01"}})
		if status != 422 {
			t.Fatalf("bad input: status %d, want 422", status)
		}
		for _, want := range []string{"f-kind-error", "f-awarded_on-error", "f-expires-error", "None recorded."} {
			if !strings.Contains(body, want) {
				t.Errorf("the refused form lacks %q", want)
			}
		}
		status, body = admin.post(page+"/accreditations", url.Values{"csrf": {admin.csrf(body)}, "kind": {"abe"},
			"awarded_on": {"2025-06-06"}, "expires": {"2028-06-05"}, "evidence": {"ABE-2025-117"}})
		if status != 200 {
			t.Fatalf("award: status %d\n%s", status, body)
		}
		for _, want := range []string{"Achieving Best Evidence interviewing", "6 June 2025", "5 June 2028", "ABE-2025-117", "Current"} {
			if !strings.Contains(body, want) {
				t.Errorf("the user's page lacks %q after the award", want)
			}
		}
		org, err := f.Svc.Org(context.Background(), f.Admin)
		if err != nil {
			t.Fatal(err)
		}
		accs := org.Users[f.Investigator.ID()].Accreditations
		if len(accs) != 1 {
			t.Fatalf("recorded %d accreditations, want 1", len(accs))
		}
		status, body = admin.post(page+"/accreditations/withdraw", url.Values{"csrf": {admin.csrf(body)},
			"accreditation_id": {accs[0].ID}, "reason": {"recorded in error"}})
		if status != 200 || !strings.Contains(body, "Withdrawn") || !strings.Contains(body, "recorded in error") {
			t.Fatalf("withdraw: status %d\n%s", status, body)
		}
	})
}
