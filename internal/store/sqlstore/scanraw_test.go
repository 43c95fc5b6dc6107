package sqlstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// ScanRaw is the verifier's read of the record: for every event, on both
// engines, it must hand over the very bytes ScanEvents' event encodes to —
// with escapes, control characters and non-ASCII in the text, an empty payload,
// a time with and without a fraction — or every leaf read this way would
// fail its hash. Ranges are inclusive, to 0 means the end, and several
// ranges may be read at once.
func TestScanRawGivesTheSameLeaves(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		at := time.Date(2024, 2, 29, 23, 59, 59, 0, time.UTC)
		odd := []struct{ actor, cs, typ, src, payload string }{
			{"u1", "", "org.team_added", "", `{"team":"a"}`},
			{"officer \"quoted\" \\ back", "case-1", "note.added", "import:cis", `{"text":"tab\there, \u00e9, ✓"}`},
			{"café", "case-\u2028", "note.added", "", ``},
			{"\x01control", "case-1", "note.added", "", `{}`},
		}
		err := db.Write(ctx, func(tx store.Tx) error {
			for i := range 40 {
				o := odd[i%len(odd)]
				e := &event.Event{
					At:             at.Add(time.Duration(i) * 1234567 * time.Nanosecond),
					Actor:          o.actor,
					CaseID:         o.cs,
					CaseVersion:    int64(i),
					Type:           o.typ,
					PayloadVersion: 1,
					Source:         o.src,
					Payload:        []byte(o.payload),
				}
				if i%3 == 0 {
					e.At = at.Add(time.Duration(i) * time.Second) // no fraction
				}
				if err := tx.Append(e); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		want := map[int64]string{}
		err = db.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
			l, _ := e.Leaf()
			want[e.Seq] = string(l) + string(e.PrevHash) + string(e.Hash)
			return nil
		})
		if err != nil || len(want) != 40 {
			t.Fatalf("read back %d events: %v", len(want), err)
		}
		check := func(from, to int64) int {
			n := 0
			err := db.ScanRaw(ctx, from, to, func(r *event.Raw) error {
				n++
				if got := string(r.AppendLeaf(nil)) + string(r.PrevHash) + string(r.Hash); got != want[r.Seq] {
					t.Errorf("event %d: raw leaf %q, want %q", r.Seq, got, want[r.Seq])
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		done := make(chan int)
		for _, r := range [][2]int64{{1, 0}, {1, 17}, {18, 40}, {39, 100}} {
			go func() { done <- check(r[0], r[1]) }()
		}
		total := 0
		for range 4 {
			total += <-done
		}
		if total != 40+17+23+2 {
			t.Fatalf("ranges gave %d events, want 82", total)
		}

		// A stop from outside ends the read with an error; so does fn's.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := db.ScanRaw(cctx, 1, 0, func(*event.Raw) error { return nil }); err == nil {
			t.Fatal("a cancelled read returned no error")
		}
		stop := errors.New("stop")
		n := 0
		if err := db.ScanRaw(ctx, 1, 0, func(*event.Raw) error { n++; return stop }); !errors.Is(err, stop) || n != 1 {
			t.Fatalf("fn's error after %d events came back as %v", n, err)
		}
	})
}
