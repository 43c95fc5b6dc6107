package clock

import (
	"testing"
	"time"
)

// A step back of the wall clock is answered with the latest reading until
// the wall clock catches up, and reported once; a step forward is taken.
func TestMonotonicNeverGoesBack(t *testing.T) {
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	wall := NewManual(start)
	var told []time.Duration
	m := NewMonotonic(wall, start.Add(-time.Minute), func(d time.Duration) { told = append(told, d) })
	if got := m.Now(); !got.Equal(start) {
		t.Fatalf("first reading %v, want the wall clock's %v", got, start)
	}
	wall.Advance(-time.Hour)
	for i := 0; i < 3; i++ {
		if got := m.Now(); !got.Equal(start) {
			t.Fatalf("after a step back: %v, want it held at %v", got, start)
		}
	}
	if len(told) != 1 || told[0] != time.Hour {
		t.Fatalf("step back reported %v, want once, an hour", told)
	}
	wall.Advance(time.Hour + time.Second)
	if got := m.Now(); !got.Equal(start.Add(time.Second)) {
		t.Fatalf("caught up: %v", got)
	}
	wall.Advance(24 * time.Hour)
	if got := m.Now(); !got.Equal(start.Add(24*time.Hour + time.Second)) {
		t.Fatalf("a step forward is taken: %v", got)
	}
	m.Raise(start.Add(48 * time.Hour))
	if got := m.Now(); !got.Equal(start.Add(48 * time.Hour)) {
		t.Fatalf("after Raise: %v", got)
	}
	if len(told) != 2 {
		t.Fatalf("the second time behind was not reported: %v", told)
	}
}
