package ledger

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/holdfast/holdfast/internal/store"
)

// Log is the running ledger of one Holdfast instance: a tree kept in step
// with the event log (checking the chain as it grows), checkpoints cut and
// signed on schedule, proofs on request, and verification runs recorded.
type Log struct {
	st       store.Store
	signer   note.Signer // nil: this instance verifies but does not sign
	verifier note.Verifier
	now      func() time.Time

	mu        sync.Mutex
	chain     *chain
	rep       Report
	witnesses []Witness
	seals     *Seals // what the log has sealed of credentials, as far as read
}

// NewLog returns the ledger over st. signer may be nil.
func NewLog(st store.Store, signer note.Signer, verifier note.Verifier, now func() time.Time) *Log {
	return &Log{st: st, signer: signer, verifier: verifier, now: now, chain: newChain(), rep: Report{OK: true}}
}

// Origin is the log's name, as in its checkpoints.
func (l *Log) Origin() string { return l.verifier.Name() }

// Signing says whether this instance signs checkpoints.
func (l *Log) Signing() bool { return l.signer != nil }

// Verifier returns the public key's verifier.
func (l *Log) Verifier() note.Verifier { return l.verifier }

// sync appends the events written since the last call. A break in the
// chain stops the tree growing, so nothing altered is ever signed.
func (l *Log) sync(ctx context.Context) error {
	if !l.rep.OK {
		return fmt.Errorf("ledger stopped at event %d: %s: %w", l.rep.FirstBad, l.rep.Problem, ErrTampered)
	}
	from := int64(l.chain.tree.Size()) + 1
	err := scan(ctx, l.st, from, func(it *item) error { return l.chain.add(&l.rep, it) })
	if err != nil {
		if errors.Is(err, ErrTampered) {
			slog.Error("ledger: the record has been altered", "event", l.rep.FirstBad, "problem", l.rep.Problem)
		}
		return err
	}
	return nil
}

// Size is the number of events in the tree after catching up.
func (l *Log) Size(ctx context.Context) (uint64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.sync(ctx); err != nil {
		return 0, err
	}
	return l.chain.tree.Size(), nil
}

// Cut signs and stores a checkpoint of the whole log as it is now, and
// pushes it to the witnesses (SetWitnesses). A witness that refuses it is
// logged, and one that holds a longer or different history stops the
// ledger signing (the record has been rolled back); the checkpoint is
// returned either way, with whatever cosignatures came back.
func (l *Log) Cut(ctx context.Context) (*store.Checkpoint, error) {
	c, err := l.cut(ctx)
	if err != nil {
		return nil, err
	}
	if err := l.witness(ctx, c); errors.Is(err, ErrTampered) {
		l.mu.Lock()
		if l.rep.OK {
			l.rep.fail(c.Size+1, "%v", err)
		}
		l.mu.Unlock()
	}
	return c, nil
}

