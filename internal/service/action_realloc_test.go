package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestResultedActionIsNotReallocated: an action whose result waits to be
// filed is not reallocated (it would go back to Allocated and the review
// would be skipped); the refusal names who files it and the way to more
// work (refer back), the permissions do not offer it, and after a
// referral back it may be reallocated.
func TestResultedActionIsNotReallocated(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		c = ok(t)(f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version, Title: "Trace the phone"}))
		id := c.Actions[0].ID
		c = ok(t)(f.Svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: id, To: f.Investigator2.ID()}))
		c = ok(t)(f.Svc.ResultAction(ctx, f.Investigator2, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
			Version: c.Version,
			Action:  id, Result: "Phone traced to the suspect"}))
		for _, a := range []*service.Actor{f.Investigator, f.Supervisor} {
			_, err := f.Svc.AllocateAction(ctx, a, c.ID, service.AllocateAction{Version: c.Version, Action: id,
				To: f.Investigator.ID()})
			ps, _ := domain.AsProblems(err)
			if len(ps) != 1 || ps[0].Rule != "awaiting_filing" ||
				!strings.Contains(ps[0].Message, "waiting to be reviewed and filed by DS Sam Supervisor") ||
				!strings.Contains(ps[0].Message, "referred back instead") {
				t.Fatalf("%s reallocating a resulted action: %v", a.ID(), err)
			}
			perm, err := f.Svc.PermissionsOn(ctx, a, c)
			if err != nil {
				t.Fatal(err)
			}
			if perm.CanOn("allocate-action", id) || !strings.Contains(perm.WhyOn("allocate-action", id), "referred back") {
				t.Errorf("%s is offered reallocation of a resulted action: %q", a.ID(), perm.WhyOn("allocate-action", id))
			}
		}
		got := ok(t)(f.Svc.ViewCase(ctx, f.Supervisor, c.Ref, "test"))
		if got.Version != c.Version || got.Actions[0].State != domain.ActionStateResulted {
			t.Fatalf("a refused reallocation changed the case: v%d %s", got.Version, got.Actions[0].State)
		}
		c = ok(t)(f.Svc.ReferBackAction(ctx, f.Supervisor, c.ID, service.ReferBackAction{Version: c.Version,
			Action: id, Direction: "Get the call data too"}))
		c = ok(t)(f.Svc.AllocateAction(ctx, f.Supervisor, c.ID, service.AllocateAction{Version: c.Version,
			Action: id, To: f.Investigator.ID()}))
		if a := c.Actions[0]; a.State != domain.ActionStateAllocated || a.AllocatedTo != f.Investigator.ID() {
			t.Errorf("referred back, then reallocated: %s to %q", a.State, a.AllocatedTo)
		}
	})
}
