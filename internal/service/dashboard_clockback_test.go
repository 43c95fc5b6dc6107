package service_test

import (
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestFiguresClockSetBack: the clock goes back an hour, within the
// month, after the allocation duty was met: it counts, in the kept
// figures and in the scan (the oracle), though now reads before it.
func TestFiguresClockSetBack(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		f.Allocated(t)
		keptEqualsScan(t, f.Svc, "before")
		f.Clock.Set(f.Clock.Now().Add(-time.Hour))
		keptEqualsScan(t, f.Svc, "clock an hour back")
	})
}
