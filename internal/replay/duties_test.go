package replay_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// caseDuties is the duties rows of case id, by duty id.
func caseDuties(t *testing.T, db *sqlstore.DB, id string) map[string][]string {
	t.Helper()
	live, err := db.LiveDerived(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for k, r := range live["duties"] {
		if r[1] == id {
			out[k] = r
		}
	}
	return out
}

// TestDutyRowsFollowEveryChange: a command writes only the duties rows
// that changed (a duty opened is inserted, one changed is updated in
// place, one met or cancelled deleted), and the find and POLE index rows
// only when the case's people changed; after each kind of change the
// record is the one the log replays to. Each step checks it made the
// change it is there for, so that the test keeps covering all of them.
func TestDutyRowsFollowEveryChange(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		before := caseDuties(t, db, c.ID)
		check := func(step string, want func(before, after map[string][]string) bool) {
			t.Helper()
			if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
				t.Fatalf("%s: the record differs from its replay: %v %v", step, d, err)
			}
			after := caseDuties(t, db, c.ID)
			if !want(before, after) {
				t.Fatalf("%s: the step did not make its change:\nbefore %v\nafter  %v", step, before, after)
			}
			before = after
		}
		added := func(before, after map[string][]string) bool {
			for id := range after {
				if before[id] == nil {
					return true
				}
			}
			return false
		}
		removed := func(before, after map[string][]string) bool { return added(after, before) }
		changed := func(col int) func(before, after map[string][]string) bool {
			return func(before, after map[string][]string) bool {
				for id, r := range after {
					if b := before[id]; b != nil && b[col] != r[col] {
						return true
					}
				}
				return false
			}
		}
		var err error
		c, err = f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A",
			DateOfBirth: "2012-03-04"})
		if err != nil {
			t.Fatal(err)
		}
		check("a victim added", added)

		// A note leaves the people, and so the find and POLE index rows,
		// as they were: SQLite's committer does not look them up.
		if c, err = f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version,
			Text: "Spoke to the school"}); err != nil {
			t.Fatal(err)
		}
		check("a note added", func(b, a map[string][]string) bool { return reflect.DeepEqual(b, a) })

		// Past every due time: the watchdog steps each open duty up its
		// ladder (escalation and next_at: the shape prepared at open).
		f.Clock.Advance(30 * 24 * time.Hour)
		if _, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: f.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
		check("escalated", changed(6))

		// Another officer in charge: the duties the last one owed are
		// cancelled and owed afresh by the new one.
		if c, err = db.Case(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if c, err = f.Svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
			OwnerID: f.Investigator2.ID(), Reason: "workload"}); err != nil {
			t.Fatal(err)
		}
		check("handed on", func(b, a map[string][]string) bool { return removed(b, a) && added(b, a) })

		c, err = f.Svc.RecordContact(ctx, f.Investigator2, c.ID, service.RecordContact{Version: c.Version,
			Victim: c.Victims[0].ID, Kind: domain.ContactUpdate, Method: "phone", Note: "spoke to her mother"})
		if err != nil {
			t.Fatal(err)
		}
		check("a contact recorded", removed)
	})
}
