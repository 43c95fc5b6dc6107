package replay_test

import (
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestFiguresFilledOnOpenAndChecked: a record written before the
// dashboard's figures were kept (migration 00043) has none; opening the
// store counts them from the cases and their duty history, and the record
// then equals its replay. A figure edited behind the service's back is
// named by rebuild.
func TestFiguresFilledOnOpenAndChecked(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, _ := contacted(t, db) // a met allocation duty, a contact
		f.Allocated(t)
		f.Clock.Advance(40 * 24 * time.Hour) // overdue across a month's end
		f.Referral(t)
		if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
			t.Fatalf("kept figures differ from the replay: %v %v", d, err)
		}
		exec(t, db, "DELETE FROM figures")
		exec(t, db, "DELETE FROM case_figures")
		exec(t, db, "DELETE FROM figures_built")
		if _, d, err := replay.Compare(ctx, db); err != nil || d == nil {
			t.Fatalf("a record without figures is not told from its replay: %v %v", d, err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
			t.Fatalf("after filling the figures: %v %v", d, err)
		}
		exec(t, db, "UPDATE figures SET n = n + 1 WHERE figure LIKE 'owner:%'")
		_, d, err := replay.Compare(ctx, db)
		if err != nil || d == nil || !strings.Contains(d.String(), "figures") {
			t.Fatalf("an edited figure is not named: %v %v", d, err)
		}
	})
}
