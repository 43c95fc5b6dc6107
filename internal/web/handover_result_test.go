package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// handOnRig is the set-up of the hand-on result tests: ivy has left
// holding two allocated cases, a and b; ian is who takes them on; sam,
// the supervisor, is signed in; path is ivy's hand-on page.
type handOnRig struct {
	ctx      context.Context
	db       *sqlstore.DB
	st       *fixture.HookedStore
	f        *fixture.Force
	a, b     *domain.Case
	ivy, ian string
	sam      *client
	path     string
}

func newHandOnRig(t *testing.T, db *sqlstore.DB) *handOnRig {
	t.Helper()
	r := &handOnRig{ctx: context.Background(), db: db, st: &fixture.HookedStore{DB: db}}
	r.f = fixture.New(t, r.st)
	srv := httptest.NewServer(server.New(r.f.Svc, server.Config{Handler: r.f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	r.a, r.b = r.f.Allocated(t), r.f.Allocated(t)
	r.ivy, r.ian = r.f.Investigator.ID(), r.f.Investigator2.ID()
	if err := r.f.Svc.UserLeaves(r.ctx, r.f.Admin, service.UserLeaves{User: r.ivy, Reason: "retired"}); err != nil {
		t.Fatal(err)
	}
	r.sam = newClient(t, srv.URL, "sam")
	r.path = "/team/leavers/" + r.ivy
	return r
}

// correctMidway has the supervisor correct the summary of whichever of a
// and b ivy still holds just before the store's second write: after the
// hand-on's first case, before its second. It returns where the changed
// case's reference is written when that happens.
func (r *handOnRig) correctMidway() *string {
	changed := new(string)
	corrected := "Summary corrected meanwhile"
	r.st.N, r.st.Before = 2, func() {
		for _, c := range []string{r.a.ID, r.b.ID} {
			if c := must(r.db.Case(r.ctx, c)); c.OwnerID == r.ivy {
				*changed = c.Ref
				must(r.f.Svc.UpdateCase(r.ctx, r.f.Supervisor, c.ID, service.CaseUpdate{Version: c.Version,
					Summary: &corrected}))
				return
			}
		}
	}
	return changed
}

// A hand-on whose second case changed after the check ended on an error
// page that did not say the first had been handed on. The page now lists
// the case handed on, the one not with why, and links the hand-on again
// for the rest.
func TestHandOnPageSaysWhatWasDoneAndWhatWasNot(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newHandOnRig(t, db)
		_, page := r.sam.get(r.path)
		a, b := must(db.Case(r.ctx, r.a.ID)), must(db.Case(r.ctx, r.b.ID))
		changed := r.correctMidway()
		status, body := r.sam.post(r.path+"/confirm", url.Values{"csrf": {r.sam.csrf(page)}, "case": {a.ID, b.ID},
			"version-" + a.ID: {itoa(a.Version)}, "version-" + b.ID: {itoa(b.Version)},
			"owner-" + a.ID: {r.ian}, "owner-" + b.ID: {r.ian}})
		missed := body[max(0, strings.Index(body, `id="hand-on-missed"`)):]
		if status != 200 || *changed == "" || !strings.Contains(body, "Not every case was handed on") ||
			!strings.Contains(body, `id="hand-on-done"`) || !strings.Contains(missed, *changed) ||
			!strings.Contains(missed, "changed the case after you checked") ||
			!strings.Contains(body, `id="hand-on-rest" href="`+r.path+`"`) {
			t.Fatalf("the hand-on that changed half way (%d, %s changed):\n%s", status, *changed, body)
		}
	})
}
