package ledger

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/event"
)

// A record read from SQLite in parallel ranges verifies as the same events
// held in memory do, across chunk boundaries, and an edit deep in a later
// chunk is named exactly.
func TestScanChunksFromTheStore(t *testing.T) {
	const n = 3*chunkEvents + 17
	r := buildRecord(t, t.TempDir(), n)
	defer r.db.Close()
	ctx := context.Background()
	fromDB, err := Verify(ctx, r.db, r.v, nil, time.Now())
	if err != nil || !fromDB.OK || fromDB.Events != n || fromDB.Checkpoints != len(r.mem.Cps) {
		t.Fatalf("from the store: %+v %v", fromDB, err)
	}
	fromMem, err := Verify(ctx, r.mem, r.v, nil, time.Now())
	if err != nil || !fromMem.OK || string(fromMem.Root) != string(fromDB.Root) {
		t.Fatalf("in memory: %+v %v; store root %x", fromMem, err, fromDB.Root)
	}

	// Every event reaches fn once, in order, with its own leaf hash.
	var seen int64
	err = scan(ctx, r.db, 1, func(it *item) error {
		seen++
		e := r.mem.Events[seen-1]
		l, _ := e.Leaf()
		if it.seq != seen || string(it.leaf[:]) != string(event.LeafHash(l)) || !it.linked || !it.follows(e.PrevHash) {
			t.Fatalf("event %d (want %d): leaf hash %x, linked %v", it.seq, seen, it.leaf, it.linked)
		}
		return nil
	})
	if err != nil || seen != n {
		t.Fatalf("scanned %d of %d: %v", seen, n, err)
	}

	const bad = 2*chunkEvents + 100
	if _, err := r.db.Raw().Exec(`UPDATE events SET payload = '{"note":{}}' WHERE seq = ?`, bad); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(ctx, r.db, r.v, nil, time.Now())
	if err != nil || rep.OK || rep.FirstBad != bad {
		t.Fatalf("edit of event %d reported as %+v %v", bad, rep, err)
	}
}

// A verification stopped from outside reports the stop, never tampering,
// and goes no further than the chunk it was in, on SQLite and in memory.
func TestScanCancelled(t *testing.T) {
	r := buildRecord(t, t.TempDir(), 3*chunkEvents)
	defer r.db.Close()
	for name, src := range map[string]Source{"sqlite": r.db, "memory": r.mem} {
		ctx, cancel := context.WithCancel(context.Background())
		var seen int
		err := scan(ctx, src, 1, func(it *item) error {
			if seen++; seen == chunkEvents/2 {
				cancel()
			}
			return nil
		})
		if !errors.Is(err, context.Canceled) || seen != chunkEvents {
			t.Errorf("%s: cancelled scan returned %v after %d events", name, err, seen)
		}
	}
}
