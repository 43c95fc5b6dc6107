package clock

import (
	"time"
	_ "time/tzdata" // a fresh machine may have no zoneinfo
)

// London is Europe/London, where Holdfast's users reason about time and
// every deadline is counted (internal/calendar). It is the one place the
// zone is loaded.
var London = mustLoad("Europe/London")

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic("clock: " + err.Error())
	}
	return l
}

// GovUK is a time the GOV.UK way, in London: "4 June 2026 at 2:15pm",
// "1 December 2026 at 11:59pm", with "midday" and "midnight". Pages and
// the texts the watchdog writes (escalations, findings) both use it.
func GovUK(t time.Time) string {
	t = t.In(London)
	return t.Format("2 January 2006") + " at " + GovUKClock(t)
}

// GovUKClock is the time of day alone, the GOV.UK way, in London: "2:15pm",
// "5pm", "midday", "midnight" (never 24-hour, never "12pm").
func GovUKClock(t time.Time) string {
	t = t.In(London)
	switch {
	case t.Hour() == 12 && t.Minute() == 0:
		return "midday"
	case t.Hour() == 0 && t.Minute() == 0:
		return "midnight"
	case t.Minute() == 0:
		return t.Format("3pm")
	}
	return t.Format("3:04pm")
}
