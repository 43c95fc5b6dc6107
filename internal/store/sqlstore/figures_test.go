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

// TestFigureBroughtDownToNoughtIsDropped: a figure other than an overdue
// one is never below nought, so only a negative delta brings it to
// nought; that drops the row, and a positive one keeps it.
func TestFigureBroughtDownToNoughtIsDropped(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		const team, fig = "t1", "met:2026-09"
		for i, step := range []struct{ n, want int }{{2, 2}, {-1, 1}, {1, 2}, {-2, 0}} {
			if err := db.AddFigure(ctx, team, fig, step.n); err != nil {
				t.Fatal(err)
			}
			figs, err := db.TeamFigures(ctx)
			if err != nil {
				t.Fatal(err)
			}
			n, ok := figs[team][fig]
			if n != step.want || ok != (step.want != 0) {
				t.Fatalf("step %d (%+d): %s = %d (kept %v), want %d", i+1, step.n, fig, n, ok, step.want)
			}
		}
	})
}
