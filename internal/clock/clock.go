// Package clock is where Holdfast learns the time, so tests and the sweep's
// --as-of can move it.
package clock

import (
	"sync"
	"time"
)

// Clock tells the time.
type Clock interface{ Now() time.Time }

// System is the real clock.
type System struct{}

// Now returns the current time in UTC.
func (System) Now() time.Time { return time.Now().UTC() }

// Manual is a clock that moves only when told. Safe for concurrent use.
type Manual struct {
	mu sync.Mutex
	t  time.Time
}

// NewManual returns a clock stopped at t.
func NewManual(t time.Time) *Manual { return &Manual{t: t.UTC()} }

// Now returns the clock's time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	m.t = t.UTC()
	m.mu.Unlock()
}

// Advance moves the clock on by d.
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	m.t = m.t.Add(d)
	m.mu.Unlock()
}

// Monotonic is the clock the record is written by: its readings never go
// back, even when the wall clock under it does (an NTP correction, an
// operator setting the time, a virtual machine resumed). When the wall
// clock is behind the latest reading it answers that reading until the
// wall clock catches up, so the log's times stay in order and an event is
// never dated before one recorded earlier. Holdfast raises its floor to the
// time of the log's last event when it starts (app.New), so a restart
// after the clock stepped back keeps the order too. docs/reliability.md
// says what this costs when the wall clock had stepped forward.
type Monotonic struct {
	inner  Clock
	onBack func(behind time.Duration)
	mu     sync.Mutex
	last   time.Time
	behind bool // the wall clock is behind last: onBack told once
}

// NewMonotonic returns a clock reading inner that never goes back past
// floor or any earlier reading. onBack, if not nil, is told once each time
// the wall clock is found more than a second behind.
func NewMonotonic(inner Clock, floor time.Time, onBack func(behind time.Duration)) *Monotonic {
	return &Monotonic{inner: inner, onBack: onBack, last: floor.UTC()}
}

// Now returns the later of the wall clock and the latest reading.
func (m *Monotonic) Now() time.Time {
	t := m.inner.Now().UTC()
	m.mu.Lock()
	defer m.mu.Unlock()
	if !t.Before(m.last) {
		m.last, m.behind = t, false
		return t
	}
	if behind := m.last.Sub(t); behind > time.Second && !m.behind {
		m.behind = true
		if m.onBack != nil {
			m.onBack(behind)
		}
	}
	return m.last
}

// Raise makes every later reading at least t.
func (m *Monotonic) Raise(t time.Time) {
	m.mu.Lock()
	if t.After(m.last) {
		m.last = t.UTC()
	}
	m.mu.Unlock()
}
