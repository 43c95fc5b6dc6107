package sqlstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// writeCase is a case of test versions: v picks its duties, owner and
// victim, so that versions differ in duty rows, flags, find terms and POLE
// entries.
func writeCase(v int) *domain.Case {
	at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	c := &domain.Case{ID: "c1", Ref: "CASE-1", TeamID: "t1", Status: domain.StatusOpen, Version: int64(v),
		OpenedAt: at, UpdatedAt: at.Add(time.Duration(v) * time.Minute)}
	duty := func(id string, st domain.DutyStatus) domain.Duty {
		return domain.Duty{ID: id, Kind: "first_contact", TeamID: "t1", Accountable: "u1", Due: at.Add(time.Hour),
			Status: st, Opened: at, NextAt: at.Add(time.Hour)}
	}
	if v%2 == 1 {
		c.OwnerID = "u1"
		c.Duties = []domain.Duty{duty("c1.d1", domain.DutyOpen)}
		c.Victims = []domain.Victim{{ID: "v1", Name: "Ann Smith", Contact: "07700 900123", AddedAt: at}}
	} else {
		c.OwnerID = "u2"
		c.Duties = []domain.Duty{duty("c1.d1", domain.DutyMet), duty("c1.d2", domain.DutyOpen)}
		c.Victims = []domain.Victim{{ID: "v1", Name: "Bea Jones", Contact: "07700 900456", Vulnerable: true, AddedAt: at}}
	}
	return c
}

// TestReadCaseThenPutCaseTwice: on PostgreSQL a write's read of a case
// brings the rows PutCase compares before writing (its duty and flag rows
// and its index digests), so that PutCase asks nothing more. Those rows
// describe the case as read: a write that puts the case twice must compare
// its second put with what its first wrote, not with what was read, or
// rows the first put added would outlive the second. Every derived table
// must end as a fresh store given only the last version holds it. On both
// engines.
func TestReadCaseThenPutCaseTwice(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if err := db.Write(ctx, func(tx store.Tx) error { return tx.PutCase(writeCase(1), 0) }); err != nil {
			t.Fatal(err)
		}
		err := db.Write(ctx, func(tx store.Tx) error {
			if _, err := tx.Case("c1"); err != nil {
				return err
			}
			if err := tx.PutCase(writeCase(2), 1); err != nil {
				return err
			}
			return tx.PutCase(writeCase(3), 2)
		})
		if err != nil {
			t.Fatal(err)
		}
		fresh := testdb.Open(t, db.Engine())
		if err := fresh.Write(ctx, func(tx store.Tx) error { return tx.PutCase(writeCase(3), 0) }); err != nil {
			t.Fatal(err)
		}
		sameDerived(t, db, fresh)
	})
}

func sameDerived(t *testing.T, db, want *sqlstore.DB) {
	t.Helper()
	got, err := db.LiveDerived(ctx)
	if err != nil {
		t.Fatal(err)
	}
	w, err := want.LiveDerived(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for tb := range w {
		if !reflect.DeepEqual(got[tb], w[tb]) {
			t.Errorf("%s:\n got %v\nwant %v", tb, got[tb], w[tb])
		}
	}
}

// TestStaleCaseUpdateFailsAlone: on PostgreSQL the case update's version
// check is judged when the statement reaches the server, with the write's
// last flight, not at once. A write over a version that is not the stored
// one must still fail with a conflict, leave nothing behind (its event
// and its case rows), and leave the writes of its batch before and after
// it committed: its savepoint must still be there to roll back to when the
// count is known. On both engines.
// notePut is a note on case c1 and its version v, written over version over.
func notePut(v int, over int64) func(store.Tx) error {
	return func(tx store.Tx) error {
		if _, err := tx.Case("c1"); err != nil {
			return err
		}
		if err := noteEvent("c1", fmt.Sprintf("version %d", v))(tx); err != nil {
			return err
		}
		return tx.PutCase(writeCase(v), over)
	}
}

// sameAsReplayed checks db's derived rows against a fresh store given
// case c1 at version 3 and then evs.
func sameAsReplayed(t *testing.T, db *sqlstore.DB, evs []*event.Event) {
	t.Helper()
	fresh := testdb.Open(t, db.Engine())
	if err := fresh.Write(ctx, func(tx store.Tx) error { return tx.PutCase(writeCase(3), 0) }); err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if err := fresh.Write(ctx, func(tx store.Tx) error { return tx.Append(e) }); err != nil {
			t.Fatal(err)
		}
	}
	sameDerived(t, db, fresh)
}

func TestStaleCaseUpdateFailsAlone(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if err := db.Write(ctx, func(tx store.Tx) error { return tx.PutCase(writeCase(1), 0) }); err != nil {
			t.Fatal(err)
		}
		res := batchOf(t, db, notePut(2, 1), notePut(3, 1), notePut(3, 2)) // the second is stale
		for i, want := range []bool{true, false, true} {
			if (res[i] == nil) != want {
				t.Fatalf("write %d: %v", i, res[i])
			}
		}
		if !errors.Is(res[1], store.ErrConflict) || !strings.Contains(res[1].Error(), "CASE-1") {
			t.Errorf("the stale write failed with %v, want a conflict naming the case", res[1])
		}
		evs := allEvents(t, db) // write_test.go
		if len(evs) != 2 || evs[0].Seq != 1 || evs[1].Seq != 2 {
			t.Fatalf("%d events, want the two of the good writes numbered 1 and 2", len(evs))
		}
		sameAsReplayed(t, db, evs)
	})
}

