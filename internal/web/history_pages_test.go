package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestHistoryRefusesABadPage: a page of the history that is not a number
// from 1, or past the last (an old link), is refused with the reason (422
// and the error summary), as /training refuses its pages, and shows no
// entries at all: never the newest page in its place. A page past the last
// offers the last and the first; one that is no page number at all is
// refused before the case is read, so no read is recorded for it.
func TestHistoryRefusesABadPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		for i := range 30 {
			cur, _ := db.Case(ctx, c.ID)
			must(f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: cur.Version,
				Text: "Note number " + itoa(int64(i+1))}))
		}
		reads := func() int {
			evs, err := db.CaseEvents(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, e := range evs {
				if e.Type == domain.EvCaseViewed {
					n++
				}
			}
			return n
		}
		path := "/cases/" + request.PathRef(c.Ref) + "/history"
		ivy := newClient(t, base, "ivy")
		for _, tc := range []struct {
			q, want string
			read    bool     // the case header is shown, so its read recorded
			links   []string // where the page offers to go instead
		}{
			{"?page=abc", `The page of the history must be a number from 1, not "abc".`, false, []string{path}},
			{"?page=0", `The page of the history must be a number from 1, not "0".`, false, []string{path}},
			{"?page=-2", `The page of the history must be a number from 1, not "-2".`, false, []string{path}},
			{"?page=1.5", `The page of the history must be a number from 1, not "1.5".`, false, []string{path}},
			{"?page=%2B2", `The page of the history must be a number from 1, not "+2".`, false, []string{path}},
			{"?kind=notes&page=" + strings.Repeat("9", 40), "There is no page 99999999999999999999… of the history.",
				false, []string{path + "?kind=notes"}},
			{"?kind=notes&page=99", "There is no page 99 of the history: it has 2 pages.", true,
				[]string{path + "?kind=notes&amp;page=2", path + "?kind=notes"}},
			{"?kind=victims&page=2", "There is no page 2 of the history: it has 1 page.", true,
				[]string{path + "?kind=victims"}},
			{"?page=4000000000", "There is no page 4000000000 of the history: it has 2 pages.", true,
				[]string{path + "?page=2", path}},
		} {
			before := reads()
			status, body := ivy.get(path + tc.q)
			if status != 422 || !strings.Contains(errorSummary(body), tc.want) {
				t.Errorf("%s: %d %q, want 422 saying %q", tc.q, status, errorSummary(body), tc.want)
			}
			if strings.Contains(body, "Note number") || strings.Contains(body, `class="hf-history"`) ||
				strings.Contains(body, "entries, newest first") {
				t.Errorf("%s shows entries of another page", tc.q)
			}
			if got := reads() - before; tc.read && got != 1 || !tc.read && got != 0 {
				t.Errorf("%s recorded %d reads of the case, want %v", tc.q, got, tc.read)
			}
			if shown := strings.Contains(body, `id="case-header"`); shown != tc.read {
				t.Errorf("%s: case header shown %v, want %v", tc.q, shown, tc.read)
			}
			for _, l := range tc.links {
				if !strings.Contains(body, `href="`+l+`"`) {
					t.Errorf("%s does not offer %s", tc.q, l)
				}
			}
		}
		if status, body := ivy.get(path + "?kind=notes&page=2"); status != 200 || errorSummary(body) != "" ||
			!strings.Contains(body, "page 2 of 2") {
			t.Errorf("page 2 of 2: %d %q", status, errorSummary(body))
		}
		// Someone outside the case's need to know learns nothing from a bad
		// page: the case is not found, as without one.
		before := reads()
		olly := newClient(t, base, "olly")
		for _, q := range []string{"?page=abc", "?page=99"} {
			if status, body := olly.get(path + q); status != 404 || strings.Contains(body, "history") {
				t.Errorf("another team's officer at %s: %d", q, status)
			}
		}
		if got := reads() - before; got != 0 {
			t.Errorf("another team's officer's bad pages recorded %d reads", got)
		}
	})
}
