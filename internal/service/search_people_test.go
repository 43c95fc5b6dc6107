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

// TestSearchForAFullNameFindsOnePersonFirst: a search for "Yusuf Green"
// lists first the cases where one person is Yusuf Green — as a victim, a
// witness, under a spelling variant, with a middle name, or written
// surname first — and after them, marked Apart, the newer case where Mark
// Green and Yusuf Okafor are two different people. Before the find index
// kept the pairs of each person's words, the newer case came first and
// unmarked. A search of one word, and of a reference, is as it was.
func TestSearchForAFullNameFindsOnePersonFirst(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		opened := func(people ...[2]string) *domain.Case {
			t.Helper()
			c := ownCase(t, f, f.Supervisor, f.Supervisor, f.TeamA)
			for _, p := range people {
				switch p[0] {
				case "victim":
					c = ok(t)(f.Svc.AddVictim(ctx, f.Supervisor, c.ID, service.NewVictim{Version: c.Version,
						Name: p[1], DateOfBirth: "2011-04-02"}))
				case "suspect":
					c = ok(t)(f.Svc.AddSuspect(ctx, f.Supervisor, c.ID, service.NewSuspect{Version: c.Version,
						Name: p[1]}))
				default:
					c = ok(t)(f.Svc.AddPerson(ctx, f.Supervisor, c.ID, service.NewPerson{Version: c.Version,
						Name: p[1], Role: p[0]}))
				}
			}
			return c
		}
		victim := opened([2]string{"victim", "Yusuf Green"}, [2]string{"suspect", "Adam Okafor"})
		middle := opened([2]string{"witness", "Yusuf Ali Green"})
		variant := opened([2]string{"suspect", "Yousef Green"})
		apart := opened([2]string{"suspect", "Mark Green"}, [2]string{"victim", "Yusuf Okafor"})
		search := func(q string) *service.SearchResult {
			t.Helper()
			r, err := f.Svc.Search(ctx, f.Supervisor, service.SearchQuery{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		for _, q := range []string{"Yusuf Green", "green, yusuf", "GREEN Yusuf"} {
			r := search(q)
			if got, want := refsOf(r.Hits), []string{middle.Ref, victim.Ref, variant.Ref, apart.Ref}; !slices.Equal(got, want) {
				t.Fatalf("search for %q: %v, want one person's cases first (%v), the two people's last", q, got, want)
			}
			if h := r.Hits[0]; h.Apart || h.Similar || !slices.Equal(h.Matched, []string{"Witness: Yusuf Ali Green"}) {
				t.Errorf("%q: the middle name's case %+v", q, h)
			}
			if h := r.Hits[1]; h.Apart || h.Similar || !slices.Equal(h.Matched, []string{"Victim: Yusuf Green"}) {
				t.Errorf("%q: the victim's case %+v (not its suspect Adam Okafor)", q, h)
			}
			if h := r.Hits[2]; h.Apart || !h.Similar || !slices.Equal(h.Matched, []string{"Suspect: Yousef Green — similar name"}) {
				t.Errorf("%q: the variant's case %+v", q, h)
			}
			if h := r.Hits[3]; !h.Apart || h.Similar || !slices.Equal(h.Matched, []string{"Suspect: Mark Green", "Victim: Yusuf Okafor"}) {
				t.Errorf("%q: the two people's case %+v", q, h)
			}
		}
		// Three words: one person must bear the one between too.
		r := search("Yusuf Ali Green")
		if got := refsOf(r.Hits); len(got) == 0 || got[0] != middle.Ref || r.Hits[0].Apart ||
			slices.ContainsFunc(r.Hits[1:], func(h service.SearchHit) bool { return !h.Apart }) {
			t.Errorf("search for Yusuf Ali Green: %+v", r.Hits)
		}
		// One word: every case bearing it, newest first, none apart.
		r = search("Green")
		if got := refsOf(r.Hits); !slices.Equal(got, []string{apart.Ref, variant.Ref, middle.Ref, victim.Ref}) ||
			slices.ContainsFunc(r.Hits, func(h service.SearchHit) bool { return h.Apart || h.Similar }) {
			t.Errorf("search for Green: %+v", r.Hits)
		}
		r = search(apart.Ref)
		if r.Ref != apart.Ref || len(r.Hits) != 1 || r.Hits[0].Apart {
			t.Errorf("search for the reference %s: %+v", apart.Ref, r)
		}
	})
}
