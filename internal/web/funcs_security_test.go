package web

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
)

// TestSecDetailSaysOldRowsInWords: rows the log kept from before it wrote
// words (it is append-only) are said in words on the page, without a
// session's reference or a user's id.
func TestSecDetailSaysOldRowsInWords(t *testing.T) {
	org := &domain.OrgState{Users: map[string]*domain.User{"u-1": {ID: "u-1", Name: "Jo Bloggs"}}}
	for _, tc := range []struct{ kind, stored, want string }{
		{"security.log_read", `kind="" user="" address="" from=- to=- before=0`,
			"Searched the security log: all kinds, everyone, any date"},
		{"security.log_read", `kind="security.signed_in" user="u-1" address="10.0.0.1" from=2026-03-02T00:00:00Z to=- before=42`,
			"Searched the security log: signed in, Jo Bloggs, from the address 10.0.0.1, from 2 March 2026 (an older page)"},
		{"security.log_read", `kind="" user="gone" address="" from=- to=2026-03-10T00:00:00Z before=0`,
			"Searched the security log: all kinds, one person, before 10 March 2026"},
		{"security.signed_in", "session f06c3e5c0a1b2c3d, with a password", "Signed in with a password"},
		{"security.signed_in", "session f06c3e5c0a1b2c3d, with a password; the password must be changed before anything else",
			"Signed in with a password; the password must be changed before anything else"},
		{"security.password_accepted", "session f06c3e5c0a1b2c3d, with a password; waiting for the second step",
			"Password accepted; waiting for the second step"},
		{"security.signed_out", "session f06c3e5c0a1b2c3d", "Signed out"},
		{"security.session_expired", "session f06c3e5c0a1b2c3d: the session was idle for 30m0s",
			"The session was idle for 30m0s"},
		{"security.sessions_ended", "session f06c3e5c0a1b2c3d, by its owner (1 ended)", "One session ended by its owner (1 ended)"},
		{"security.sessions_ended", "every other session, by its owner (2 ended)", "Every other session, by its owner (2 ended)"},
		{"security.signed_out", "Signed out (session f06c3e5c0a1b2c3d)", "Signed out"},
		{"security.account_unlocked", "unlocked by an administrator", "Unlocked by an administrator"},
	} {
		if got := secDetail(org, tc.kind, tc.stored); got != tc.want {
			t.Errorf("%s %q: %q, want %q", tc.kind, tc.stored, got, tc.want)
		}
	}
}
