package service_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestSearchByDateOfBirthHiddenCrowd: more people born on one day than a
// search may read (BirthDateSearchMost, lowered here to 3), all on cases
// the searcher may not see, neither hide the searcher's own case born that
// day nor tell them there are more: the search finds the one case, as if
// the others were not there. More than that many on cases the searcher may
// see are listed, newest first, and the result says there are more and how
// to narrow the search.
func TestSearchByDateOfBirthHiddenCrowd(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		const most = 3
		service.SetBirthDateMostForTest(f.Svc, most)
		mine := ownCase(t, f, f.Supervisor, f.Supervisor, f.TeamA)
		ok(t)(f.Svc.AddVictim(ctx, f.Supervisor, mine.ID, service.NewVictim{Version: mine.Version,
			Name: "Jade Turner", DateOfBirth: "2001-01-01"}))
		search := func() *service.SearchResult {
			t.Helper()
			r, err := f.Svc.Search(ctx, f.Supervisor, service.SearchQuery{Q: "1/1/2001"})
			if err != nil {
				t.Fatal(err)
			}
			return r
		}
		// Each of the crowd on a case of their own, newer than the
		// supervisor's: read first, they would fill the limit.
		for i := 0; i <= most; i++ {
			c := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
			ok(t)(f.Svc.AddVictim(ctx, f.OtherTeam, c.ID, service.NewVictim{Version: c.Version,
				Name: fmt.Sprintf("Hidden Person%d", i), DateOfBirth: "2001-01-01"}))
		}
		r := search()
		if got := refsOf(r.Hits); !slices.Equal(got, []string{mine.Ref}) || r.More || r.Note != "" {
			t.Errorf("with %d born that day on cases the supervisor may not see: found %v (more %v, note %q), "+
				"want %s alone", most+1, got, r.More, r.Note, mine.Ref)
		}
		// As many on the supervisor's own team's cases: the newest are
		// listed, and the result says there are more.
		var theirs []string
		for i := 0; i < most; i++ {
			c := ownCase(t, f, f.Supervisor, f.Supervisor, f.TeamA)
			ok(t)(f.Svc.AddVictim(ctx, f.Supervisor, c.ID, service.NewVictim{Version: c.Version,
				Name: fmt.Sprintf("Seen Person%d", i), DateOfBirth: "2001-01-01"}))
			theirs = append([]string{c.Ref}, theirs...)
		}
		r = search()
		if got := refsOf(r.Hits); !slices.Equal(got, theirs) || !r.More {
			t.Errorf("with %d born that day on cases the supervisor may see: found %v (more %v), want %v and more",
				most+1, got, r.More, theirs)
		}
		if want := "More than 3 people born on 1 January 2001 are on cases you may see"; !strings.HasPrefix(r.Note, want) {
			t.Errorf("note %q, want it to begin %q", r.Note, want)
		}
	})
}
