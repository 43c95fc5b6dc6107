package service

import (
	"testing"
	"time"
)

// FuzzBirthDateQuery: whatever is typed, reading it as a date of birth
// does not fail, and a date it reads is a real one, from 1900, that reads
// back the same from each way of writing it the search accepts.
func FuzzBirthDateQuery(f *testing.F) {
	for _, s := range []string{"6/10/1995", "06/10/1995", "1995-10-06", "6 October 1995", "6 Sept 1995",
		"31/02/1995", "6/10/95", "29.2.2000", "", "0/0/0000", "1995-13-01", "6 10 1995 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		iso, ok := birthDateQuery(q)
		if !ok {
			if iso != "" {
				t.Fatalf("%q: not a date, but answered %q", q, iso)
			}
			return
		}
		d, err := time.Parse(time.DateOnly, iso)
		if err != nil || d.Year() < 1900 {
			t.Fatalf("%q read as %q, not a date from 1900", q, iso)
		}
		for _, again := range []string{iso, d.Format("2/1/2006"), d.Format("02/01/2006"), d.Format("2 January 2006"),
			d.Format("2 Jan 2006")} {
			if got, ok := birthDateQuery(again); !ok || got != iso {
				t.Fatalf("%q read as %q, but %q reads as %q", q, iso, again, got)
			}
		}
	})
}
