package domain

import (
	"testing"
	"time"
)

// TestImportedFlagsDatedFromHistory: an imported open case owing nothing
// and owned by nobody is flagged from its history (opened, last allocated,
// last duty closed), a case made in Holdfast from its last change.
func TestImportedFlagsDatedFromHistory(t *testing.T) {
	opened := time.Date(2025, 1, 1, 9, 0, 0, 0, time.UTC)
	allocated, closed, updated := opened.AddDate(0, 1, 0), opened.AddDate(0, 2, 0), opened.AddDate(1, 0, 0)
	since := func(c *Case) map[string]time.Time {
		out := map[string]time.Time{}
		for _, f := range c.Flags() {
			out[f.Kind] = f.Since
		}
		return out
	}
	for _, tc := range []struct {
		name              string
		imported          bool
		lastClosed        time.Time
		wantOwner, wantDo time.Time
	}{
		{"made here", false, time.Time{}, updated, updated},
		{"imported", true, time.Time{}, allocated, allocated},
		{"imported, a duty closed since", true, closed, allocated, closed},
	} {
		c := &Case{Status: StatusOpen, OpenedAt: opened, AllocatedAt: allocated, UpdatedAt: updated,
			Imported: tc.imported, LastDutyClosed: tc.lastClosed}
		got := since(c)
		if !got[FlagNoOwner].Equal(tc.wantOwner) || !got[FlagNoOpenDuty].Equal(tc.wantDo) {
			t.Errorf("%s: no_owner since %s, no_open_duty since %s; want %s and %s", tc.name,
				got[FlagNoOwner], got[FlagNoOpenDuty], tc.wantOwner, tc.wantDo)
		}
	}
}
