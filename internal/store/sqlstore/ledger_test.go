package sqlstore

import (
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/event"
)

// appendLeafTime turns a stored time into the leaf's without parsing it:
// for every time parseTime accepts it must give exactly what formatting the
// parsed time gives (else every leaf read this way would fail its hash),
// and what parseTime refuses must never come out as a valid leaf time.
func FuzzAppendLeafTime(f *testing.F) {
	for _, s := range []string{
		fmtTime(time.Date(2026, 3, 29, 1, 30, 0, 5, time.UTC)), fmtTime(time.Date(2026, 3, 29, 1, 30, 0, 0, time.UTC)),
		fmtTime(time.Date(2026, 3, 29, 1, 30, 0, 120000000, time.UTC)),
		"2026-02-30T00:00:00.000000000Z", "2026-13-01T00:00:00.000000000Z", "2026-01-01T24:00:00.000000000Z",
		"2026-01-01T23:59:60.000000000Z", "2026-01-01T00:00:00.00000000xZ", "2026-01-01 00:00:00.000000000Z",
		"2024-02-29T12:00:00.999999999Z", "0000-01-01T00:00:00.000000000Z", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, gerr := appendLeafTime(nil, s)
		want, werr := parseTime(s)
		switch {
		case werr == nil && (gerr != nil || string(got) != string(event.AppendLeafTime(nil, want))):
			t.Fatalf(
				"%q: leaf time %q, %v; formatting the parsed time gives %q",
				s,
				got,
				gerr,
				event.AppendLeafTime(nil, want),
			)
		case werr != nil && gerr == nil:
			if _, err := time.Parse(time.RFC3339Nano, string(got)); err == nil {
				t.Fatalf("%q is refused by parseTime but gives the valid leaf time %q", s, got)
			}
		}
	})
}
