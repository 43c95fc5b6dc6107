package service

import (
	"slices"
	"testing"
)

// TestPageOf: pages of TrainingPageSize rows, the page number clamped to
// those there are, and every row at once for the download.
func TestPageOf(t *testing.T) {
	xs := make([]int, 2*TrainingPageSize+3)
	for i := range xs {
		xs[i] = i
	}
	for _, tc := range []struct{ ask, page, first, n int }{
		{0, 1, 0, TrainingPageSize}, {2, 2, TrainingPageSize, TrainingPageSize}, {3, 3, 2 * TrainingPageSize, 3},
		{99, 3, 2 * TrainingPageSize, 3}, {-4, 1, 0, TrainingPageSize},
	} {
		got, page, pages := pageOf(xs, tc.ask, false)
		if page != tc.page || pages != 3 || len(got) != tc.n || got[0] != tc.first {
			t.Errorf("page %d: got page %d of %d, %d rows from %d", tc.ask, page, pages, len(got), got[0])
		}
	}
	if all, page, pages := pageOf(xs, 2, true); !slices.Equal(all, xs) || page != 1 || pages != 1 {
		t.Errorf("all: %d rows, page %d of %d", len(all), page, pages)
	}
	if none, page, pages := pageOf([]int(nil), 5, false); len(none) != 0 || page != 1 || pages != 1 {
		t.Errorf("empty: page %d of %d", page, pages)
	}
}
