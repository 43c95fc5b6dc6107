package web_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestSearchPageListsOnePersonBeforeDifferentPeople: the investigator's
// search for "Yusuf Green" lists the case whose victim is Yusuf Green
// first, and after it the newer case of Mark Green and Yusuf Okafor, whose
// row alone says "Names match different people in this case".
func TestSearchPageListsOnePersonBeforeDifferentPeople(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		one := f.Allocated(t)
		one = must(f.Svc.AddVictim(ctx, f.Investigator, one.ID, service.NewVictim{Version: one.Version,
			Name: "Yusuf Green", DateOfBirth: "2011-04-02"}))
		two := f.Allocated(t)
		two = must(f.Svc.AddSuspect(ctx, f.Investigator, two.ID, service.NewSuspect{Version: two.Version,
			Name: "Mark Green"}))
		two = must(f.Svc.AddVictim(ctx, f.Investigator, two.ID, service.NewVictim{Version: two.Version,
			Name: "Yusuf Okafor", DateOfBirth: "2012-05-06"}))
		status, page := newClient(t, base, "ian").get("/cases?q=Yusuf+Green")
		rows := regexp.MustCompile(`(?s)<tr class="govuk-table__row"><td class="govuk-table__cell hf-nowrap">.*?</tr>`).
			FindAllString(page, -1)
		if status != 200 || len(rows) != 2 {
			t.Fatalf("the search: %d, %d rows:\n%s", status, len(rows), page)
		}
		const apart = "Names match different people in this case"
		if !strings.Contains(rows[0], `href="/cases/`+request.PathRef(one.Ref)+`"`) ||
			!strings.Contains(rows[0], "Victim: Yusuf Green") || strings.Contains(rows[0], apart) {
			t.Errorf("the first row is not Yusuf Green's case:\n%s", rows[0])
		}
		if !strings.Contains(rows[1], `href="/cases/`+request.PathRef(two.Ref)+`"`) ||
			!strings.Contains(rows[1], apart) || !strings.Contains(rows[1], "Suspect: Mark Green<br>Victim: Yusuf Okafor") {
			t.Errorf("the second row is not the two people's case, so marked:\n%s", rows[1])
		}
		// A search of one word marks no row.
		if _, page := newClient(t, base, "ian").get("/cases?q=green"); !strings.Contains(page, two.Ref) ||
			!strings.Contains(page, one.Ref) || strings.Contains(page, apart) {
			t.Errorf("the search for green:\n%s", page)
		}
	})
}
