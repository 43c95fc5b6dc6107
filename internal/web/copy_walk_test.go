package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestLeaverNeedsAReason: marking a leaver with "Why they left" blank is
// refused with the error summary under the Back link and the field's
// error, and nothing is recorded (the walk of 2026-12-07 found a leaver
// recorded with no reason although the field is not marked optional).
func TestLeaverNeedsAReason(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		ian := f.Investigator2.ID()
		admin := newClient(t, base, "admin")
		_, form := admin.get("/admin/users/" + ian + "/leave")
		before, _ := db.LatestSeq(ctx)
		status, body := admin.post("/admin/users/"+ian+"/leave", url.Values{"csrf": {admin.csrf(form)},
			"reason": {"   "}})
		if status != 422 || !strings.Contains(body, `href="#f-reason">Enter why they left`) ||
			!strings.Contains(body, `id="f-reason-error"`) {
			t.Fatalf("a blank reason: %d, want the error summary and the field's error\n%s", status, body)
		}
		if back, summary := strings.Index(body, "govuk-back-link"), strings.Index(body, "govuk-error-summary"); back < 0 ||
			summary < back {
			t.Errorf("the error summary (at %d) is not below the Back link (at %d)", summary, back)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Errorf("a refused leaver wrote %d events", after-before)
		}
		org, _ := f.Svc.Org(ctx, f.Admin)
		if !org.Users[ian].Active {
			t.Fatal("ian was marked as a leaver with no reason")
		}
		status, body = admin.post("/admin/users/"+ian+"/leave", url.Values{"csrf": {admin.csrf(form)},
			"reason": {"Retired"}})
		if status != 200 || !strings.Contains(body, "marked as a leaver") {
			t.Fatalf("with a reason: %d", status)
		}
	})
}

// TestAccreditationDatesAreDateInputs: the accreditation form asks for its
// dates with GOV.UK's date input and its hint ("For example, 27 3 2025"),
// not a text box hinting "2025-03-31", and a date typed in its three
// parts is recorded (the walk of 2026-12-07).
func TestAccreditationDatesAreDateInputs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		admin := newClient(t, base, "admin")
		path := "/admin/users/" + f.Investigator.ID()
		_, page := admin.get(path)
		if strings.Contains(page, "2025-03-31") || !strings.Contains(page, `name="awarded_on-day"`) ||
			!strings.Contains(page, "For example, 27 3 2025") {
			t.Fatalf("the accreditation form does not ask for a date input:\n%s", page)
		}
		status, body := admin.post(path+"/accreditations", url.Values{"csrf": {admin.csrf(page)},
			"kind": {"abe"}, "awarded_on-day": {"6"}, "awarded_on-month": {"6"}, "awarded_on-year": {"2025"}})
		if status != 200 || !strings.Contains(body, "6 June 2025") {
			t.Fatalf("an accreditation by date input: %d\n%s", status, body)
		}
	})
}
