package policy

import (
	"testing"
	"time"
)

// The account page showed "locked after 5 failures in 15m0s for 15m0s".
func TestAuthSettingsInWords(t *testing.T) {
	a := Auth{LockoutFailures: 5, AccountFailures: 20, LockoutWindow: 15 * time.Minute, LockoutFor: 90 * time.Minute,
		SessionIdle: 30 * time.Minute, SessionLifetime: 12 * time.Hour, TokenDays: 90}
	want := "After 5 wrong passwords for an account in 15 minutes from one address, that address cannot sign in " +
		"to it for 1 hour 30 minutes; after 20 from all addresses together, nobody can. A session ends after 30 minutes " +
		"without use, or 12 hours after signing in. API tokens last 90 days."
	if got := a.String(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	for d, w := range map[time.Duration]string{time.Hour: "1 hour", time.Minute: "1 minute", 45 * time.Second: "45 seconds"} {
		if got := span(d); got != w {
			t.Errorf("span(%v) = %q, want %q", d, got, w)
		}
	}
}
