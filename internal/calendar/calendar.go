// Package calendar counts working days in England and Wales: weekends and
// bank holidays (embedded from gov.uk) skipped, in Europe/London time.
package calendar

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
)

//go:embed data/england-and-wales.json
var embedded []byte

// London is the zone every deadline is counted in: clock.London, under the
// name the calendar's callers know.
var London = clock.London

// Calendar knows which London dates are working days.
type Calendar struct {
	holidays    map[string]string // YYYY-MM-DD → title
	first, last time.Time
}

// Default is the embedded England-and-Wales calendar. It panics only if the
// embedded file is broken, which the package's tests rule out.
func Default() *Calendar {
	c, err := Parse(embedded)
	if err != nil {
		panic("calendar: embedded bank holidays: " + err.Error())
	}
	return c
}

// Parse reads a gov.uk bank-holidays division file
// (https://www.gov.uk/bank-holidays.json, one division).
func Parse(b []byte) (*Calendar, error) {
	var f struct {
		Division string `json:"division"`
		Events   []struct {
			Title string `json:"title"`
			Date  string `json:"date"`
			Notes string `json:"notes"`
			Bunt  bool   `json:"bunting"`
		} `json:"events"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("bank holidays: %w", err)
	}
	if len(f.Events) == 0 {
		return nil, fmt.Errorf("bank holidays: no events in division %q", f.Division)
	}
	c := &Calendar{holidays: map[string]string{}}
	for i, e := range f.Events {
		d, err := time.ParseInLocation(time.DateOnly, e.Date, London)
		if err != nil {
			return nil, fmt.Errorf("bank holidays: event %d (%q): date %q is not YYYY-MM-DD", i+1, e.Title, e.Date)
		}
		c.holidays[e.Date] = e.Title
		if c.first.IsZero() || d.Before(c.first) {
			c.first = d
		}
		if d.After(c.last) {
			c.last = d
		}
	}
	c.first = time.Date(c.first.Year(), 1, 1, 0, 0, 0, 0, London)
	c.last = time.Date(c.last.Year(), 12, 31, 23, 59, 59, 0, London)
	return c, nil
}

// Range is the span of years the data covers. Beyond it only weekends are
// skipped, so deadlines there may fall on an unknown bank holiday.
func (c *Calendar) Range() (first, last time.Time) { return c.first, c.last }

// Covers reports whether t is within the data's years.
func (c *Calendar) Covers(t time.Time) bool { return !t.Before(c.first) && !t.After(c.last) }

// Holiday names the bank holiday on t's London date, or "".
func (c *Calendar) Holiday(t time.Time) string { return c.holidays[t.In(London).Format(time.DateOnly)] }

// IsWorkingDay reports whether t's London date is a working day.
func (c *Calendar) IsWorkingDay(t time.Time) bool {
	l := t.In(London)
	if wd := l.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	_, hol := c.holidays[l.Format(time.DateOnly)]
	return !hol
}

// endOfDay is the last instant of t's London date, so a deadline "within
// n working days" lasts the whole of the last day, whatever the UTC offset.
func endOfDay(t time.Time) time.Time {
	l := t.In(London)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, London).Add(-time.Nanosecond)
}

func nextDay(t time.Time) time.Time {
	l := t.In(London)
	return time.Date(l.Year(), l.Month(), l.Day()+1, 12, 0, 0, 0, London)
}

// AddWorkingDays is the deadline n working days after t: the end of the
// n-th working day after t's London date (a Friday-evening start counts
// from Monday). n = 0 is the end of t's date if a working day, else of the
// next working day.
func (c *Calendar) AddWorkingDays(t time.Time, n int) time.Time {
	d := t.In(London)
	if n == 0 {
		for !c.IsWorkingDay(d) {
			d = nextDay(d)
		}
		return endOfDay(d).UTC()
	}
	for n > 0 {
		d = nextDay(d)
		if c.IsWorkingDay(d) {
			n--
		}
	}
	return endOfDay(d).UTC()
}

// WorkingDaysBetween counts working days after a's date up to and
// including b's date.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) int {
	n := 0
	last := b.In(London).Format(time.DateOnly)
	for d := a.In(London); d.Format(time.DateOnly) < last; {
		d = nextDay(d)
		if c.IsWorkingDay(d) {
			n++
		}
	}
	return n
}