// TestNoteCommandRoundTrips: on PostgreSQL, what the head lock is held
// through is mostly waiting for the server, a round trip at a time. A
// command on a case — read it, append its event, put it — must take two:
// the read (with the savepoint before it and everything PutCase compares),
// and its writes with the version check. It took five before the read
// brought PutCase's rows and the version check waited for the last flight;
// a command opening a duty took three while the figures were read apart.
func TestNoteCommandRoundTrips(t *testing.T) {
	db := testdb.Open(t, sqlstore.EnginePostgres)
	if err := db.Write(ctx, func(tx store.Tx) error { return tx.PutCase(writeCase(1), 0) }); err != nil {
		t.Fatal(err)
	}
	for v := 2; v <= 3; v++ {
		var trips int
		err := db.Write(ctx, func(tx store.Tx) error {
			before := sqlstore.TxFlights(tx)
			c, err := tx.Case("c1")
			if err != nil {
				return err
			}
			if err := noteEvent("c1", "a note")(tx); err != nil {
				return err
			}
			// A note changes no duty, flag or index row: as most commands.
			// The second opens a duty: its rows and the figures change.
			next := *c
			next.Version, next.UpdatedAt = c.Version+1, c.UpdatedAt.Add(time.Minute)
			if v == 3 {
				d := next.Duties[0]
				d.ID, d.Kind = "c1.d9", "review"
				next.Duties = append(slices.Clone(next.Duties), d)
			}
			if err := tx.PutCase(&next, c.Version); err != nil {
				return err
			}
			trips = -before
			if err := sqlstore.TxSync(tx); err != nil {
				return err
			}
			trips += sqlstore.TxFlights(tx)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if trips > 2 {
			t.Errorf("version %d: a command took %d round trips, want 2", v, trips)
		}
	}
}

// TestFailedBatchFreesTheHead: on PostgreSQL the batch runs its own
// transaction on its connection (its BEGIN rides with the head lock, its
// COMMIT with the head's update). A batch that fails whole — here a write
// released the batch's savepoint itself, so the batch's own release is
// refused — must acknowledge none of its writes, and must not leave its
// connection in the pool still inside the transaction, holding the log
// head: another instance's write must go through at once.
func TestFailedBatchFreesTheHead(t *testing.T) {
	dsn := testdb.DSN(t, sqlstore.EnginePostgres)
	open := func() *sqlstore.DB {
		db, err := sqlstore.Open(ctx, dsn, true)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	a, b := open(), open()
	if err := a.Write(ctx, func(tx store.Tx) error { return tx.PutCase(writeCase(1), 0) }); err != nil {
		t.Fatal(err)
	}
	res := batchOf(t, a,
		noteEvent("c1", "in the failing batch"),
		func(tx store.Tx) error {
			if err := noteEvent("c1", "releases the batch's savepoint")(tx); err != nil {
				return err
			}
			_, err := sqlstore.TxExec(tx, "RELEASE w")
			return err
		})
	for i, err := range res {
		if err == nil {
			t.Fatalf("write %d of a batch that failed was acknowledged", i)
		}
	}
	short, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := b.Write(short, noteEvent("c1", "the other instance")); err != nil {
		t.Fatalf("the other instance could not write after a failed batch: %v", err)
	}
	if err := a.Write(short, noteEvent("c1", "the same instance")); err != nil {
		t.Fatalf("the instance could not write after its failed batch: %v", err)
	}
	if evs := allEvents(t, a); len(evs) != 2 || evs[0].Seq != 1 {
		t.Fatalf("%d events, want the two written after the failed batch", len(evs))
	}
}

// TestStaleLastWriteFailsAlone: the batch's last write on PostgreSQL
// reaches the server with the head's update and the commit, in one
// flight. A stale case update there must fail that write alone: the
// commit must not run after it, and the others' writes, the head and the
// chain must be as if it had never been tried.
func TestStaleLastWriteFailsAlone(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if err := db.Write(ctx, func(tx store.Tx) error { return tx.PutCase(writeCase(1), 0) }); err != nil {
			t.Fatal(err)
		}
		res := batchOf(t, db, notePut(2, 1), notePut(3, 1)) // the last is stale
		if res[0] != nil || !errors.Is(res[1], store.ErrConflict) {
			t.Fatalf("writes: %v, %v; want the first committed and the last a conflict", res[0], res[1])
		}
		// A batch of the stale write alone commits nothing of it either.
		if err := db.Write(ctx, notePut(4, 1)); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a stale write alone: %v, want a conflict", err)
		}
		if err := db.Write(ctx, notePut(3, 2)); err != nil {
			t.Fatal(err)
		}
		evs := allEvents(t, db)
		if len(evs) != 2 || evs[0].Seq != 1 || evs[1].Seq != 2 {
			t.Fatalf("%d events, want the two of the good writes numbered 1 and 2", len(evs))
		}
		sameAsReplayed(t, db, evs)
	})
}
