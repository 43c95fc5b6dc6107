package api_test

import (
	"fmt"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// An attack (issue 16, item 2) sent "version": -1 to skip the lost-update
// check. Over HTTP, a version no case can have is refused with 422 naming
// "version", and nothing is written.
func TestAttackVersionMinusOneOverHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		c := h.f.Allocated(t)
		c = wfMust(t)(h.f.Svc.RaiseAction(ctx, h.f.Investigator, c.ID, service.NewAction{Version: c.Version, Title: "Visit the school"}))
		path := "/api/v1/cases/" + request.PathRef(c.Ref)
		for _, v := range []int64{-1, 0, -7} {
			for _, cmd := range []struct{ path, body string }{
				{"/notes", `{"version":%d,"text":"written blind"}`},
				{"/plan", `{"version":%d,"plan":"rewritten blind"}`},
				{"/actions/" + c.Actions[0].ID + "/allocate", `{"version":%d,"to":"` + h.f.Investigator2.ID() + `"}`},
			} {
				before, _ := db.LatestSeq(ctx)
				method := "POST"
				if cmd.path == "/plan" {
					method = "PUT"
				}
				res := h.do(h.f.Investigator, method, path+cmd.path, fmt.Sprintf(cmd.body, v))
				if res.status != 422 {
					t.Fatalf("%s with version %d: status %d, want 422: %s", cmd.path, v, res.status, res.body)
				}
				found := false
				for _, e := range res.problem(t).Errors {
					found = found || e.Field == "version"
				}
				if !found {
					t.Errorf("%s with version %d: no error names the version: %s", cmd.path, v, res.body)
				}
				if after, _ := db.LatestSeq(ctx); after != before {
					t.Fatalf("%s with version %d appended %d events", cmd.path, v, after-before)
				}
			}
		}
	})
}
