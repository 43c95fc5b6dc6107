package web

import (
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
)

// TestTimesTheGOVUKWay: every formatter of a moment on the pages writes
// the 12-hour clock with "midday" and "midnight", as the GOV.UK style
// guide does ("5:30pm"), never "17:30". (The pages said "7 Dec 2026 17:30".)
func TestTimesTheGOVUKWay(t *testing.T) {
	when := funcs["when"].(func(time.Time) string)
	winter := func(h, m int) time.Time { return time.Date(2026, 12, 7, h, m, 0, 0, time.UTC) }
	for _, tc := range []struct{ got, want string }{
		{when(winter(17, 30)), "7 December 2026 at 5:30pm"},
		{when(winter(12, 0)), "7 December 2026 at midday"},
		{when(winter(0, 0)), "7 December 2026 at midnight"},
		{when(time.Time{}), "—"},
		{findTime(winter(12, 0)), "7 December 2026 at midday"},
		{findTime(winter(9, 0)), "7 December 2026 at 9am"},
		{dueWhen(winter(17, 30), winter(9, 0)), "due today by 5:30pm"},
		{dueWhen(winter(12, 0), winter(13, 0)), "due today, midday (now overdue)"},
		// Long overdue in months and years, not "5390 days" (walk, 7 December 2026).
		{dueWhen(time.Date(2012, 3, 5, 9, 0, 0, 0, time.UTC), winter(9, 0)), "over 14 years overdue (due 5 March 2012)"},
		{dueWhen(winter(9, 0).AddDate(0, -5, -3), winter(9, 0)), "over 5 months overdue (due 4 July 2026)"},
		{dueWhen(winter(9, 0).AddDate(0, 0, -55), winter(9, 0)), "55 days overdue (due 13 October 2026)"},
		{dueWhen(winter(9, 0).AddDate(-1, -2, 0), winter(9, 0)), "over 1 year overdue (due 7 October 2025)"},
		{glassEnds(&domain.BreakGlass{At: winter(9, 0), Until: winter(17, 0)}), "5pm"},
		{glassEnds(&domain.BreakGlass{At: winter(22, 0), Until: winter(0, 0).AddDate(0, 0, 1).Add(time.Hour)}),
			"1am on 8 December"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
