package web_test

import (
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestRefusalSaysWhatAndWhoToAsk: a page someone may not see is headed by
// what they cannot do, in a sentence ("can read", never "can reading"),
// and says who to ask, never the bare HTTP "Forbidden".
func TestRefusalSaysWhatAndWhoToAsk(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		status, page := newClient(t, base, "ivy").get("/security-log")
		page = html.UnescapeString(page)
		if status != 403 {
			t.Fatalf("an investigator's security log: %d, want 403", status)
		}
		for _, want := range []string{
			`<h1 class="govuk-heading-l">You cannot read the security log</h1>`,
			"can read the security log.",
			"ask an administrator to give you the role: Ada Admin",
		} {
			if !strings.Contains(page, want) {
				t.Errorf("the refusal lacks %q: %.900s", want, mainPart(page))
			}
		}
		for _, bad := range []string{"Forbidden", "can reading"} {
			if strings.Contains(page, bad) {
				t.Errorf("the refusal says %q", bad)
			}
		}
	})
}

// TestHandTypedFilterDateInWords: a date-filtered page given a date that
// is none in its link ("?from=bad", typed by hand) says so in the design
// system's words ("From must be a real date"), each date at once, not the
// service's "year-month-day".
func TestHandTypedFilterDateInWords(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		for _, tc := range []struct{ who, path string }{{"admin", "/security-log"}, {"aud", "/access"}} {
			status, page := newClient(t, base, tc.who).get(tc.path + "?" + url.Values{"from": {"bad"}, "to": {"2026-02-30"}}.Encode())
			if status != 422 || !strings.Contains(page, "From must be a real date") ||
				!strings.Contains(page, "To must be a real date") || !strings.Contains(page, `href="#f-from-day"`) ||
				!strings.Contains(page, `href="#f-to-day"`) {
				t.Errorf("%s?from=bad&to=2026-02-30: %d, want 422 saying each must be a real date: %.900s",
					tc.path, status, mainPart(page))
			}
			for _, bad := range []string{"year-month-day", "2026-03-02", "Enter the date as"} {
				if strings.Contains(page, bad) {
					t.Errorf("%s?from=bad says %q", tc.path, bad)
				}
			}
		}
	})
}

// mainPart is a page's main element, for a failure's message.
func mainPart(page string) string {
	if i := strings.Index(page, "<main"); i >= 0 {
		return page[i:]
	}
	return page
}

// TestSecurityCSVHeadersInWords: the security log's download, linked from
// its page, heads its columns in people's words, not "seq,at,kind".
func TestSecurityCSVHeadersInWords(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		status, body := newClient(t, base, "admin").get("/api/v1/security-log.csv")
		head, _, _ := strings.Cut(body, "\n")
		want := "Event number,When (UTC),Kind code,What happened,Done by,Account,Username typed,Client address," +
			"Browser (user agent),Detail"
		if status != 200 || strings.TrimSpace(head) != want {
			t.Errorf("the CSV: %d, headed %q, want %q", status, head, want)
		}
	})
}
