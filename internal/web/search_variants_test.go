package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestSearchPageListsSimilarNamesAfterExact: the analyst's search for a
// name lists the exact match first, then a spelling variant of it on
// another team's case, marked "similar name".
func TestSearchPageListsSimilarNamesAfterExact(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		variant := must(f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "referral",
			OffenceTypes: []string{"child_sexual_exploitation"}}))
		variant = must(f.Svc.AddSuspect(ctx, f.OtherTeam, variant.ID, service.NewSuspect{Version: variant.Version,
			Name: "Muhammad Iqbal"}))
		exact := f.Allocated(t)
		exact = must(f.Svc.AddSuspect(ctx, f.Investigator, exact.ID, service.NewSuspect{Version: exact.Version,
			Name: "Mohammed Iqbal"}))
		status, page := newClient(t, base, "ana").get("/cases?q=Mohammed+Iqbal")
		e := strings.Index(page, `href="/cases/`+request.PathRef(exact.Ref)+`"`)
		v := strings.Index(page, `href="/cases/`+request.PathRef(variant.Ref)+`"`)
		if status != 200 || e < 0 || v < e || !strings.Contains(page, "Suspect: Muhammad Iqbal — similar name") {
			t.Fatalf("the analyst's search: %d, exact at %d, variant at %d:\n%s", status, e, v, page)
		}
	})
}
