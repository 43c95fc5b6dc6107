package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/store"
)

// ledgerReaders may see the ledger's figures and proofs: they are about
// the record's integrity, not any case, so they reveal nothing of a case.
var ledgerReaders = []domain.Role{domain.RoleAdmin, domain.RoleInspector, domain.RoleAuditor}

// ErrNoLedger means this instance runs without a ledger.
var ErrNoLedger = fmt.Errorf("this instance has no ledger key configured (serve --ledger-key): %w", ErrNotFound)

// Ledger is the ledger as people see it: every call authorised here.
type Ledger struct {
	s    *Service
	log  *ledger.Log
	vkey string
}

// Ledger returns the authorised door to the ledger, or nil when the
// instance has none.
func (s *Service) Ledger() *Ledger {
	if s.ledger == nil {
		return nil
	}
	return &Ledger{s: s, log: s.ledger, vkey: s.ledgerKey}
}

// Status is the ledger page: tree size, latest checkpoint, last verification.
func (l *Ledger) Status(ctx context.Context, a *Actor) (*ledger.Status, error) {
	if err := a.need("see the ledger", ledgerReaders...); err != nil {
		return nil, err
	}
	return l.log.Status(ctx, l.vkey)
}

// Latest is the newest signed checkpoint, with the size and time beside
// it as its signed text says them: the columns stored beside it are only
// the database's word (ledger.Status). Created is zero when the checkpoint
// signed no time or its text does not verify (the note says why to anyone
// who checks it).
func (l *Ledger) Latest(ctx context.Context, a *Actor) (*store.Checkpoint, error) {
	if err := a.need("see the ledger", ledgerReaders...); err != nil {
		return nil, err
	}
	c, err := l.log.Latest(ctx)
	if err != nil {
		return nil, err
	}
	out := &store.Checkpoint{Size: c.Size, Note: c.Note}
	if cp, err := ledger.Open(c.Note, l.log.Verifier()); err == nil {
		out.Size, out.Created = int64(cp.Size), cp.Time
	}
	return out, nil
}

// Cut signs a checkpoint now (administrators; the schedule does it too).
func (l *Ledger) Cut(ctx context.Context, a *Actor) (*store.Checkpoint, error) {
	if err := a.need("cut a checkpoint", domain.RoleAdmin); err != nil {
		return nil, err
	}
	return l.log.Cut(ctx)
}

// Inclusion proves event seq is in the tree of size events (0: all).
func (l *Ledger) Inclusion(ctx context.Context, a *Actor, seq int64, size uint64) (*ledger.Inclusion, error) {
	if err := a.need("see the ledger", ledgerReaders...); err != nil {
		return nil, err
	}
	p, err := l.log.InclusionProof(ctx, seq, size)
	return p, rangeProblem(err, "seq")
}

// Consistency proves the tree of from events is a prefix of the tree of to.
func (l *Ledger) Consistency(ctx context.Context, a *Actor, from, to uint64) (*ledger.Consistency, error) {
	if err := a.need("see the ledger", ledgerReaders...); err != nil {
		return nil, err
	}
	p, err := l.log.ConsistencyProof(ctx, from, to)
	return p, rangeProblem(err, "from")
}

// Verify re-checks the whole record against every checkpoint and records
// the run (administrators and inspectors: it is their assurance).
func (l *Ledger) Verify(ctx context.Context, a *Actor) (*ledger.Report, error) {
	if err := a.need("verify the ledger", domain.RoleAdmin, domain.RoleInspector); err != nil {
		return nil, err
	}
	return l.log.VerifyAll(ctx, nil)
}

func rangeProblem(err error, field string) error {
	if errors.Is(err, ledger.ErrRange) {
		return domain.Problems{{Field: field, Rule: "in_range", Message: err.Error()}}
	}
	if err != nil {
		return fmt.Errorf("ledger proof: %w", err)
	}
	return nil
}
