package web

import (
	"testing"
	"time"
)

// TestWaitedInWords: a wait reads in hours, then days, then — past eight
// weeks — months or years, never "5390 days".
func TestWaitedInWords(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		ago  time.Duration
		want string
	}{
		{10 * time.Minute, "less than an hour"}, {5 * time.Hour, "5 hours"}, {25 * time.Hour, "1 day"},
		{12 * 24 * time.Hour, "12 days"}, {100 * 24 * time.Hour, "over 3 months"},
		{5390 * 24 * time.Hour, "over 14 years"},
	} {
		if got := waited(now.Add(-c.ago), now); got != c.want {
			t.Errorf("waited %v: %q, want %q", c.ago, got, c.want)
		}
	}
}
