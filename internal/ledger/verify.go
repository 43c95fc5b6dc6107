package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// Source is where the verifier reads the record: the database, or a bundle.
type Source interface {
	ScanEvents(ctx context.Context, from, to int64, fn func(*event.Event) error) error
	Checkpoints(ctx context.Context) ([]store.Checkpoint, error)
}

// Report is the outcome of a verification.
type Report struct {
	OK          bool      `json:"ok"`
	Events      int64     `json:"events"`
	Checkpoints int       `json:"checkpoints"`
	Root        []byte    `json:"root"`
	FirstBad    int64     `json:"first_bad_event,omitempty"`
	Problem     string    `json:"problem,omitempty"`
	RanAt       time.Time `json:"ran_at"`
	// LatestSize is what the latest checkpoint covers and LatestAt when it
	// was signed, as its signed text says (zero: it signed no time).
	LatestSize uint64    `json:"latest_checkpoint_size,omitempty"`
	LatestAt   time.Time `json:"latest_checkpoint_at,omitzero"`
}

// ErrTampered marks a verification that found the record altered.
var ErrTampered = errors.New("the record has been altered")

func (r *Report) fail(seq int64, format string, a ...any) error {
	r.OK = false
	r.FirstBad = seq
	r.Problem = fmt.Sprintf(format, a...)
	return fmt.Errorf("%s: %w", r.Problem, ErrTampered)
}

// chain checks events one by one as they stream past: the sequence has no
// gap, each names the one before, and each matches its own hash.
//
// The hashes it checks were worked out in parallel (scratch.add); add
// allocates nothing, and the tree's nodes come out of slabs.
type chain struct {
	tree   *Tree
	expect int64
	prev   []byte // the previous event's hash: empty, or last[:]
	last   [sha256.Size]byte
	// roots, when set, collects the root at each of its sizes as the tree
	// passes it (for a lean tree, which cannot look back); marks are those
	// sizes in order and next the first not yet passed, so that most
	// events cost no map lookup.
	roots map[uint64][]byte
	marks []uint64
	next  int
}

func newChain() *chain {
	return &chain{tree: NewTree(), expect: 1, prev: []byte{}}
}

// collect makes the chain keep the root at each of sizes as it passes it.
func (c *chain) collect(sizes ...uint64) {
	if c.roots == nil {
		c.roots = map[uint64][]byte{0: Hasher.EmptyRoot()}
	}
	for _, s := range sizes {
		if _, ok := c.roots[s]; !ok {
			c.roots[s] = nil
		}
	}
	c.marks = c.marks[:0]
	for s := range c.roots {
		c.marks = append(c.marks, s)
	}
	slices.Sort(c.marks)
	c.next = 0
	for c.next < len(c.marks) && c.marks[c.next] <= c.tree.Size() {
		c.next++
	}
}

// add checks one event, whose leaf hash and link scan worked out, and adds
// it to the tree.
func (c *chain) add(r *Report, it *item) error {
	switch {
	case it.seq > c.expect:
		return r.fail(
			c.expect,
			"event %d is missing (removed): the log jumps from event %d to event %d",
			c.expect,
			c.expect-1,
			it.seq,
		)
	case it.seq < c.expect:
		return r.fail(it.seq, "event %d appears again after event %d (inserted or reordered)", it.seq, c.expect-1)
	}
	if !it.follows(c.prev) {
		return r.fail(
			it.seq,
			"event %d does not follow event %d: its link to the previous event differs (events reordered, inserted or removed here)",
			it.seq,
			it.seq-1,
		)
	}
	if !it.linked {
		return r.fail(it.seq, "event %d: its contents do not match its hash (altered in place)", it.seq)
	}
	if err := c.tree.Append(it.leaf[:]); err != nil {
		return err
	}
	c.last = it.hash
	c.prev = c.last[:]
	c.expect++
	if c.next < len(c.marks) && c.marks[c.next] == c.tree.Size() {
		root, err := c.tree.RootAt(c.tree.Size())
		if err != nil {
			return err
		}
		c.roots[c.tree.Size()] = root
		c.next++
	}
	return nil
}

// checkpoints checks every signed checkpoint against the recomputed tree.
// A rewrite that recomputed every hash still fails here, unless the
// attacker also holds the signing key; a trusted checkpoint kept outside
// the database (an inspector's) catches even that.
func (c *chain) checkpoints(r *Report, cps []Checkpoint) error {
	var last uint64
	for _, cp := range cps {
		if err := c.against(r, cp, last, "signed checkpoint"); err != nil {
			return err
		}
		last = cp.Size
		r.Checkpoints++
	}
	return nil
}

