package sqlstore_test

import (
	"fmt"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

type caseFromTx interface {
	CaseFrom(id string, p any) (*domain.Case, error)
}

// prefetchedPut is a command on c1 as the service runs one: its case
// prefetched before the write, taken with CaseFrom in it, a note, and the
// case put at the version after the one it was given. Each run records
// the version and summary it was given in seen; it refuses to decide on
// anything but want, as a command based on a version refuses another.
func prefetchedPut(db *sqlstore.DB, want int64, seen *[]string) func(store.Tx) error {
	return prefetchedPutWith(db.PrefetchCase(ctx, "c1"), want, seen)
}

// prefetchedPutWith is prefetchedPut of a case prefetched already.
func prefetchedPutWith(p any, want int64, seen *[]string) func(store.Tx) error {
	return func(tx store.Tx) error {
		c, err := tx.(caseFromTx).CaseFrom("c1", p)
		if err != nil {
			return err
		}
		*seen = append(*seen, fmt.Sprintf("%d %s", c.Version, c.Summary))
		if c.Version != want {
			return fmt.Errorf("decided on version %d, want %d", c.Version, want)
		}
		if err := noteEvent("c1", fmt.Sprintf("on version %d", c.Version))(tx); err != nil {
			return err
		}
		next := writeCase(int(c.Version) + 1)
		next.Summary = c.Summary
		return tx.PutCase(next, c.Version)
	}
}

func putC1(t *testing.T, db *sqlstore.DB, v int, summary string) {
	t.Helper()
	c := writeCase(v)
	c.Summary = summary
	if err := db.Write(ctx, func(tx store.Tx) error { return tx.PutCase(c, int64(v-1)) }); err != nil {
		t.Fatal(err)
	}
}

func storedC1(t *testing.T, db *sqlstore.DB) *domain.Case {
	t.Helper()
	c, err := db.Case(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPrefetchedCaseIsNotReadAgain: on PostgreSQL a write given its case
// by the prefetch does not read it again under the log head (a round trip
// every writer of every instance waited through); it is checked with the
// write's own statements instead. On both engines the write commits as
// one that read its case.
func TestPrefetchedCaseIsNotReadAgain(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		// Text of more bytes than characters, and of the characters the
		// digest's rows are made with: the digests made by Go and by the
		// server must still agree.
		putC1(t, db, 1, "Café “first”: 12:3, (a) \\ \"b\"")
		p := db.PrefetchCase(ctx, "c1")
		flights, runs := -1, 0
		if err := db.Write(ctx, func(tx store.Tx) error {
			runs++
			before := sqlstore.TxFlights(tx)
			c, err := tx.(caseFromTx).CaseFrom("c1", p)
			if err != nil {
				return err
			}
			flights = sqlstore.TxFlights(tx) - before
			if err := noteEvent("c1", "a note")(tx); err != nil {
				return err
			}
			return tx.PutCase(writeCase(2), c.Version)
		}); err != nil {
			t.Fatal(err)
		}
		if db.Engine() != "sqlite" && flights != 0 {
			t.Errorf("taking the prefetched case took %d round trips, want none", flights)
		}
		if runs != 1 {
			t.Errorf("the write ran %d times, want once: the case did not change", runs)
		}
		if c := storedC1(t, db); c.Version != 2 || c.OwnerID != "u2" {
			t.Fatalf("stored case at version %d owned by %s, want 2 by u2", c.Version, c.OwnerID)
		}
	})
}

// TestStalePrefetchDecidesOnTheCaseAsItIs: a write whose prefetched case
// changed before the write held the log head — a new version, a document
// rewritten without one, or an index row PutCase compares while a build
// that writes them alone may run — decides on
// the case as it is then, never on the prefetch: on PostgreSQL its first
// run is undone and it runs again, and what the first run made of the old
// case (here an error) is not its answer.
func TestStalePrefetchDecidesOnTheCaseAsItIs(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		putC1(t, db, 1, "first")
		var seen []string
		w := prefetchedPut(db, 2, &seen)
		putC1(t, db, 2, "second")
		if err := db.Write(ctx, w); err != nil {
			t.Fatalf("a write prefetched at version 1, the case at 2: %v (runs saw %q)", err, seen)
		}
		if last := seen[len(seen)-1]; last != "2 second" {
			t.Fatalf("the write decided on %q, want version 2", last)
		}

		// The document rewritten, the version unmoved (as the builds run
		// when an older record opens do).
		seen = nil
		w = prefetchedPut(db, 3, &seen)
		if err := db.Write(ctx, func(tx store.Tx) error {
			_, err := sqlstore.TxExec(tx, "UPDATE cases SET doc = REPLACE(doc, '\"summary\":\"second\"', '\"summary\":\"rewritten\"') WHERE id = 'c1'")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if c := storedC1(t, db); c.Summary != "rewritten" {
			t.Fatalf("summary %q: the test's rewrite did nothing", c.Summary)
		}
		if err := db.Write(ctx, w); err != nil {
			t.Fatal(err)
		}
		if last := seen[len(seen)-1]; last != "3 rewritten" {
			t.Fatalf("the write decided on %q, want the rewritten document", last)
		}

		// The find index's digest gone, the case unmoved, while the build
		// that writes index rows alone has not finished (its marker
		// missing, as when another instance is opening an older record):
		// the write must put the index back, as one that read no digest
		// does.
		if err := db.Write(ctx, func(tx store.Tx) error {
			_, err := sqlstore.TxExec(tx, "DELETE FROM case_terms_built")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		seen = nil
		w = prefetchedPut(db, 4, &seen)
		if err := db.Write(ctx, func(tx store.Tx) error {
			_, err := sqlstore.TxExec(tx, "DELETE FROM case_terms WHERE case_id = 'c1'")
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if err := db.Write(ctx, w); err != nil {
			t.Fatal(err)
		}
		if n := findDigests(t, db); n != 1 {
			t.Fatalf("%d find-index digests of c1 after the write, want 1", n)
		}
		if c := storedC1(t, db); c.Version != 5 || c.Summary != "rewritten" {
			t.Fatalf("stored case at version %d (%q), want 5", c.Version, c.Summary)
		}
	})
}

// TestStalePrefetchWhileABuildRuns: while a build that writes index rows
// without their case may run (its marker missing, as when another
// instance opens an older record), a write whose case's index rows
// changed after its prefetch decides on the rows as they are, though the
// case row did not change: here it puts back the find index's digest a
// stale read would say is there. Once the builds are done only the case
// row is checked (optimistic.go).
func TestStalePrefetchWhileABuildRuns(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		putC1(t, db, 1, "first")
		exec := func(q string) {
			t.Helper()
			if err := db.Write(ctx, func(tx store.Tx) error {
				_, err := sqlstore.TxExec(tx, q)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		exec("DELETE FROM case_terms_built")
		p := db.PrefetchCase(ctx, "c1")
		exec("DELETE FROM case_terms WHERE case_id = 'c1'")
		// The same case at the next version: the same terms, so only a
		// write that reads the digest gone writes them again.
		if err := db.Write(ctx, func(tx store.Tx) error {
			c, err := tx.(caseFromTx).CaseFrom("c1", p)
			if err != nil {
				return err
			}
			c.Version++
			return tx.PutCase(c, c.Version-1)
		}); err != nil {
			t.Fatal(err)
		}
		if n := findDigests(t, db); n != 1 {
			t.Fatalf("%d find-index digests of c1 after the write, want 1: it decided on the stale read", n)
		}
	})
}

// TestPrefetchRemembersTheBuildsDone: once a prefetch on PostgreSQL saw
// every build that writes index rows alone done, the instance's later
// prefetches neither ask again nor check more than the case row (markers
// are never removed there; optimistic.go). Here a marker removed behind
// the instance's back, which never happens in running, shows it did not
// ask: without the memory the second prefetch would check every row.
func TestPrefetchRemembersTheBuildsDone(t *testing.T) {
	db := testdb.Open(t, "postgres")
	putC1(t, db, 1, "first")
	if p := db.PrefetchCase(ctx, "c1"); p == nil || sqlstore.PrefetchChecksEveryRow(p) {
		t.Fatalf("first prefetch, the builds done: %v, want the case row checked alone", p)
	}
	if err := db.Write(ctx, func(tx store.Tx) error {
		_, err := sqlstore.TxExec(tx, "DELETE FROM case_terms_built")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	p := db.PrefetchCase(ctx, "c1")
	if p == nil || sqlstore.PrefetchChecksEveryRow(p) {
		t.Fatal("a later prefetch asked for the builds' markers again")
	}
	if err := db.Write(ctx, prefetchedPutWith(p, 1, new([]string))); err != nil {
		t.Fatal(err)
	}
	if c := storedC1(t, db); c.Version != 2 {
		t.Fatalf("version %d after the write, want 2", c.Version)
	}
}

// findDigests counts c1's find-index digest rows.
func findDigests(t *testing.T, db *sqlstore.DB) int {
	t.Helper()
	var n int
	if err := db.Write(ctx, func(tx store.Tx) error {
		var err error
		n, err = sqlstore.TxQueryInt(tx, "SELECT count(*) FROM case_terms WHERE case_id = 'c1' AND kind = '#'")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestStalePrefetchInABatch: a stale write that is not its batch's last is
// undone alone and runs again; a second write of the same case in one
// batch, prefetched before the first wrote it, reads the case the first
// left (it does not fail and run again).
func TestStalePrefetchInABatch(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		putC1(t, db, 1, "first")
		var a, b []string
		stale := prefetchedPut(db, 2, &a)
		putC1(t, db, 2, "second")
		res := batchOf(t, db, stale, noteEvent("c1", "beside it"))
		if res[0] != nil || res[1] != nil {
			t.Fatalf("writes: %v, %v (runs saw %q)", res[0], res[1], a)
		}
		if c := storedC1(t, db); c.Version != 3 {
			t.Fatalf("stored case at version %d, want 3", c.Version)
		}
		a = nil
		first, second := prefetchedPut(db, 3, &a), prefetchedPut(db, 4, &b)
		res = batchOf(t, db, first, second)
		if res[0] != nil || res[1] != nil {
			t.Fatalf("two writes of one case: %v, %v (runs saw %q, %q)", res[0], res[1], a, b)
		}
		if len(a) != 1 || len(b) != 1 || b[0] != "4 second" {
			t.Fatalf("runs saw %q and %q, want one run each, the second on version 4", a, b)
		}
		if c := storedC1(t, db); c.Version != 5 {
			t.Fatalf("stored case at version %d, want 5", c.Version)
		}
		evs := allEvents(t, db)
		for i, e := range evs {
			if e.Seq != int64(i+1) {
				t.Fatalf("event %d numbered %d: the log has a gap", i+1, e.Seq)
			}
		}
		if len(evs) != 4 {
			t.Fatalf("%d events, want the four writes' notes", len(evs))
		}
	})
}
