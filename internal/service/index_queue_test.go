package service_test

import (
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

func queued(t *testing.T, db *sqlstore.DB) map[string]store.UnmatchedPerson {
	t.Helper()
	due, err := db.DueUnmatched(ctx, time.Now().Add(100*365*24*time.Hour), 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.UnmatchedPerson{}
	for _, u := range due {
		out[u.CaseID+"/"+u.PersonID] = u
	}
	return out
}

// editSuspect changes suspect 0 of c as a correction of their details
// would, through the store's write of the case (no command corrects a
// person yet): the index sees the change as it would any other write.
func editSuspect(t *testing.T, f *fixture.Force, c *domain.Case, name, dob, address string) *domain.Case {
	t.Helper()
	c, err := f.Store.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	prev := c.Version
	c.Version++
	c.UpdatedAt = f.Clock.Now().UTC()
	c.Suspects[0].Name, c.Suspects[0].DateOfBirth = name, dob
	if address != "" {
		c.Suspects[0].Address = address
	}
	if err := f.Store.Write(ctx, func(tx store.Tx) error { return tx.PutCase(c, prev) }); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestMatchQueueRetriedAndEdits: a person recorded is queued for matching
// in the write that records them and taken off when matched; one whose
// match never ran (the process stopped after the commit) is matched by the
// watchdog's sweep, raising the link on both cases; a person changed in
// their name and date of birth is matched again and raises what the
// change newly finds; a pair reviewed "not the same person" is not raised
// again after either is changed.
func TestMatchQueueRetriedAndEdits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		b := ownCase(t, f, f.OtherTeam, f.OtherTeam, f.TeamC)
		b, err := f.Svc.AddSuspect(ctx, f.OtherTeam, b.ID, service.NewSuspect{Version: b.Version,
			Name: "Mohammed Khan", DateOfBirth: "1985-03-04", Address: "14 Mill Lane, Eastbridge EB4 7QT"})
		if err != nil {
			t.Fatal(err)
		}
		if q := queued(t, db); len(q) != 0 {
			t.Fatalf("matched on record but still queued: %+v", q)
		}
		// Recorded, and the match after the commit never ran.
		a := f.Allocated(t)
		a, err = f.Svc.AddSuspect(service.DeferLinks(ctx), f.Investigator, a.ID, service.NewSuspect{
			Version: a.Version, Name: "Mohamed Kahn", DateOfBirth: "1985-04-03"})
		if err != nil {
			t.Fatal(err)
		}
		pa := a.Suspects[0].ID
		if len(a.Links) != 0 {
			t.Fatalf("links raised while deferred: %+v", a.Links)
		}
		if u, ok := queued(t, db)[a.ID+"/"+pa]; !ok || u.Version != a.Version {
			t.Fatalf("the unmatched suspect is not queued at version %d: %+v", a.Version, queued(t, db))
		}
		// Too young for the sweep: the recording command may be matching them.
		rep, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: f.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if rep.PeopleMatched != 0 {
			t.Fatalf("the sweep matched %d people queued a moment ago", rep.PeopleMatched)
		}
		f.Clock.Advance(time.Minute)
		rep, err = f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: f.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if rep.PeopleMatched != 1 || rep.LinksRaised != 1 {
			t.Fatalf("the sweep matched %d people, raised %d links; want 1, 1", rep.PeopleMatched, rep.LinksRaised)
		}
		a, _ = f.Store.Case(ctx, a.ID)
		b, _ = f.Store.Case(ctx, b.ID)
		if len(a.Links) != 1 || a.Links[0].OtherCase != b.ID || b.CaseLinkByID(a.Links[0].ID) == nil {
			t.Fatalf("the retried match's link is not on both cases: %+v / %+v", a.Links, b.Links)
		}
		if q := queued(t, db); len(q) != 0 {
			t.Fatalf("still queued after the sweep matched: %+v", q)
		}
		// Not the same person: remembered however either is changed.
		a, err = f.Svc.ReviewLink(ctx, f.Investigator, a.ID, service.ReviewLink{Version: a.Version,
			Link: a.Links[0].ID, Outcome: domain.LinkNotSame, Note: "Different man: checked custody photographs"})
		if err != nil {
			t.Fatal(err)
		}
		f.Clock.Advance(time.Minute)
		editSuspect(t, f, a, "Mohamed Khan", "1985-03-04", "")
		if _, ok := queued(t, db)[a.ID+"/"+pa]; !ok {
			t.Fatal("a change of name and date of birth did not queue the person for matching")
		}
		// A third case, team B's: Danny Price, who the edit below makes a
		// near twin of.
		c := ownCase(t, f, f.Inspector, f.Inspector, f.TeamB)
		c, err = f.Svc.AddSuspect(ctx, f.Inspector, c.ID, service.NewSuspect{Version: c.Version,
			Name: "Daniel Price", DateOfBirth: "1990-11-20", Address: "3 Quay Street, Westhaven WH2 9PL"})
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Links) != 0 {
			t.Fatalf("Daniel Price raised links: %+v", c.Links)
		}
		f.Clock.Advance(time.Minute)
		rep, err = f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: f.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		if rep.PeopleMatched != 1 || rep.LinksRaised != 0 {
			t.Fatalf("after the edit the sweep matched %d, raised %d; want 1 matched, none raised (not the same)",
				rep.PeopleMatched, rep.LinksRaised)
		}
		// Case B's suspect corrected to Daniel Price's name, birth and address: the change
		// newly finds case C, and raises it.
		f.Clock.Advance(time.Minute)
		editSuspect(t, f, b, "Danny Price", "1990-11-20", "3 Quay St, Westhaven WH2 9PL")
		f.Clock.Advance(time.Minute)
		rep, err = f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{AsOf: f.Clock.Now()})
		if err != nil {
			t.Fatal(err)
		}
		b, _ = f.Store.Case(ctx, b.ID)
		c, _ = f.Store.Case(ctx, c.ID)
		if rep.PeopleMatched != 1 || rep.LinksRaised != 1 || len(c.Links) != 1 || c.Links[0].OtherCase != b.ID {
			t.Fatalf("after correcting B's suspect: matched %d raised %d, C's links %+v", rep.PeopleMatched,
				rep.LinksRaised, c.Links)
		}
		for _, l := range b.Links {
			if l.OtherCase == a.ID && l.Outcome != domain.LinkNotSame {
				t.Errorf("the pair marked not the same was raised again: %+v", l)
			}
		}
		if q := queued(t, db); len(q) != 0 {
			t.Fatalf("still queued: %+v", q)
		}
	})
}
