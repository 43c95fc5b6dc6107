package web

import (
	"testing"
	"time"
)

// TestLeaverDueReadsRight: the leaver page's Due column says of several
// duties alike that the date is the earliest of theirs. It said "From 30
// October 2017", which read as a duty running from then.
func TestLeaverDueReadsRight(t *testing.T) {
	due := time.Date(2017, 10, 30, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		g    leaverDutyGroup
		want string
	}{
		{leaverDutyGroup{Due: due, Count: 1}, "30 October 2017"},
		{leaverDutyGroup{Due: due, Count: 3}, "Earliest 30 October 2017"},
		{leaverDutyGroup{Count: 2}, "—"},
	} {
		if got := tc.g.DueText(); got != tc.want {
			t.Errorf("%d duties due %v: %q, want %q", tc.g.Count, tc.g.Due, got, tc.want)
		}
	}
}
