package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestHandOnResultReadsNothingUnlogged (found by the attacker): the
// hand-on result page ("Not every case was handed on") showed each
// handed-on case's summary, but HandOn records no read, and a supervisor
// may post /confirm straight away with all=<officer>, skipping the check
// page that logs it. The result now names the cases by reference only.
func TestHandOnResultReadsNothingUnlogged(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		st := &fixture.HookedStore{DB: db}
		f := fixture.New(t, st)
		srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
		t.Cleanup(srv.Close)
		a, b := f.Allocated(t), f.Allocated(t)
		ivy, ian := f.Investigator.ID(), f.Investigator2.ID()
		if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: ivy, Reason: "retired"}); err != nil {
			t.Fatal(err)
		}
		sam := newClient(t, srv.URL, "sam")
		path := "/team/leavers/" + ivy
		_, page := sam.get("/team") // a page for the CSRF token only: not the hand-on page
		seq, _ := db.LatestSeq(ctx)
		corrected := "Summary corrected meanwhile"
		st.N, st.Before = 2, func() {
			for _, c := range []string{a.ID, b.ID} {
				if c := must(db.Case(ctx, c)); c.OwnerID == ivy {
					must(f.Svc.UpdateCase(ctx, f.Supervisor, c.ID, service.CaseUpdate{Version: c.Version,
						Summary: &corrected}))
					return
				}
			}
		}
		status, body := sam.post(path+"/confirm", url.Values{"csrf": {sam.csrf(page)}, "all": {ian}})
		var done *domain.Case
		for _, id := range []string{a.ID, b.ID} {
			if c := must(db.Case(ctx, id)); c.OwnerID == ian {
				done = c
			}
		}
		if status != 200 || done == nil || !strings.Contains(body, "hand-on-missed") ||
			!strings.Contains(body, done.Ref) {
			t.Fatalf("setup: status %d, done %v; body:\n%s", status, done != nil, body)
		}
		shown := strings.Contains(html.UnescapeString(body), done.Summary)
		logged := false
		_ = db.ScanEvents(ctx, seq+1, 0, func(e *event.Event) error {
			var p domain.RecordsRead
			if e.Type == domain.EvRecordsRead && json.Unmarshal(e.Payload, &p) == nil &&
				e.Actor == f.Supervisor.ID() && slices.Contains(p.Cases, done.ID) {
				logged = true
			}
			return nil
		})
		if shown && !logged {
			t.Errorf("the result page showed %s's summary %q to sam with no read recorded", done.Ref, done.Summary)
		}
	})
}
