package clock

import (
	"testing"
	"time"
)

func TestGovUK(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 12, 1, 23, 59, 0, 0, time.UTC), "1 December 2026 at 11:59pm"},
		{time.Date(2026, 6, 4, 13, 15, 0, 0, time.UTC), "4 June 2026 at 2:15pm"}, // BST
		{time.Date(2026, 6, 4, 11, 0, 0, 0, time.UTC), "4 June 2026 at midday"},
		{time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC), "4 January 2026 at midnight"},
		{time.Date(2026, 1, 4, 9, 0, 0, 0, time.UTC), "4 January 2026 at 9am"},
	} {
		if got := GovUK(tc.at); got != tc.want {
			t.Errorf("GovUK(%s) = %q, want %q", tc.at, got, tc.want)
		}
	}
}

// TestGovUKClock: the time of day alone never uses the 24-hour clock, nor
// "12pm" or "12am".
func TestGovUKClock(t *testing.T) {
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 12, 1, 17, 30, 0, 0, time.UTC), "5:30pm"},
		{time.Date(2026, 6, 4, 11, 0, 0, 0, time.UTC), "midday"}, // BST
		{time.Date(2026, 1, 4, 0, 0, 0, 0, time.UTC), "midnight"},
		{time.Date(2026, 1, 4, 0, 5, 0, 0, time.UTC), "12:05am"},
		{time.Date(2026, 1, 4, 12, 5, 0, 0, time.UTC), "12:05pm"},
	} {
		if got := GovUKClock(tc.at); got != tc.want {
			t.Errorf("GovUKClock(%s) = %q, want %q", tc.at, got, tc.want)
		}
	}
}
