package sqlstore

import (
	"testing"
	"time"
)

// parseEventTime must accept and refuse exactly what parseTime does, and
// agree on the instant: the verifier's leaves are built from it.
func FuzzParseEventTime(f *testing.F) {
	for _, s := range []string{
		fmtTime(time.Date(2026, 3, 29, 1, 30, 0, 5, time.UTC)),
		"2026-02-30T00:00:00.000000000Z", "2026-13-01T00:00:00.000000000Z", "2026-01-01T24:00:00.000000000Z",
		"2026-01-01T23:59:60.000000000Z", "2026-01-01T00:00:00.00000000xZ", "2026-01-01 00:00:00.000000000Z",
		"2024-02-29T12:00:00.999999999Z", "0000-01-01T00:00:00.000000000Z", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gerr := parseEventTime(s)
		want, werr := parseTime(s)
		if (gerr != nil) != (werr != nil) || !got.Equal(want) || got.Location() != want.Location() {
			t.Fatalf("%q: %v, %v; parseTime gives %v, %v", s, got, gerr, want, werr)
		}
	})
}
