package sqlstore_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/testdb"
)

// TestExclusiveIsPerRecord: two instances on one record exclude each other
// (one sweeper at a time), but two records — two SQLite files in one
// process, two schemas in one PostgreSQL database — never do. The second
// was once not so, and test packages sweeping at once on one server
// skipped each other's sweeps.
func TestExclusiveIsPerRecord(t *testing.T) {
	testdb.EachDSN(t, func(t *testing.T, dsn string) {
		a, b := testdb.OpenDSN(t, dsn), testdb.OpenDSN(t, dsn)
		other := testdb.OpenDSN(t, testdb.DSN(t, a.Engine()))
		var sameRan, otherRan bool
		ran, err := a.Exclusive(ctx, "sweep", func() error {
			var err error
			if sameRan, err = b.Exclusive(ctx, "sweep", func() error { return nil }); err != nil {
				return err
			}
			otherRan, err = other.Exclusive(ctx, "sweep", func() error { return nil })
			return err
		})
		if err != nil || !ran {
			t.Fatalf("first holder: ran %v, %v", ran, err)
		}
		if sameRan {
			t.Error("a second instance on the same record took a lock already held")
		}
		if !otherRan {
			t.Error("a different record was refused a lock held only on another record")
		}
		// Released: the second instance may now take it.
		if ran, err := b.Exclusive(ctx, "sweep", func() error { return nil }); err != nil || !ran {
			t.Errorf("after release: ran %v, %v", ran, err)
		}
	})
}
