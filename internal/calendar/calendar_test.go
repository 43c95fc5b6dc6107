package calendar

import (
	"bytes"
	"math/rand/v2"
	"os"
	"testing"
	"time"
)

// The data is ../shared/data/uk-bank-holidays/england-and-wales.json, from
// https://www.gov.uk/bank-holidays.json, embedded as the issue asks.
const shared = "../../../shared/data/uk-bank-holidays/england-and-wales.json"

func TestEmbeddedCopyMatchesSharedData(t *testing.T) {
	want, err := os.ReadFile(shared)
	if err != nil {
		t.Skipf("shared data not beside the checkout (%v): cannot check the embedded copy for drift", err)
	}
	if !bytes.Equal(embedded, want) {
		t.Fatal(
			"internal/calendar/data/england-and-wales.json differs from the shared data: update it (docs/calendar.md)",
		)
	}
}

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, London)
	if err != nil {
		panic(err)
	}
	return t
}

func TestAddWorkingDays(t *testing.T) {
	c := Default()
	for _, tc := range []struct {
		name, from string
		n          int
		want       string // London date of the deadline
	}{
		{"friday evening counts from monday", "2025-06-13 18:30", 1, "2025-06-16"},
		{"friday evening, five working days", "2025-06-13 21:00", 5, "2025-06-20"},
		{"easter: good friday and easter monday skipped", "2025-04-17 10:00", 1, "2025-04-22"},
		{"christmas and boxing day skipped", "2025-12-24 09:00", 1, "2025-12-29"},
		{"christmas on a weekend: substitute days 27 and 28 dec 2021", "2021-12-24 09:00", 1, "2021-12-29"},
		{"across new year", "2025-12-31 16:00", 1, "2026-01-02"},
		{"clocks go forward (30 march 2025)", "2025-03-28 17:00", 1, "2025-03-31"},
		{"clocks go back (26 october 2025)", "2025-10-24 17:00", 1, "2025-10-27"},
		{"zero on a saturday is monday", "2025-06-14 12:00", 0, "2025-06-16"},
		{"ten working days over the may bank holidays", "2025-05-01 09:00", 10, "2025-05-16"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := c.AddWorkingDays(at(tc.from), tc.n).In(London)
			if d := got.Format(time.DateOnly); d != tc.want {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, want %s", tc.from, tc.n, d, tc.want)
			}
			if got.Hour() != 23 || got.Minute() != 59 {
				t.Fatalf("deadline %v is not the end of the London day", got)
			}
		})
	}
}

func TestEndOfDayAcrossClockChange(t *testing.T) {
	c := Default()
	// Saturday 29 March 2025 + 0 → Monday 31 March, after the change to BST:
	// the deadline is 22:59:59 UTC, not 23:59:59 UTC.
	got := c.AddWorkingDays(at("2025-03-29 12:00"), 0)
	if want := time.Date(2025, 3, 31, 22, 59, 59, 999999999, time.UTC); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	got = c.AddWorkingDays(at("2025-10-25 12:00"), 0)
	if want := time.Date(2025, 10, 27, 23, 59, 59, 999999999, time.UTC); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestHolidaysFromData(t *testing.T) {
	c := Default()
	for d, name := range map[string]string{"2025-04-18": "Good Friday", "2025-12-25": "Christmas Day", "2022-12-27": "Christmas Day"} {
		if got := c.Holiday(at(d + " 12:00")); got != name {
			t.Errorf("%s: got %q, want %q", d, got, name)
		}
	}
}

// Property: a deadline always lands on a working day, n working days on.
func TestAddWorkingDaysProperty(t *testing.T) {
	c := Default()
	first, last := c.Range()
	r := rand.New(rand.NewPCG(1, 2))
	span := last.Sub(first) - 100*24*time.Hour
	for i := 0; i < 3000; i++ {
		start := first.Add(time.Duration(r.Int64N(int64(span))))
		n := r.IntN(61)
		d := c.AddWorkingDays(start, n)
		if !c.IsWorkingDay(d) {
			t.Fatalf("AddWorkingDays(%v, %d) = %v: not a working day", start, n, d)
		}
		if got := c.WorkingDaysBetween(start, d); n > 0 && got != n {
			t.Fatalf("WorkingDaysBetween(%v, %v) = %d, want %d", start, d, got, n)
		}
	}
}

func TestParseRefusesBadData(t *testing.T) {
	for _, in := range []string{``, `{}`, `{"division":"x","events":[{"title":"a","date":"2025-13-01"}]}`, `{"division":"x","events":[],"extra":1}`} {
		if _, err := Parse([]byte(in)); err == nil {
			t.Errorf("Parse(%q) accepted bad data", in)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(embedded[:0])
	f.Add(
		[]byte(
			`{"division":"england-and-wales","events":[{"title":"x","date":"2025-01-01","notes":"","bunting":true}]}`,
		),
	)
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			return
		}
		first, _ := c.Range()
		d := c.AddWorkingDays(first, 3)
		if !c.IsWorkingDay(d) {
			t.Fatalf("deadline %v not a working day", d)
		}
	})
}
