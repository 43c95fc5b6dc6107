package clock

import (
	"time"
	_ "time/tzdata" // a fresh machine may have no zoneinfo
)

func mustLoad(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic("clock: " + err.Error())
	}
	return l
}
