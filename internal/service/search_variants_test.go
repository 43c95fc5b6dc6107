package service_test

import (
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestSearchFindsSpellingVariantsAfterExactMatches: a name searched for
// finds its spelling variants (Muhammad for Mohammed, John Smith for Jon
// Smyth), listed after every exact match and marked "similar name"; a
// variant on another team's case is found only by the force's analyst;
// the search's read names every case shown, variants included.
func TestSearchFindsSpellingVariantsAfterExactMatches(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		suspect := func(by *service.Actor, team, name string) *domain.Case {
			t.Helper()
			c := ownCase(t, f, by, by, team)
			return ok(t)(f.Svc.AddSuspect(ctx, by, c.ID, service.NewSuspect{Version: c.Version, Name: name}))
		}
		exact := suspect(f.Supervisor, f.TeamA, "Mohammed Iqbal")
		variant := suspect(f.Supervisor, f.TeamA, "Muhammad Iqbal")
		other := suspect(f.OtherTeam, f.TeamC, "Mohamed Iqbal")
		smyth := suspect(f.Supervisor, f.TeamA, "Jon Smyth")
		smith := suspect(f.Supervisor, f.TeamA, "John Smith")
		unrelated := suspect(f.Supervisor, f.TeamA, "Jonathan Smart")

		search := func(a *service.Actor, q string) *service.SearchResult {
			t.Helper()
			r, err := f.Svc.Search(ctx, a, service.SearchQuery{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		r := search(f.Supervisor, "Mohammed Iqbal")
		if got := refsOf(r.Hits); !slices.Equal(got, []string{exact.Ref, variant.Ref}) {
			t.Fatalf("Sam's search for Mohammed Iqbal: %v, want %s then %s (not %s, MIT's)", got, exact.Ref,
				variant.Ref, other.Ref)
		}
		if r.Hits[0].Similar || !slices.Contains(r.Hits[0].Matched, "Suspect: Mohammed Iqbal") {
			t.Errorf("the exact match %+v", r.Hits[0])
		}
		if !r.Hits[1].Similar || !slices.Contains(r.Hits[1].Matched, "Suspect: Muhammad Iqbal — similar name") {
			t.Errorf("the variant %+v", r.Hits[1])
		}
		r = search(f.Analyst, "mohammed iqbal")
		if got := refsOf(r.Hits); len(got) != 3 || got[0] != exact.Ref || !slices.Contains(got, other.Ref) {
			t.Errorf("the analyst's search: %v", got)
		}
		r = search(f.Supervisor, "Jon Smyth")
		if got := refsOf(r.Hits); !slices.Equal(got, []string{smyth.Ref, smith.Ref}) {
			t.Errorf("search for Jon Smyth: %v, want %s then %s, not %s", got, smyth.Ref, smith.Ref, unrelated.Ref)
		}
		// An exact match is never pushed off the page by variants: newest
		// first among exact ones, then the variants.
		r = search(f.Supervisor, "Smith")
		if got := refsOf(r.Hits); len(got) != 2 || got[0] != smith.Ref || r.Hits[0].Similar || !r.Hits[1].Similar {
			t.Errorf("search for Smith: %+v", r.Hits)
		}
		// The read names the variants shown.
		before, _ := db.LatestSeq(ctx)
		search(f.Supervisor, "Jon Smyth")
		if reads := readsSince(t, db, before); len(reads) != 1 || !slices.Contains(reads[0].Cases, smith.ID) ||
			!slices.Contains(reads[0].Cases, smyth.ID) {
			t.Errorf("the search for Jon Smyth recorded as %+v", reads)
		}
	})
}
