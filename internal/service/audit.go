package service

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// Audits of closed cases and national reviews (docs/audits.md).
//
// Who may do what: auditors run audits (triage, plan, assign) and review
// cases (a reviewer is an auditor); auditors, managers and inspectors read
// triage queues and reports. The person an audit finding names answers it,
// or a supervisor or manager in the case's chain of command.

var (
	auditors     = []domain.Role{domain.RoleAuditor}
	auditReaders = []domain.Role{domain.RoleAuditor, domain.RoleManager, domain.RoleInspector}
)

// auditMu serialises audit commands in this process. Each reads the
// committed audit events inside its write transaction, after the log head
// is locked: on PostgreSQL that lock orders writers across instances; on
// SQLite, where one process groups concurrent writes into one transaction,
// this lock keeps two audit commands out of the same group, so neither
// decides on a state the other is about to change.
var auditMu sync.Mutex

// auditState folds the force-level audit events of the record.
func (s *Service) auditState(ctx context.Context) (*domain.AuditState, error) {
	evs, err := s.forceEvents(ctx, domain.EvAuditCreated, domain.EvAuditAssigned, domain.EvAuditReviewed,
		domain.EvAuditSignedOff) // search.go: not every read the force logged
	if err != nil {
		return nil, fmt.Errorf("read audits: %w", err)
	}
	st := domain.NewAuditState()
	for _, e := range evs {
		if !domain.IsAuditEvent(e.Type) {
			continue
		}
		if err := st.ApplyAudit(e); err != nil {
			return nil, err
		}
	}
	return st, nil
}

// auditChange is what an audit command decides: the event it records on
// the audits' record and, when it bears on a sampled case, that case with
// the events the command writes on it.
type auditChange struct {
	typ     string
	payload any
	c       *domain.Case
	evs     []*event.Event
}

// auditCommand runs one audit command (auditors only) in one transaction:
// read the audits' record under auditMu, decide, record the change's event
// and fold it into the record. On the case the change names it then
// writes the change's events and the settling of each watchdog finding
// about the case's audit review that the event has ended. It returns the
// audits' record as the command left it.
func (s *Service) auditCommand(ctx context.Context, a *Actor, what string,
	decide func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) (auditChange, error),
) (*domain.AuditState, error) {
	return s.auditCommands(ctx, a, what, func(tx store.Tx, st *domain.AuditState, org *domain.OrgState,
		now time.Time) ([]auditChange, error) {
		ch, err := decide(tx, st, org, now)
		if err != nil {
			return nil, err
		}
		return []auditChange{ch}, nil
	})
}

// auditCommands is auditCommand for a command of several changes (one
// assignment a case), all decided before any is recorded and all
// recorded in the one transaction, in order.
func (s *Service) auditCommands(ctx context.Context, a *Actor, what string,
	decide func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) ([]auditChange, error),
) (*domain.AuditState, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need(what, auditors...); err != nil {
		return nil, err
	}
	auditMu.Lock()
	defer auditMu.Unlock()
	var out *domain.AuditState
	err := s.st.Write(ctx, func(tx store.Tx) error {
		org, err := tx.Org()
		if err != nil {
			return err
		}
		st, err := s.auditState(ctx)
		if err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		chs, err := decide(tx, st, org, now)
		if err != nil {
			return err
		}
		for _, ch := range chs {
			e, err := domain.NewEvent(ch.typ, a.ID(), "", now, ch.payload)
			if err != nil {
				return err
			}
			if err := tx.Append(e); err != nil {
				return err
			}
			if err := st.ApplyAudit(e); err != nil {
				return err
			}
			if ch.c == nil {
				continue
			}
			settled, err := s.settleAuditFindings(st, org, ch.c, a.ID(), now)
			if err != nil {
				return err
			}
			if evs := append(ch.evs, settled...); len(evs) > 0 {
				if _, err := s.commit(tx, ch.c, org, evs, now); err != nil {
					return fmt.Errorf("%s: %w", ch.c.Ref, err)
				}
			}
		}
		out = st
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return out, nil
}

func (a *Actor) force(org *domain.OrgState) string {
	return domain.Org{Units: org.Units}.ForceOf(a.User.UnitID)
}

// findAuditCase finds a case in an audit's sample.
func findAuditCase(
	st *domain.AuditState,
	org *domain.OrgState,
	a *Actor,
	auditID, caseID string,
) (*domain.Audit, *domain.AuditCase, error) {
	au, err := findAudit(st, org, a, auditID)
	if err != nil {
		return nil, nil, err
	}
	ac := au.Case(caseID)
	if ac == nil {
		return nil, nil, domain.Problems{
			{Field: "case", Rule: "not_in_audit", Message: fmt.Sprintf("the case is not in the sample of %s", au.Name)},
		}
	}
	return au, ac, nil
}

// findAudit returns the audit with id in the actor's force.
func findAudit(st *domain.AuditState, org *domain.OrgState, a *Actor, id string) (*domain.Audit, error) {
	au, ok := st.Audits[id]
	if !ok || (!a.System && au.ForceID != a.force(org)) {
		return nil, fmt.Errorf("audit %s: %w", id, ErrNotFound)
	}
	return au, nil
}
