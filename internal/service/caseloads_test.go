package service_test

import (
	"context"
	"errors"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestReviewDirectionsAreAllocated: each direction of a supervisory review
// becomes an action given to the officer chosen for it, or to the officer
// in charge when none is chosen; an officer who cannot hold the case is
// refused, every reason at once, and nothing is written.
func TestReviewDirectionsAreAllocated(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		_, err := f.Svc.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
			Summary: "Reviewed", Directions: []string{"Trace the phone", "Visit the school", "Speak to the mother"},
			DirectionsTo: []string{"", f.OtherTeam.ID(), "nobody"}})
		ps, _ := domain.AsProblems(err)
		fields := map[string]string{}
		for _, p := range ps {
			fields[p.Field] = p.Rule
		}
		if len(ps) != 2 || fields["directions_to[1]"] != "cannot_see" || fields["directions_to[2]"] != "unknown_user" {
			t.Fatalf("officers who cannot hold the case, both refused at once: %v", err)
		}
		c = ok(t)(f.Svc.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
			Summary: "Reviewed", Directions: []string{"Trace the phone", "Visit the school"},
			DirectionsTo: []string{"", f.Investigator2.ID()}}))
		if len(c.Actions) != 2 {
			t.Fatalf("directions raised: %+v", c.Actions)
		}
		for i, want := range []string{f.Investigator.ID(), f.Investigator2.ID()} {
			a := c.Actions[i]
			if a.State != domain.ActionStateAllocated || a.AllocatedTo != want || a.Target.IsZero() {
				t.Errorf("direction %d: %s to %q by %v, want allocated to %q", i+1, a.State, a.AllocatedTo, a.Target,
					want)
			}
		}
		// A referral with no officer in charge: the direction waits.
		r := f.Referral(t)
		r = ok(t)(f.Svc.RecordReview(ctx, f.Supervisor, r.ID, service.RecordReview{Version: r.Version,
			Summary: "Reviewed", Directions: []string{"Find the victim"}}))
		if a := r.Actions[0]; a.State != domain.ActionStateRaised || a.AllocatedTo != "" {
			t.Errorf("a direction on a case with no officer in charge: %s to %q", a.State, a.AllocatedTo)
		}
	})
}

// TestCaseloadsForSupervisors: a supervisor reads the open cases and
// overdue duties of the officers of their team; an investigator may not.
func TestCaseloadsForSupervisors(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		f.Allocated(t)
		f.Allocated(t)
		cl, err := f.Svc.Caseloads(ctx, f.Supervisor, f.TeamA)
		if err != nil {
			t.Fatal(err)
		}
		if cl[f.Investigator.ID()].OpenCases != 2 || cl[f.Investigator2.ID()].OpenCases != 0 {
			t.Errorf("caseloads: %+v", cl)
		}
		if _, ok := cl[f.OtherTeam.ID()]; ok {
			t.Errorf("an officer of another team is listed: %+v", cl)
		}
		if _, err := f.Svc.Caseloads(ctx, f.Investigator, f.TeamA); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("an investigator reads caseloads: %v", err)
		}
	})
}
