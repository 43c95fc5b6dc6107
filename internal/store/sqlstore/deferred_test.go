package sqlstore_test

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// deferredCases are versions of a few cases, with people, duties met and
// open and a closure: what the find index and the figures count.
func deferredCases() [][]*domain.Case {
	at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	var out [][]*domain.Case
	for v := range 4 {
		var cs []*domain.Case
		for i := range 5 {
			c := &domain.Case{
				ID: fmt.Sprintf("c%d", i), Ref: fmt.Sprintf("CSE/2024/%06d", i+1), TeamID: fmt.Sprintf("t%d", i%2),
				OwnerID: "u1", Status: domain.StatusOpen, Version: int64(v + 1), OpenedAt: at,
				UpdatedAt: at.Add(time.Duration(v) * 24 * time.Hour), Summary: "summary",
			}
			c.Victims = []domain.Victim{{ID: "v1", Name: fmt.Sprintf("Amy Victim%d", i), DateOfBirth: "2010-01-02", AddedAt: at}}
			if v > 0 {
				// Renamed once, then left alone: the last version changes
				// no one the POLE index holds.
				c.Suspects = []domain.Suspect{{ID: "s1", Name: fmt.Sprintf("Bob Suspect%d", min(v, 2)), AddedAt: at,
					Status: domain.SuspectStatus("identified")}}
			}
			st := domain.DutyOpen
			if v >= 2 {
				st = domain.DutyMet
			}
			c.Duties = []domain.Duty{{ID: c.ID + ".d1", Kind: "first_contact", TeamID: c.TeamID, Accountable: "u1",
				Due: at.Add(48 * time.Hour), Opened: at, Status: st, NextAt: at.Add(time.Hour)}}
			if st == domain.DutyMet {
				c.Duties[0].Closed = at.Add(time.Duration(v) * 40 * time.Hour)
			}
			if v == 3 && i%2 == 0 {
				c.Status, c.ClosedAt = domain.StatusClosed, c.UpdatedAt
				c.Closures = []domain.Closure{{Outcome: "no_further_action", ApprovedAt: c.UpdatedAt}}
			}
			cs = append(cs, c)
		}
		out = append(out, cs)
	}
	return out
}

// writeDeferredCases writes the versions: the first in bulk, as an import
// does, the rest one command each; every other case read by its write
// first, as a command reads it (PutCase then compares with it), the
// others written unread.
func writeDeferredCases(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	for v, cs := range deferredCases() {
		if err := db.Write(context.Background(), func(tx store.Tx) error {
			if v == 0 {
				return tx.PutNewCases(cs)
			}
			for i, c := range cs {
				if i%2 == 1 {
					if _, err := tx.Case(c.ID); err != nil {
						return err
					}
				}
				if err := tx.PutCase(c, int64(v)); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatalf("version %d: %v", v+1, err)
		}
	}
}

var deferredDerived = []string{"case_terms", "case_figures", "figures", "pole_people", "pole_keys", "pole_digests"}

func sameDeferred(t *testing.T, what string, got, want *sqlstore.DB) {
	t.Helper()
	g, err := got.LiveDerived(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	w, err := want.LiveDerived(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// The people queued for matching, with the version and time that
	// queued each: judged write by write, never deferred.
	if g, w := queued(t, got), queued(t, want); !reflect.DeepEqual(g, w) || len(w) == 0 {
		t.Errorf("%s, the people queued for matching:\n got %v\nwant %v", what, g, w)
	}
	for _, tb := range deferredDerived {
		if len(w[tb]) == 0 {
			t.Fatalf("%s: nothing in %s to compare", what, tb)
		}
		if !reflect.DeepEqual(g[tb], w[tb]) {
			t.Errorf("%s, %s:\n got %v\nwant %v", what, tb, g[tb], w[tb])
		}
	}
}

// queued lists the people queued for matching.
func queued(t *testing.T, db *sqlstore.DB) []store.UnmatchedPerson {
	t.Helper()
	q, err := db.DueUnmatched(context.Background(), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestDeferDerived: the find index, the figures and the POLE index's keys
// and digests kept back while a
// .partial file is written (the demo's) and built at the end are the
// rows kept command by command; so are those a file stopped part way
// builds when it is next opened; reading them meanwhile is refused, not
// answered empty; and no other database can have them kept back, so a
// server (which opens the file moved into place) always keeps them.
func TestDeferDerived(t *testing.T) {
	ctx := context.Background()
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if err := db.DeferDerived(ctx); err == nil || db.Deferred() {
			t.Fatalf("%s database not being generated: DeferDerived answered %v, deferred %v",
				db.Engine(), err, db.Deferred())
		}
	})

	plain := testdb.Open(t, sqlstore.EngineSQLite)
	writeDeferredCases(t, plain)

	open := func(path string) *sqlstore.DB {
		db, err := sqlstore.Open(ctx, path, true)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	dir := t.TempDir()
	part := open(filepath.Join(dir, "demo.db.partial"))
	if err := part.DeferDerived(ctx); err != nil || !part.Deferred() {
		t.Fatalf("DeferDerived on a .partial file: %v", err)
	}
	writeDeferredCases(t, part)
	if _, err := part.TeamFigures(ctx); err == nil {
		t.Error("the figures were read while not kept")
	}
	if _, err := part.TermMatches(ctx, store.TermName, []string{"amy"}, nil, 10); err == nil {
		t.Error("the find index was read while not kept")
	}
	if _, _, err := part.LinkGroups(ctx, store.LinkFilter{}); err == nil {
		t.Error("the links were read while not kept")
	}
	if _, err := part.PoleCandidates(ctx, []store.PoleKey{{Kind: store.ObjectPhone, Key: "07700900123"}}, 10); err == nil {
		t.Error("the POLE index's keys were read while not kept")
	}
	// A build that fails (here its context is done) leaves them deferred,
	// so that the retry builds them rather than answering done.
	done, cancel := context.WithCancel(ctx)
	cancel()
	if err := part.BuildDeferred(done); err == nil || !part.Deferred() {
		t.Fatalf("BuildDeferred with its context done: %v (deferred %v)", err, part.Deferred())
	}
	if err := part.BuildDeferred(ctx); err != nil || part.Deferred() {
		t.Fatalf("BuildDeferred: %v (deferred %v)", err, part.Deferred())
	}
	sameDeferred(t, "built at the end", part, plain)
	if _, err := part.TeamFigures(ctx); err != nil {
		t.Errorf("the figures once built: %v", err)
	}

	// Stopped before the end: the file opened again (a server, or a
	// check) builds them itself and keeps them.
	path := filepath.Join(dir, "stopped.db.partial")
	stopped, err := sqlstore.Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := stopped.DeferDerived(ctx); err != nil {
		t.Fatal(err)
	}
	writeDeferredCases(t, stopped)
	if err := stopped.Close(); err != nil {
		t.Fatal(err)
	}
	again := open(path)
	if again.Deferred() {
		t.Fatal("a file opened afresh keeps its derived tables back")
	}
	sameDeferred(t, "built on opening", again, plain)
}
