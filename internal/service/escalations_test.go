package service_test

import (
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// escalatedCase allocates a case with a victim and lets the watchdog
// sweep over forty days, so its duties are overdue and escalated.
func escalatedCase(t *testing.T, f *fixture.Force) *domain.Case {
	t.Helper()
	c := f.Allocated(t)
	c, err := f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Ann Victim",
		DateOfBirth: "2012-01-01"})
	if err != nil {
		t.Fatal(err)
	}
	for range 4 {
		f.Clock.Advance(10 * 24 * time.Hour)
		if _, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: f.Clock.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// TestEscalationsPutCurrentBeforeLongDormant: escalations overdue by more
// than a year (the imported backlog) are held apart from this year's,
// counted, and listed after them — not ahead of them, soonest due first,
// as they were, burying this week's escalations under a decade of old
// ones. Each list is soonest due first; none is lost.
func TestEscalationsPutCurrentBeforeLongDormant(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		old := escalatedCase(t, f)
		f.Clock.Advance(2 * 365 * 24 * time.Hour)
		recent := escalatedCase(t, f)

		for _, a := range []*service.Actor{f.Supervisor, f.Inspector, f.Manager} {
			l, err := f.Svc.EscalationList(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if want := f.Clock.Now().Add(-service.DormantAfter); !l.Cutoff.Equal(want) {
				t.Errorf("%s: long-dormant before %v, want %v", a.User.Username, l.Cutoff, want)
			}
			if len(l.Current) == 0 || len(l.Dormant) == 0 {
				t.Fatalf("%s: %d current and %d long-dormant escalations, want some of each", a.User.Username,
					len(l.Current), len(l.Dormant))
			}
			if l.CurrentCount != len(l.Current) || l.DormantCount != len(l.Dormant) {
				t.Errorf("%s: counts %d and %d for lists of %d and %d", a.User.Username, l.CurrentCount,
					l.DormantCount, len(l.Current), len(l.Dormant))
			}
			for name, part := range map[string]struct {
				items   []service.WorkItem
				caseID  string
				dormant bool
			}{"current": {l.Current, recent.ID, false}, "long-dormant": {l.Dormant, old.ID, true}} {
				for i, it := range part.items {
					if it.CaseID != part.caseID || it.Due.Before(l.Cutoff) != part.dormant || it.Escalation == 0 {
						t.Errorf("%s: %s escalation %s on %s due %v (escalated %d)", a.User.Username, name, it.Kind,
							it.CaseRef, it.Due, it.Escalation)
					}
					if i > 0 && it.Due.Before(part.items[i-1].Due) {
						t.Errorf("%s: %s escalations not soonest due first", a.User.Username, name)
					}
				}
			}
			// The flat list (the API's) leads with the current ones too.
			all, err := f.Svc.Escalations(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != len(l.Current)+len(l.Dormant) || all[0].CaseID != recent.ID ||
				all[len(all)-1].CaseID != old.ID {
				t.Errorf("%s: the escalations do not lead with this year's: %d listed, first on %s",
					a.User.Username, len(all), all[0].CaseRef)
			}
		}
	})
}
