package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAccountPolicyEndsOnce: the account page's sentence of the sign-in
// policy ends with one full stop ("API tokens last 90 days.", not "days..").
func TestAccountPolicyEndsOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		status, page := newClient(t, base, "ivy").get("/account")
		if status != 200 || !strings.Contains(page, "API tokens last") {
			t.Fatalf("account page: %d", status)
		}
		if strings.Contains(page, "days..") {
			t.Error("the account page says “days..”")
		}
	})
}

// TestFilterDatesAreDateInputs: the security log and the access report
// ask for dates as the GOV.UK date input does — day, month and year, with
// a hint in that shape, never "2026-03-02" — read them, and say in words
// what is wrong with one, marking the part to put right.
func TestFilterDatesAreDateInputs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		for _, tc := range []struct{ who, path string }{{"admin", "/security-log"}, {"aud", "/access"}} {
			c := newClient(t, base, tc.who)
			status, page := c.get(tc.path)
			if status != 200 || !strings.Contains(page, `name="from-day"`) || !strings.Contains(page, `name="to-year"`) {
				t.Fatalf("%s: %d, want day, month and year fields", tc.path, status)
			}
			if m := isoDate.FindString(page); m != "" {
				t.Errorf("%s shows %s", tc.path, m)
			}
			// A whole date is read, and shown again as typed.
			q := url.Values{"from-day": {"2"}, "from-month": {"3"}, "from-year": {"2026"}, "to-day": {"9"},
				"to-month": {"March"}, "to-year": {"2026"}}
			status, page = c.get(tc.path + "?" + q.Encode())
			if status != 200 || !strings.Contains(page, `name="to-month" type="text" inputmode="numeric" value="March"`) {
				t.Errorf("%s with whole dates: %d", tc.path, status)
			}
			// A part missing or a date that does not exist says so.
			q = url.Values{"from-day": {"31"}, "from-month": {"2"}, "from-year": {"2026"}, "to-day": {"9"},
				"to-month": {"3"}}
			status, page = c.get(tc.path + "?" + q.Encode())
			for _, want := range []string{"From must be a real date", "To must include a year", `href="#f-to-year"`} {
				if !strings.Contains(page, want) {
					t.Errorf("%s with a bad date: %d, the page lacks %q", tc.path, status, want)
				}
			}
			if status != 422 {
				t.Errorf("%s with a bad date: %d, want 422", tc.path, status)
			}
		}
	})
}
