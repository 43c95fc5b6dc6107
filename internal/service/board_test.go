package service_test

import (
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// FuzzParseBoardCursor: a team board cursor comes back in a URL, so any
// text is refused or read without panicking, and what is read is written
// back the same.
func FuzzParseBoardCursor(f *testing.F) {
	f.Add(service.FormatBoardCursor(store.DutyCursor{Due: time.Date(2026, 3, 9, 23, 59, 59, 999999999, time.UTC),
		ID: "01a24b0f-de33-7ec5-933b-ca4cadd877c9.d9"}))
	f.Add("garbage")
	f.Add("2026-03-09T23:59:59Z~")
	f.Add("~id")
	f.Add("2026-03-09T23:59:59+01:00~x' OR '1'='1")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := service.ParseBoardCursor(s)
		if err != nil {
			return
		}
		if c.ID == "" || c.Due.Location() != time.UTC {
			t.Fatalf("%q read as %+v", s, c)
		}
		again, err := service.ParseBoardCursor(service.FormatBoardCursor(c))
		if err != nil || !again.Due.Equal(c.Due) || again.ID != c.ID {
			t.Fatalf("%q read as %+v, written and read again as %+v (%v)", s, c, again, err)
		}
	})
}
