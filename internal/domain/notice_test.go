package domain

import (
	"slices"
	"testing"
	"time"
)

// TestOweKeepsEachDecisionsDate: a victim owed word of two decisions
// keeps when each was made (the first date still anchors the deadline);
// a notice owed before the dates were kept keeps its one date for what
// was owed then.
func TestOweKeepsEachDecisionsDate(t *testing.T) {
	d1 := time.Date(2026, 9, 18, 10, 0, 0, 0, time.UTC)
	d2 := time.Date(2026, 10, 2, 10, 0, 0, 0, time.UTC)
	c := &Case{Victims: []Victim{{ID: "v1"}, {ID: "v2",
		NoticeDue: &Notice{Decision: "suspect charged", At: d1}}}}
	c.owe("suspect released without charge", d2)
	c.owe("investigation closed (outcome 15)", d2.AddDate(0, 0, 1))
	n := c.Victims[0].NoticeDue
	want := []Owed{{Decision: "suspect released without charge", At: d2},
		{Decision: "investigation closed (outcome 15)", At: d2.AddDate(0, 0, 1)}}
	if !slices.Equal(n.Each, want) || !n.At.Equal(d2) ||
		n.Decision != "suspect released without charge; investigation closed (outcome 15)" {
		t.Errorf("a new notice: %+v", n)
	}
	old := c.Victims[1].NoticeDue
	want = append([]Owed{{Decision: "suspect charged", At: d1}}, want...)
	if !slices.Equal(old.Each, want) || !old.At.Equal(d1) {
		t.Errorf("a notice owed before each date was kept: %+v", old)
	}
}