// openAll verifies the signature of every stored checkpoint, in size order,
// and that the figures stored beside it — its size and, once signed, its
// time — are the ones it signed: the page and the tools show those.
func openAll(r *Report, stored []store.Checkpoint, v note.Verifier) ([]Checkpoint, error) {
	sort.Slice(stored, func(i, j int) bool { return stored[i].Size < stored[j].Size })
	out := make([]Checkpoint, 0, len(stored))
	for _, sc := range stored {
		cp, err := Open(sc.Note, v)
		if err != nil {
			return nil, r.fail(0, "checkpoint stored for tree size %d: %v (forged or damaged)", sc.Size, err)
		}
		if err := Agrees(sc, cp); err != nil {
			return nil, r.fail(0, "%v", err)
		}
		out = append(out, cp)
	}
	if n := len(out); n > 0 {
		r.LatestSize, r.LatestAt = out[n-1].Size, out[n-1].Time
	}
	return out, nil
}

// Agrees says whether the size and time stored beside a checkpoint are
// the ones its signed text cp says, naming the one that is not. A stored
// time of a checkpoint that signed none, or none stored (a bundle), is
// not compared: nothing vouches for it either way.
func Agrees(sc store.Checkpoint, cp Checkpoint) error {
	if sc.Size < 0 || uint64(sc.Size) != cp.Size {
		return fmt.Errorf("the checkpoints table says a checkpoint covers %d events, but its signed text "+
			"covers %d: the table has been altered", sc.Size, cp.Size)
	}
	if !cp.Time.IsZero() && !sc.Created.IsZero() && !sc.Created.Equal(cp.Time) {
		return fmt.Errorf("the checkpoints table says the checkpoint of %d events was signed %s, but its "+
			"signed text says %s: the table has been altered", cp.Size, Said(sc.Created), Said(cp.Time))
	}
	return nil
}

// Said is a checkpoint's time in words, to the second, UK time:
// "7 December 2026 at 6:21:45am UK time".
func Said(t time.Time) string {
	return t.In(clock.London).Format("2 January 2006 at 3:04:05pm") + " UK time"
}

func (c *chain) against(r *Report, cp Checkpoint, after uint64, what string) error {
	if cp.Size > c.tree.Size() {
		return r.fail(
			int64(c.tree.Size())+1,
			"the log has been truncated: a %s covers %d events but the log holds only %d",
			what,
			cp.Size,
			c.tree.Size(),
		)
	}
	root, ok := c.roots[cp.Size]
	if !ok || (root == nil && cp.Size > 0) {
		var err error
		if root, err = c.tree.RootAt(cp.Size); err != nil {
			return err
		}
	}
	if !bytes.Equal(root, cp.Root) {
		return r.fail(
			int64(after)+1,
			"history rewritten: the tree of the first %d events differs from the %s; the first change is among events %d to %d",
			cp.Size,
			what,
			after+1,
			cp.Size,
		)
	}
	return nil
}

// Verify recomputes the tree from every stored event and checks it against
// every stored checkpoint and, if given, a checkpoint trusted from outside.
func Verify(ctx context.Context, src Source, v note.Verifier, trusted *Checkpoint, now time.Time) (*Report, error) {
	var anchors []Anchor
	if trusted != nil {
		anchors = append(anchors, Anchor{Checkpoint: *trusted, What: "trusted checkpoint you supplied"})
	}
	return VerifyWith(ctx, src, v, anchors, now)
}

// Anchor is a checkpoint kept outside the database — an inspector's, or a
// witness's — that the log must still hold and extend.
type Anchor struct {
	Checkpoint
	What string // names it in a report: "checkpoint cosigned by witness W"
}

// VerifyWith is Verify with any number of checkpoints from outside.
func VerifyWith(ctx context.Context, src Source, v note.Verifier, anchors []Anchor, now time.Time) (*Report, error) {
	r := &Report{OK: true, RanAt: now}
	stored, err := src.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	cps, err := openAll(r, stored, v)
	if err != nil {
		if errors.Is(err, ErrTampered) {
			return r, nil
		}
		return nil, err
	}
	c := newChain()
	c.tree = newLeanTree()
	sizes := make([]uint64, 0, len(cps)+1)
	for _, cp := range cps {
		sizes = append(sizes, cp.Size)
	}
	for _, a := range anchors {
		sizes = append(sizes, a.Size)
	}
	c.collect(sizes...)
	err = scan(ctx, src, 1, func(it *item) error { return c.add(r, it) })
	r.Events = int64(c.tree.Size())
	r.Root = c.tree.Root()
	if err != nil {
		if errors.Is(err, ErrTampered) {
			return r, nil
		}
		return nil, err
	}
	if err := c.checkpoints(r, cps); err != nil {
		if errors.Is(err, ErrTampered) {
			return r, nil
		}
		return nil, err
	}
	for _, a := range anchors {
		if err := c.against(r, a.Checkpoint, 0, a.What); err != nil {
			if errors.Is(err, ErrTampered) {
				return r, nil
			}
			return nil, err
		}
	}
	return r, nil
}
