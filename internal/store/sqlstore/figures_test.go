package sqlstore_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestFigureBackToNoughtIsDropped: an overdue figure goes below nought
// (-1 when a duty overdue in an earlier month is met); a later +1 that
// brings it back to nought must drop the row, as the replay keeps none
// (a fresh demo record failed rebuild with "present in the live record
// but not derived from the log").
func TestFigureBackToNoughtIsDropped(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		const team, fig = "t1", "overdue:t1|2026-09"
		for _, n := range []int{-1, 1} {
			if err := db.AddFigure(ctx, team, fig, n); err != nil {
				t.Fatal(err)
			}
		}
		figs, err := db.TeamFigures(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n, ok := figs[team][fig]; ok {
			t.Fatalf("a figure brought from -1 to nought is kept: %s = %d", fig, n)
		}
	})
}
