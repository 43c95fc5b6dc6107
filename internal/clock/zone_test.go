package clock

import (
	"testing"
	"time"
)

// TestGovUK: a moment, and the time of day alone, the GOV.UK way: never
// the 24-hour clock, nor "12pm" or "12am".
func TestGovUK(t *testing.T) {
	for _, tc := range []struct {
		fn   func(time.Time) string
		at   time.Time
		want string
	}{
		{GovUK, time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC), "1 December 2026 at 11:59pm"},
		{GovUK, time.Date(2026, 6, 4, 13, 15, 0, 0, time.UTC), "4 June 2026 at 2:15pm"}, // BST
		{GovUK, time.Date(2026, 6, 4, 11, 0, 0, 0, time.UTC), "4 June 2026 at midday"},
		{GovUK, time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC), "4 January 2026 at midnight"},
		{GovUK, time.Date(2026, 1, 4, 9, 0, 0, 0, time.UTC), "4 January 2026 at 9am"},
		{GovUKClock, time.Date(2026, 12, 1, 17, 30, 0, 0, time.UTC), "5:30pm"},
		{GovUKClock, time.Date(2026, 6, 4, 11, 0, 0, 0, time.UTC), "midday"}, // BST
		{GovUKClock, time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC), "midnight"},
		{GovUKClock, time.Date(2026, 1, 4, 0, 5, 0, 0, time.UTC), "12:05am"},
		{GovUKClock, time.Date(2026, 1, 4, 12, 5, 0, 0, time.UTC), "12:05pm"},
	} {
		if got := tc.fn(tc.at); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.at, got, tc.want)
		}
	}
}