func (l *Log) cut(ctx context.Context) (*store.Checkpoint, error) {
	if l.signer == nil {
		return nil, fmt.Errorf("this instance has no signing key (--ledger-key)")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.sync(ctx); err != nil {
		return nil, err
	}
	if err := l.sealCredentials(ctx); err != nil {
		return nil, err
	}
	if err := l.sync(ctx); err != nil {
		return nil, err
	}
	size := l.chain.tree.Size()
	// Nothing new since the latest checkpoint (a cut after a quiet sweep,
	// or at shutdown): that checkpoint is the one of this size. Signed
	// again it would carry another time, which SaveCheckpoint (one per
	// size) does not keep, so the caller and the witnesses would be given
	// a checkpoint the database does not hold.
	last, err := l.Latest(ctx)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	if last != nil && last.Size == int64(size) {
		return last, nil
	}
	// The time is signed with the tree, and the column stored beside it is
	// the same instant: a stored time moved afterwards no longer matches.
	at := SignedTime(l.now())
	signed, err := Sign(Checkpoint{Origin: l.Origin(), Size: size, Root: l.chain.tree.Root(), Time: at}, l.signer)
	if err != nil {
		return nil, err
	}
	c := store.Checkpoint{Size: int64(size), Note: signed, Created: at}
	if err := l.st.SaveCheckpoint(ctx, c); err != nil {
		return nil, err
	}
	return &c, nil
}

// Latest returns the newest stored checkpoint.
func (l *Log) Latest(ctx context.Context) (*store.Checkpoint, error) {
	cps, err := l.st.Checkpoints(ctx)
	if err != nil {
		return nil, err
	}
	if len(cps) == 0 {
		return nil, fmt.Errorf("no checkpoint has been cut yet: %w", store.ErrNotFound)
	}
	return &cps[len(cps)-1], nil
}

// Inclusion proves event seq is in the tree of size events.
type Inclusion struct {
	Seq      int64    `json:"seq"`
	Size     uint64   `json:"tree_size"`
	LeafHash []byte   `json:"leaf_hash"`
	Proof    [][]byte `json:"proof"`
	Root     []byte   `json:"root"`
}

// Consistency proves the tree of Size1 is a prefix of the tree of Size2.
type Consistency struct {
	Size1 uint64   `json:"size1"`
	Size2 uint64   `json:"size2"`
	Root1 []byte   `json:"root1"`
	Root2 []byte   `json:"root2"`
	Proof [][]byte `json:"proof"`
}

// ErrRange marks a proof asked for beyond the log.
var ErrRange = errors.New("out of range")

// InclusionProof proves event seq (1-based) is in the tree of size events
// (0: the whole log).
func (l *Log) InclusionProof(ctx context.Context, seq int64, size uint64) (*Inclusion, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.sync(ctx); err != nil {
		return nil, err
	}
	if size == 0 {
		size = l.chain.tree.Size()
	}
	if seq < 1 || uint64(seq) > size || size > l.chain.tree.Size() {
		return nil, fmt.Errorf(
			"event %d in a tree of %d events: the log holds %d: %w",
			seq,
			size,
			l.chain.tree.Size(),
			ErrRange,
		)
	}
	p, err := l.chain.tree.InclusionProof(uint64(seq-1), size)
	if err != nil {
		return nil, err
	}
	root, _ := l.chain.tree.RootAt(size)
	return &Inclusion{Seq: seq, Size: size, LeafHash: l.chain.tree.levels[0][seq-1], Proof: p, Root: root}, nil
}

// ConsistencyProof proves the log of size1 events is a prefix of size2.
func (l *Log) ConsistencyProof(ctx context.Context, size1, size2 uint64) (*Consistency, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.sync(ctx); err != nil {
		return nil, err
	}
	if size2 == 0 {
		size2 = l.chain.tree.Size()
	}
	if size1 < 1 || size1 > size2 || size2 > l.chain.tree.Size() {
		return nil, fmt.Errorf(
			"sizes %d and %d: need 1 <= size1 <= size2 <= %d: %w",
			size1,
			size2,
			l.chain.tree.Size(),
			ErrRange,
		)
	}
	p, err := l.chain.tree.ConsistencyProof(size1, size2)
	if err != nil {
		return nil, err
	}
	r1, _ := l.chain.tree.RootAt(size1)
	r2, _ := l.chain.tree.RootAt(size2)
	return &Consistency{Size1: size1, Size2: size2, Root1: r1, Root2: r2, Proof: p}, nil
}

// VerifyAll re-reads and re-checks the whole record from scratch (not the
// cached tree) and records the outcome.
func (l *Log) VerifyAll(ctx context.Context, trusted *Checkpoint) (*Report, error) {
	var anchors []Anchor
	if trusted != nil {
		anchors = append(anchors, Anchor{Checkpoint: *trusted, What: "trusted checkpoint you supplied"})
	}
	return l.VerifyAllWith(ctx, anchors)
}

// VerifyAllWith is VerifyAll with any number of checkpoints from outside
// the database (a witness's, an inspector's).
func (l *Log) VerifyAllWith(ctx context.Context, anchors []Anchor) (*Report, error) {
	r, err := VerifyWith(ctx, l.st, l.verifier, anchors, l.now())
	if err != nil {
		return nil, err
	}
	if err := l.st.SaveLedgerRun(ctx, store.LedgerRun{RanAt: r.RanAt, OK: r.OK, Events: r.Events, FirstBad: r.FirstBad, Problem: r.Problem}); err != nil {
		return nil, err
	}
	return r, nil
}

// Status is what the ledger page shows. The latest checkpoint's figures
// are those of its signed text, and only when that text verifies with the
// force's key and the columns stored beside it agree (CheckpointVerified):
// the columns alone are the database's word, which the ledger exists not
// to take.
type Status struct {
	Origin           string `json:"origin"`
	PublicKey        string `json:"public_key"`
	TreeSize         uint64 `json:"tree_size"`
	Root             []byte `json:"root"`
	LatestCheckpoint string `json:"latest_checkpoint,omitempty"`
	// CheckpointVerified: the latest checkpoint's signature verifies and
	// the size and time stored beside it are the signed ones; otherwise
	// CheckpointProblem says why not.
	CheckpointVerified bool   `json:"checkpoint_verified"`
	CheckpointProblem  string `json:"checkpoint_problem,omitempty"`
	CheckpointSize     int64  `json:"checkpoint_size"`
	// CheckpointAt is when the checkpoint was signed, as it signed it;
	// zero for one cut before checkpoints carried their time (its time is
	// not signed, CheckpointTimeSigned false).
	CheckpointAt         time.Time        `json:"checkpoint_at,omitzero"`
	CheckpointTimeSigned bool             `json:"checkpoint_time_signed"`
	LastVerification     *store.LedgerRun `json:"last_verification,omitempty"`
	Signing              bool             `json:"signing"`
}

// Status reports the tree, the latest checkpoint and the last verification.
func (l *Log) Status(ctx context.Context, vkey string) (*Status, error) {
	l.mu.Lock()
	err := l.sync(ctx)
	s := &Status{
		Origin:    l.Origin(),
		PublicKey: vkey,
		TreeSize:  l.chain.tree.Size(),
		Root:      l.chain.tree.Root(),
		Signing:   l.signer != nil,
	}
	l.mu.Unlock()
	if err != nil && !errors.Is(err, ErrTampered) {
		return nil, err
	}
	if c, err := l.Latest(ctx); err == nil {
		s.LatestCheckpoint = string(c.Note)
		cp, err := Open(c.Note, l.verifier)
		if err != nil {
			s.CheckpointProblem = "its signature does not verify with the force's public key: it is forged or damaged"
		} else if err := Agrees(*c, cp); err != nil {
			s.CheckpointProblem = err.Error()
		} else {
			s.CheckpointVerified, s.CheckpointSize = true, int64(cp.Size)
			s.CheckpointAt, s.CheckpointTimeSigned = cp.Time, !cp.Time.IsZero()
		}
	}
	if r, err := l.st.LastLedgerRun(ctx); err == nil {
		s.LastVerification = r
	}
	return s, nil
}

// Run cuts a checkpoint whenever every events have been added or interval
// has passed with any new event, and verifies the whole record daily.
func (l *Log) Run(ctx context.Context, every uint64, interval time.Duration) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	lastCut, lastVerify := time.Now(), time.Time{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		size, err := l.Size(ctx)
		if err != nil {
			continue
		}
		latest := int64(0)
		if c, err := l.Latest(ctx); err == nil {
			latest = c.Size
		}
		pending := size - uint64(latest)
		if l.signer != nil && pending > 0 && (pending >= every || time.Since(lastCut) >= interval) {
			if _, err := l.Cut(ctx); err != nil {
				slog.Error("ledger: checkpoint", "err", err)
			}
			lastCut = time.Now()
		}
		if time.Since(lastVerify) >= 24*time.Hour {
			if r, err := l.VerifyAll(ctx, nil); err != nil {
				slog.Error("ledger: verify", "err", err)
			} else if !r.OK {
				slog.Error("ledger: the record has been altered", "event", r.FirstBad, "problem", r.Problem)
			}
			lastVerify = time.Now()
		}
	}
}
