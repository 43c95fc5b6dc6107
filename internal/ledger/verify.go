package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"golang.org/x/mod/sumdb/note"

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
type chain struct {
	tree   *Tree
	expect int64
	prev   []byte
	buf    []byte // reused for each leaf
}

func newChain() *chain { return &chain{tree: NewTree(), expect: 1, prev: []byte{}} }

func (c *chain) add(r *Report, e *event.Event) error {
	switch {
	case e.Seq > c.expect:
		return r.fail(c.expect, "event %d is missing (removed): the log jumps from event %d to event %d", c.expect, c.expect-1, e.Seq)
	case e.Seq < c.expect:
		return r.fail(e.Seq, "event %d appears again after event %d (inserted or reordered)", e.Seq, c.expect-1)
	}
	c.buf = e.AppendLeaf(c.buf[:0])
	lh := event.LeafHash(c.buf)
	if !bytes.Equal(e.PrevHash, c.prev) {
		return r.fail(e.Seq, "event %d does not follow event %d: its link to the previous event differs (events reordered, inserted or removed here)", e.Seq, e.Seq-1)
	}
	if want := event.ChainHash(c.prev, lh); !bytes.Equal(e.Hash, want) {
		return r.fail(e.Seq, "event %d: its contents do not match its hash (altered in place)", e.Seq)
	}
	if err := c.tree.Append(lh); err != nil {
		return err
	}
	c.prev = e.Hash
	c.expect++
	return nil
}

// checkpoints checks every signed checkpoint against the recomputed tree.
// A rewrite that recomputed every hash still fails here, unless the
// attacker also holds the signing key; a trusted checkpoint kept outside
// the database (an inspector's) catches even that.
func (c *chain) checkpoints(r *Report, cps []store.Checkpoint, v note.Verifier) error {
	sort.Slice(cps, func(i, j int) bool { return cps[i].Size < cps[j].Size })
	var last uint64
	for _, sc := range cps {
		cp, err := Open(sc.Note, v)
		if err != nil {
			return r.fail(0, "checkpoint stored for tree size %d: %v (forged or damaged)", sc.Size, err)
		}
		if err := c.against(r, cp, last, "signed checkpoint"); err != nil {
			return err
		}
		last = cp.Size
		r.Checkpoints++
	}
	return nil
}

func (c *chain) against(r *Report, cp Checkpoint, after uint64, what string) error {
	if cp.Size > c.tree.Size() {
		return r.fail(int64(c.tree.Size())+1, "the log has been truncated: a %s covers %d events but the log holds only %d", what, cp.Size, c.tree.Size())
	}
	root, err := c.tree.RootAt(cp.Size)
	if err != nil {
		return err
	}
	if !bytes.Equal(root, cp.Root) {
		return r.fail(int64(after)+1, "history rewritten: the tree of the first %d events differs from the %s; the first change is among events %d to %d", cp.Size, what, after+1, cp.Size)
	}
	return nil
}

// Verify recomputes the tree from every stored event and checks it against
// every stored checkpoint and, if given, a checkpoint trusted from outside.
func Verify(ctx context.Context, src Source, v note.Verifier, trusted *Checkpoint, now time.Time) (*Report, error) {
	r := &Report{OK: true, RanAt: now}
	c := newChain()
	err := src.ScanEvents(ctx, 1, 0, func(e *event.Event) error { return c.add(r, e) })
	r.Events = int64(c.tree.Size())
	r.Root = c.tree.Root()
	if err != nil {
		if errors.Is(err, ErrTampered) {
			return r, nil
		}
		return nil, err
	}
	cps, err := src.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.checkpoints(r, cps, v); err != nil {
		if errors.Is(err, ErrTampered) {
			return r, nil
		}
		return nil, err
	}
	if trusted != nil {
		if err := c.against(r, *trusted, 0, "trusted checkpoint you supplied"); err != nil && !errors.Is(err, ErrTampered) {
			return nil, err
		}
	}
	return r, nil
}
