package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// A hand-on whose second case changed after the check ended on an error
// page that did not say the first had been handed on. The page now lists
// the case handed on, the one not with why, and links the hand-on again
// for the rest.
func TestHandOnPageSaysWhatWasDoneAndWhatWasNot(t *testing.T) {
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
		_, page := sam.get(path)
		a, b = must(db.Case(ctx, a.ID)), must(db.Case(ctx, b.ID))
		var changed string
		corrected := "Summary corrected meanwhile"
		st.N, st.Before = 2, func() {
			for _, c := range []string{a.ID, b.ID} {
				if c := must(db.Case(ctx, c)); c.OwnerID == ivy {
					changed = c.Ref
					must(f.Svc.UpdateCase(ctx, f.Supervisor, c.ID, service.CaseUpdate{Version: c.Version,
						Summary: &corrected}))
					return
				}
			}
		}
		status, body := sam.post(path+"/confirm", url.Values{"csrf": {sam.csrf(page)}, "case": {a.ID, b.ID},
			"version-" + a.ID: {itoa(a.Version)}, "version-" + b.ID: {itoa(b.Version)},
			"owner-" + a.ID: {ian}, "owner-" + b.ID: {ian}})
		missed := body[max(0, strings.Index(body, `id="hand-on-missed"`)):]
		if status != 200 || changed == "" || !strings.Contains(body, "Not every case was handed on") ||
			!strings.Contains(body, `id="hand-on-done"`) || !strings.Contains(missed, changed) ||
			!strings.Contains(missed, "changed the case after you checked") ||
			!strings.Contains(body, `id="hand-on-rest" href="`+path+`"`) {
			t.Fatalf("the hand-on that changed half way (%d, %s changed):\n%s", status, changed, body)
		}
	})
}
