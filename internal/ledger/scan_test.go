package ledger

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/event"
)

// A record read from SQLite through the lean, batched path verifies as the
// same events held in memory do, across batch boundaries, and an edit deep
// in a later batch is named exactly.
func TestScanBatchesFromTheStore(t *testing.T) {
	const n = 3*batchEvents + 17
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
	err = scan(ctx, r.db, 1, func(e *event.Event, leaf *[32]byte) error {
		seen++
		l, _ := e.Leaf()
		if e.Seq != seen || string(leaf[:]) != string(event.LeafHash(l)) {
			t.Fatalf("event %d (want %d): leaf hash %x", e.Seq, seen, leaf)
		}
		return nil
	})
	if err != nil || seen != n {
		t.Fatalf("scanned %d of %d: %v", seen, n, err)
	}

	const bad = 2*batchEvents + 100
	if _, err := r.db.Raw().Exec(`UPDATE events SET payload = '{"note":{}}' WHERE seq = ?`, bad); err != nil {
		t.Fatal(err)
	}
	rep, err := Verify(ctx, r.db, r.v, nil, time.Now())
	if err != nil || rep.OK || rep.FirstBad != bad {
		t.Fatalf("edit of event %d reported as %+v %v", bad, rep, err)
	}
}

// A verification stopped from outside reports the stop, never tampering.
// The record is longer than every batch in flight, so the reader is still
// reading when the stop comes.
func TestScanCancelled(t *testing.T) {
	r := buildRecord(t, t.TempDir(), 4*batches*batchEvents)
	defer r.db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var seen int
	err := scan(ctx, r.db, 1, func(e *event.Event, leaf *[32]byte) error {
		if seen++; seen == batchEvents/2 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled scan returned %v after %d events", err, seen)
	}
}
