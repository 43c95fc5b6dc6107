package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestSecurityLogDetailInWords: the security log's page says each event's
// detail in words: a search of the log ("Searched the security log: all
// kinds, everyone, any date", the person searched for by name), a sign-in,
// and never a session's reference or a user's id. The CSV
// keeps the session's reference, for investigators. (The walk of
// 2026-12-07 found `kind="" user="" address="" from=- to=- before=0` and
// "session f06c3e5c…" on the page.)
func TestSecurityLogDetailInWords(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		admin := newClient(t, base, "admin")
		admin.get("/security-log?user=" + f.Investigator.ID())
		newClient(t, base, "ivy")
		admin.get("/security-log")
		_, page := admin.get("/security-log")
		page = regexp.MustCompile(`(?s)id="security-events".*?</table>`).FindString(page)
		for _, want := range []string{"Searched the security log: all kinds, everyone, any date",
			"Searched the security log: all kinds, DC Ivy Investigator, any date", "Signed in with a password"} {
			if !strings.Contains(page, want) {
				t.Errorf("the security log's page does not say %q", want)
			}
		}
		for _, bad := range []*regexp.Regexp{regexp.MustCompile(`session [0-9a-f]{8}`), regexp.MustCompile(`user="|before=\d`),
			regexp.MustCompile(regexp.QuoteMeta(f.Investigator.ID()))} {
			if m := bad.FindString(page); m != "" {
				t.Errorf("the security log's page shows %q", m)
			}
		}
		_, csv := admin.get("/api/v1/security-log.csv")
		if !regexp.MustCompile(`Signed in with a password \(session [0-9a-f]{16}\)`).MatchString(csv) {
			t.Error("the CSV lost the session's reference")
		}
	})
}
