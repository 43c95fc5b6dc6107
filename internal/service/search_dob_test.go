package service_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestSearchByDateOfBirth: a date of birth written 6/10/1995, 06/10/1995,
// 1995-10-06 or 6 October 1995 finds the cases of the people born that
// day, each named with the date in words; only the cases the searcher
// may see, and the search is recorded as a read of the cases shown.
func TestSearchByDateOfBirth(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		born := ownCase(t, f, f.Supervisor, f.Supervisor, f.TeamA)
		born = ok(t)(f.Svc.AddVictim(ctx, f.Supervisor, born.ID, service.NewVictim{Version: born.Version,
			Name: "Jade Turner", DateOfBirth: "1995-10-06"}))
		// Born 10 June: the same digits, month first, is another day.
		other := ownCase(t, f, f.Supervisor, f.Supervisor, f.TeamA)
		ok(t)(f.Svc.AddVictim(ctx, f.Supervisor, other.ID, service.NewVictim{Version: other.Version,
			Name: "Kim Lowe", DateOfBirth: "1995-06-10"}))
		for _, q := range []string{"6/10/1995", "06/10/1995", "1995-10-06", "6 October 1995", " 6 oct 1995 "} {
			before, _ := db.LatestSeq(ctx)
			r, err := f.Svc.Search(ctx, f.Supervisor, service.SearchQuery{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			if got := refsOf(r.Hits); !slices.Equal(got, []string{born.Ref}) {
				t.Fatalf("search for %q: %v, want %s alone", q, got, born.Ref)
			}
			if m := r.Hits[0].Matched; !slices.Equal(m, []string{"Victim: Jade Turner — born 6 October 1995"}) {
				t.Errorf("search for %q matched %v", q, m)
			}
			if !slices.Contains(r.As, "date of birth") {
				t.Errorf("search for %q read as %v", q, r.As)
			}
			var read []string
			db.ScanEvents(ctx, before+1, 0, func(e *event.Event) error {
				var p domain.RecordsRead
				if e.Type == domain.EvRecordsRead && json.Unmarshal(e.Payload, &p) == nil && p.View == service.ReadSearch {
					read = append(read, p.Cases...)
				}
				return nil
			})
			if !slices.Equal(read, []string{born.ID}) {
				t.Errorf("search for %q recorded a read of %v, want %s", q, read, born.ID)
			}
		}
		// Another team's officer may not see the case: nothing is found.
		r, err := f.Svc.Search(ctx, f.OtherTeam, service.SearchQuery{Q: "6/10/1995"})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Hits) != 0 {
			t.Errorf("an officer of another team found %v by date of birth", refsOf(r.Hits))
		}
		// Not dates: 31 February, a two-digit year.
		for _, q := range []string{"31/02/1995", "6/10/95"} {
			r, err := f.Svc.Search(ctx, f.Supervisor, service.SearchQuery{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(r.As, "date of birth") {
				t.Errorf("%q was read as a date of birth", q)
			}
		}
	})
}
