package sqlstore_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/faults"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// noteEvent is a write that appends one note event to caseID.
func noteEvent(caseID, text string) func(store.Tx) error {
	return func(tx store.Tx) error {
		e, err := domain.NewEvent(domain.EvNoteAdded, "u1", caseID, time.Now().UTC(),
			domain.NoteAdded{Note: domain.Note{ID: "n", Text: text}})
		if err != nil {
			return err
		}
		return tx.Append(e)
	}
}

// TestGroupedWritesFailAlone: writes sent together share transactions, and
// one that fails — by returning an error after appending, by panicking, or
// by a statement the database refuses (a duplicate case reference, which on
// PostgreSQL aborts the whole transaction unless rolled back to a
// savepoint) — leaves nothing behind, while every other write of its group
// is committed, in one gapless chain. On both engines.
func TestGroupedWritesFailAlone(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		put := func(id, ref string) func(store.Tx) error {
			return func(tx store.Tx) error {
				return tx.PutCase(&domain.Case{ID: id, Ref: ref, TeamID: "team", Status: domain.StatusReferral,
					Version: 1, UpdatedAt: time.Now().UTC()}, 0)
			}
		}
		if err := db.Write(ctx, put("c0", "REF/0")); err != nil {
			t.Fatal(err)
		}
		// Only this test's writes count: opening the store commits too (its
		// one-time splits go a chunk a transaction).
		base := db.Commits()
		db.SlowCommits(100 * time.Millisecond) // so writers pile up behind a commit, and group
		const n = 48
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				text := fmt.Sprintf("write %d", i)
				switch i % 4 {
				case 0, 2: // good
					errs[i] = db.Write(ctx, noteEvent("c0", text))
				case 1: // appends, then gives up
					errs[i] = db.Write(ctx, func(tx store.Tx) error {
						if err := noteEvent("c0", text+" (abandoned)")(tx); err != nil {
							return err
						}
						return errors.New("changed my mind")
					})
				case 3:
					errs[i] = db.Write(ctx, func(tx store.Tx) error {
						if err := noteEvent("c0", text+" (refused)")(tx); err != nil {
							return err
						}
						if i%8 == 3 {
							panic("a bug in a command")
						}
						return put(fmt.Sprintf("dup%d", i), "REF/0")(tx) // the reference is taken
					})
				}
			}()
		}
		wg.Wait()
		db.SlowCommits(0)
		var texts []string
		if err := db.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
			texts = append(texts, string(e.Payload))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		good := 0
		for i, err := range errs {
			switch {
			case i%4 == 0 || i%4 == 2:
				if err != nil {
					t.Fatalf("good write %d failed beside bad ones: %v", i, err)
				}
				good++
			case err == nil:
				t.Fatalf("bad write %d was acknowledged", i)
			}
		}
		if len(texts) != good {
			t.Fatalf("%d events in the log, want the %d good writes' only: %q", len(texts), good, texts)
		}
		seq, err := db.LatestSeq(ctx)
		if err != nil || seq != int64(good) {
			t.Fatalf("log head at %d (%v), want %d", seq, err, good)
		}
		if c := db.Commits() - base; c > n/4 {
			t.Fatalf("%d commits for %d writes: they were not grouped", c, n)
		}
		t.Logf("%s: %d writes in %d commits", db.Engine(), n, db.Commits()-base)
		if _, err := faults.Chain(ctx, db); err != nil {
			t.Fatal(err)
		}
	})
}

// TestLongWriteJoiningABatchKeepsItsLimit: on PostgreSQL a batch is cut
// off after batchTimeout unless it begins with a long write (an import).
// An import queued behind an ordinary write would join that write's batch
// once the log head is locked, after the batch's limit was chosen, and be
// cut off at the ordinary limit; it must instead begin a batch of its own,
// and both succeed. (SQLite has no limit; the test runs there too.)
func TestLongWriteJoiningABatchKeepsItsLimit(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		defer sqlstore.SetBatchTimeout(300 * time.Millisecond)()
		put := func(tx store.Tx) error {
			return tx.PutCase(&domain.Case{ID: "c1", Ref: "REF/1", TeamID: "team", Status: domain.StatusReferral,
				Version: 1, UpdatedAt: time.Now().UTC()}, 0)
		}
		if err := db.Write(ctx, put); err != nil {
			t.Fatal(err)
		}
		// Hold the committer in a first batch while an ordinary write and
		// then a long one queue behind it, in that order.
		release, holding := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- db.Write(ctx, func(tx store.Tx) error {
				close(holding)
				<-release
				return noteEvent("c1", "held")(tx)
			})
		}()
		<-holding
		waitQueued := func(n int) {
			for deadline := time.Now().Add(10 * time.Second); db.Queued() < n; {
				if time.Now().After(deadline) {
					t.Fatalf("%d writes queued, want %d", db.Queued(), n)
				}
				time.Sleep(time.Millisecond)
			}
		}
		ordinary, long := make(chan error, 1), make(chan error, 1)
		go func() { ordinary <- db.Write(ctx, noteEvent("c1", "ordinary")) }()
		waitQueued(1)
		go func() {
			long <- db.Write(store.LongWrite(ctx), func(tx store.Tx) error {
				time.Sleep(time.Second) // an import's minutes, scaled down
				return noteEvent("c1", "imported")(tx)
			})
		}()
		waitQueued(2)
		close(release)
		if err := <-first; err != nil {
			t.Fatalf("the first write: %v", err)
		}
		if err := <-ordinary; err != nil {
			t.Errorf("the ordinary write beside the import failed: %v", err)
		}
		if err := <-long; err != nil {
			t.Errorf("the import that joined a batch was cut off at the ordinary limit: %v", err)
		}
	})
}
