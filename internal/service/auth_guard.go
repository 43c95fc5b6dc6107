package service

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/auth"
)

// Throttling sign-in (docs/security.md). A password check costs ~19 MiB
// (argon2id) and tens of milliseconds of a core, so an unauthenticated
// flood of them could exhaust the server's memory. Three things stop it:
//
//   - the hash gate: at most HashSlots checks run at once; others queue, in
//     two classes — clients whose address has no recent failure first, so a
//     flood of wrong passwords does not keep an officer from signing in —
//     each queue bounded and each wait at most HashWait; a request that
//     cannot get a slot is answered 429 with Retry-After;
//   - per address — an IPv4 address, or an IPv6 /64 (auth.AddressKey),
//     as a host given a /64 may use any address in it: after the policy's
//     address_failures failed sign-ins within its lockout_window (password
//     spraying), none until the window has passed (429). Only failures
//     count: many officers behind one
//     station proxy share an address, so sign-ins in progress or succeeding
//     are never held against it, and one officer's wrong password cannot
//     lock the station out;
//   - per account (auth.go): one sign-in in progress at a time (another
//     at once is answered 429), a progressive delay after each failure;
//     the address locked out of the account after the policy's
//     lockout_failures within its window, and the account from every
//     address after its account_failures; unknown usernames alike.

// HashSlots is how many password checks may run at once: one per core
// (more only make each slower), at least 2, at most 8 (8 × 19 MiB).
var HashSlots = min(max(runtime.GOMAXPROCS(0), 2), 8)

// HashWait is the longest a sign-in waits for a slot before 429.
const HashWait = 2 * time.Second

// queue bounds: a clean address may queue more than a failing one.
var queueLimit = [2]int{64, 8}

// Throttled means the client must wait before trying again (HTTP 429).
type Throttled struct {
	RetryAfter time.Duration
	Reason     string
}

func (t *Throttled) Error() string {
	return fmt.Sprintf("%s: wait %s, then try again", t.Reason, t.Wait())
}

// Wait is RetryAfter in words: "1 second", "40 seconds", "15 minutes"
// (whole minutes, rounded up, past a minute).
func (t *Throttled) Wait() string {
	n, unit := t.Seconds(), "second"
	if n > 60 {
		n, unit = (n+59)/60, "minute"
	}
	if n != 1 {
		unit += "s"
	}
	return fmt.Sprintf("%d %s", n, unit)
}

// Seconds is RetryAfter rounded up to whole seconds, at least 1.
func (t *Throttled) Seconds() int {
	s := int((t.RetryAfter + time.Second - 1) / time.Second)
	return max(s, 1)
}

// hashGate is a counting semaphore with two priority classes.
type hashGate struct {
	mu     sync.Mutex
	free   int
	queues [2][]chan struct{}

	peak    int // most checks ever running at once (tests)
	running int
	noted   map[string]time.Time // when a throttled address was last recorded
	signing map[string]bool      // usernames with a sign-in in progress
}

// enterSubject claims subject's one sign-in in progress; false if one is.
// The account's lock is read before its password is checked, so guesses
// sent all at once would each see it unlocked: one at a time, each failure
// is counted before the next guess is weighed (a burst of seventy guesses
// at one account got seventy checks, not lockout_failures). Any name the
// client typed is held alike, known or not, so it tells nothing. Per
// instance: two instances let two at once.
func (g *hashGate) enterSubject(subject string) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.signing[subject] {
		return false
	}
	if g.signing == nil {
		g.signing = map[string]bool{}
	}
	g.signing[subject] = true
	return true
}

func (g *hashGate) leaveSubject(subject string) {
	g.mu.Lock()
	delete(g.signing, subject)
	g.mu.Unlock()
}

func newHashGate(slots int) *hashGate {
	return &hashGate{free: slots}
}

// refusedLately reports that addr was refused with 429 within the minute
// before now, by the service's clock (g.mu held). It lapses: an address
// refused once is not put at the back of the queue for good.
func (g *hashGate) refusedLately(addr string, now time.Time) bool {
	at, ok := g.noted[auth.AddressKey(addr)]
	return ok && now.Sub(at) <= time.Minute
}

// acquire takes a slot, waiting at most wait in class (0: clean address,
// 1: an address with recent failures).
func (g *hashGate) acquire(ctx context.Context, class int, wait time.Duration) error {
	busy := &Throttled{RetryAfter: time.Second, Reason: "Holdfast is busy checking other sign-ins"}
	g.mu.Lock()
	ahead := len(g.queues[0])
	if class == 1 {
		ahead += len(g.queues[1])
	}
	if g.free > 0 && ahead == 0 {
		g.free--
		g.took()
		g.mu.Unlock()
		return nil
	}
	if len(g.queues[class]) >= queueLimit[class] {
		g.mu.Unlock()
		return busy
	}
	ch := make(chan struct{})
	g.queues[class] = append(g.queues[class], ch)
	g.mu.Unlock()
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ch:
		return nil
	case <-t.C:
	case <-ctx.Done():
		busy.Reason = "the sign-in was abandoned"
	}
	g.mu.Lock()
	for i, c := range g.queues[class] {
		if c == ch {
			g.queues[class] = append(g.queues[class][:i], g.queues[class][i+1:]...)
			g.mu.Unlock()
			return busy
		}
	}
	g.mu.Unlock()
	<-ch // granted as we gave up: pass the slot on
	g.release()
	return busy
}

// took notes one more check running (g.mu held).
func (g *hashGate) took() {
	g.running++
	g.peak = max(g.peak, g.running)
}

// release frees a slot, handing it to the first waiter of the best class.
func (g *hashGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.running--
	for c := range g.queues {
		if len(g.queues[c]) > 0 {
			ch := g.queues[c][0]
			g.queues[c] = g.queues[c][1:]
			g.took()
			close(ch)
			return
		}
	}
	g.free++
}

// PeakHashes is the most password checks that ran at once since start.
func (s *Service) PeakHashes() int {
	s.gate.mu.Lock()
	defer s.gate.mu.Unlock()
	return s.gate.peak
}

// busyFor reports, without touching the database, that addr — refused
// lately — would find its queue full: the cheapest answer to a flood.
func (g *hashGate) busyFor(addr string, now time.Time) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.refusedLately(addr, now) && g.free == 0 && len(g.queues[1]) >= queueLimit[1]
}
