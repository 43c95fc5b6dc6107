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
