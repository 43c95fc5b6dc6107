// Package faults is what every fault-injection test asks afterwards — every
// acknowledged write is in the record, the log is one gapless hash chain,
// the ledger verifies and a replay of the log rebuilds the live projections
// exactly — and the load those tests run while the fault happens. The tests
// themselves are beside it (and, for kill -9 of the binary, in
// cmd/holdfast); docs/reliability.md lists each fault and its test.
package faults

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// Intact fails t unless every case in acked is in st, the log is gapless
// and its chain hashes hold, event times never go backwards along the log,
// the ledger (cut once more) verifies, and a replay of the log matches the
// live projections. With svc nil the ledger is left to the caller (a test
// of the binary verifies it with holdfast ledger verify).
func Intact(t testing.TB, svc *service.Service, admin *service.Actor, st store.Store, acked []string) {
	t.Helper()
	ctx := context.Background()
	for _, ref := range acked {
		if _, err := st.CaseByRef(ctx, ref); err != nil {
			t.Fatalf("acknowledged case %s is not in the record: %v", ref, err)
		}
	}
	n, err := Chain(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if svc != nil {
		if _, err := svc.Ledger().Cut(ctx, admin); err != nil {
			t.Fatalf("cut a checkpoint after the fault: %v", err)
		}
		r, err := svc.Ledger().Verify(ctx, admin)
		if err != nil {
			t.Fatalf("verify the ledger: %v", err)
		}
		if !r.OK {
			t.Fatalf("the ledger does not verify: %s (event %d)", r.Problem, r.FirstBad)
		}
	}
	_, d, err := replay.Compare(ctx, st)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	if d != nil {
		t.Fatalf("replay differs from the live record: %s", d)
	}
	verified := "ledger verified"
	if svc == nil {
		verified = "ledger left to the caller"
	}
	t.Logf("intact: %d acknowledged writes present, %d events chained, %s, replay matched", len(acked), n, verified)
}

// Chain reads the whole log and checks that sequence numbers have no gap,
// each event's hash seals its contents and its predecessor, and no event
// Holdfast recorded by its clock (not the watchdog's, dated as of its
// sweep) is dated before the one recorded before it (the log's
// time never goes back, even when the wall clock does: docs/reliability.md;
// an import's events keep the dates of the system they came from). It
// returns the count.
func Chain(ctx context.Context, st store.Store) (int64, error) {
	var prev []byte
	var n int64
	var last time.Time
	err := st.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
		n++
		if e.Seq != n {
			return fmt.Errorf("sequence gap: want %d, got %d", n, e.Seq)
		}
		if !bytes.Equal(e.PrevHash, prev) {
			return fmt.Errorf("event %d: prev hash does not match event %d", e.Seq, e.Seq-1)
		}
		l, err := e.Leaf()
		if err != nil {
			return err
		}
		if !bytes.Equal(e.Hash, event.ChainHash(prev, event.LeafHash(l))) {
			return fmt.Errorf("event %d: hash does not match contents", e.Seq)
		}
		prev = e.Hash
		if e.Source != "" {
			return nil // imported history keeps the time the other system recorded
		}
		if e.Actor == watchdog {
			// A sweep dates its escalations as of the time it ran for (its
			// start, or holdfast sweep --as-of): a sweep of many cases
			// writes them while other writes, dated later, go on beside
			// it. The clock's own floor leaves them out too (app's
			// lastRecorded).
			return nil
		}
		if e.At.Before(last) {
			return fmt.Errorf("event %d (%s) is dated %s, before the %s of the event recorded before it",
				e.Seq, e.Type, e.At.Format(time.RFC3339Nano), last.Format(time.RFC3339Nano))
		}
		last = e.At
		return nil
	})
	return n, err
}

// watchdog is the actor id every sweep writes as.
var watchdog = service.SystemActor("watchdog").ID()

// Load is writers opening referrals until Stop, keeping the reference of
// every one acknowledged and counting what was refused, and why.
type Load struct {
	mu    sync.Mutex
	acked []string
	// Unavailable counts writes refused as store.Unavailable (a 503);
	// Other counts any other failure, which a fault must never cause.
	Unavailable, Other atomic.Int64
	firstOther         atomic.Pointer[error]
	stop               chan struct{}
	wg                 sync.WaitGroup
}

// Start runs writers goroutines, each opening referrals in team as a.
func Start(svc *service.Service, a *service.Actor, team string, writers int) *Load {
	l := &Load{stop: make(chan struct{})}
	for w := 0; w < writers; w++ {
		l.wg.Add(1)
		go func(w int) {
			defer l.wg.Done()
			for i := 0; ; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				c, err := svc.OpenReferral(context.Background(), a, service.NewReferral{TeamID: team,
					Summary: fmt.Sprintf("referral %d.%d under a fault", w, i), OffenceTypes: []string{"child_sexual_exploitation"}})
				switch {
				case err == nil:
					l.mu.Lock()
					l.acked = append(l.acked, c.Ref)
					l.mu.Unlock()
				case store.Unavailable(err):
					l.Unavailable.Add(1)
					time.Sleep(5 * time.Millisecond) // a client told 503 waits before it retries
				default:
					l.Other.Add(1)
					l.firstOther.CompareAndSwap(nil, &err)
				}
			}
		}(w)
	}
	return l
}

// Acked is how many writes have been acknowledged so far.
func (l *Load) Acked() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// Stop ends the load and returns the references acknowledged, and the
// first failure that was not an outage (nil if none).
func (l *Load) Stop() ([]string, error) {
	close(l.stop)
	l.wg.Wait()
	var other error
	if p := l.firstOther.Load(); p != nil {
		other = *p
	}
	return l.acked, other
}

// WaitFor polls cond every 10ms until it holds or d passes.
func WaitFor(d time.Duration, cond func() bool) bool {
	end := time.Now().Add(d)
	for time.Now().Before(end) {
		if cond() {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return cond()
}
