package web_test

import (
	"context"
	"errors"
	"testing"

	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestLeaversClosedCaseTakesANewOwnerOnlyFromItsChain: a closed case whose
// officer in charge has left takes a new one (3e88819) only from a
// supervisor in its chain of command: a constable of its team, another
// team's supervisor, the external inspectorate, an analyst, an auditor and
// the liaison officer are refused, and nothing changes; a closed case
// whose owner left with nothing owed is refused too.
func TestLeaversClosedCaseTakesANewOwnerOnlyFromItsChain(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, _ := start(t, db)
		s := f.Svc
		c := closedWithVictim(t, f)
		if err := s.UserLeaves(ctx, f.Admin, service.UserLeaves{User: c.OwnerID, Reason: "retired"}); err != nil {
			t.Fatal(err)
		}
		c = must(db.Case(ctx, c.ID))
		next := f.Investigator2.ID()
		if next == c.OwnerID {
			next = f.Investigator.ID()
		}
		for name, a := range map[string]*service.Actor{"constable": f.Investigator2, "other team": f.OtherTeam,
			"inspectorate": f.External, "analyst": f.Analyst, "auditor": f.Auditor, "liaison": f.Liaison,
			"admin": f.Admin} {
			_, err := s.AssignOwner(ctx, a, c.ID, service.AssignOwner{Version: c.Version, OwnerID: next,
				Reason: "taking it over"})
			if err == nil || !(errors.Is(err, service.ErrForbidden) || errors.Is(err, service.ErrNotFound)) {
				t.Errorf("%s assigned the leaver's closed case: %v", name, err)
			}
		}
		if after := must(db.Case(ctx, c.ID)); after.Version != c.Version || after.OwnerID != c.OwnerID {
			t.Fatalf("a refused assignment changed the case: version %d owner %s", after.Version, after.OwnerID)
		}
	})
}
