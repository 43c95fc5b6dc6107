package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store"
)

// Who may approve a closure turns on accreditations (duty.MayApprove), but
// the approval duty is routed when the case changes. An accreditation
// granted, withdrawn or lapsed while a closure waits would leave the duty
// on someone the approve command now refuses, or pass by the officer it
// should now fall to, until the case next changed. rerouteApprovals moves
// each such duty at once, as a write to the case: the duty is cancelled as
// owed by someone else and opened on the approver the rule now names.

// rerouter writes the re-routes: the change that caused them is the
// actor's, but reading every waiting closure is the system's.
var rerouter = SystemActor("duties")

// rerouteApprovals re-routes the closure approvals waiting for a decision
// whose approver, by the rule as it stands now, is not the officer the
// duty is on. by is who caused it, named on the events; unless it is the
// system, the new approver is alerted.
func (s *Service) rerouteApprovals(ctx context.Context, by string) error {
	pol := s.Policy()
	if len(pol.Training.Requirements) == 0 {
		return nil // accreditations decide nobody's approval
	}
	rows, err := s.st.ListCases(ctx, store.CaseFilter{Status: []domain.Status{domain.StatusClosureProposed},
		Limit: 10000})
	if err != nil {
		return fmt.Errorf("re-route approvals: %w", err)
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return err
	}
	for _, r := range rows {
		c, err := s.st.Case(ctx, r.ID)
		if err != nil {
			return err
		}
		if _, moves := approvalMove(c, org, pol, s.clock.Now().UTC()); !moves {
			continue
		}
		_, err = s.onCase(ctx, rerouter, r.ID, "re-route the approval of "+r.Ref,
			func(_ store.Tx, c *domain.Case, org *domain.OrgState, now time.Time) ([]*event.Event, error) {
				to, moves := approvalMove(c, org, pol, now)
				if !moves {
					return nil, nil
				}
				// Routed as at now: the duty events make now the case's
				// last change, the time every later reconcile routes by.
				cp := *c
				cp.UpdatedAt = now
				evs, err := s.dutyRules().Reconcile(&cp, org, by, now)
				if err != nil || strings.HasPrefix(by, "system:") {
					return evs, err
				}
				alert, err := rerouteAlert(c, by, to, now, evs)
				return append(evs, alert...), err
			})
		if err != nil {
			return fmt.Errorf("re-route the approval of %s: %w", r.Ref, err)
		}
	}
	return nil
}

// approvalMove is who c's waiting approval falls to by the rule at now,
// and whether that is not who holds it.
func approvalMove(c *domain.Case, org *domain.OrgState, pol *policy.Policy, now time.Time) (string, bool) {
	if c.Status != domain.StatusClosureProposed || !c.Closure.Open() {
		return "", false
	}
	to := duty.Approver(org, c, pol, now)
	for _, d := range c.Duties {
		if d.Status == domain.DutyOpen && d.Kind == duty.ClosureApproval {
			return to, d.Accountable != to
		}
	}
	return "", false
}

// rerouteAlert tells the officer a re-routed approval now falls to.
func rerouteAlert(c *domain.Case, by, to string, now time.Time, evs []*event.Event) ([]*event.Event, error) {
	opened, err := dutiesOpened(evs) // duties.go
	if err != nil {
		return nil, err
	}
	var dutyID string
	for _, d := range opened {
		if d.Kind == duty.ClosureApproval {
			dutyID = d.ID
		}
	}
	if dutyID == "" || to == "" || to == by {
		return nil, nil
	}
	text := fmt.Sprintf("%s: %s — outcome %s, now yours to decide: an accreditation changed who may approve it.",
		c.Ref, domain.DutyKindLabel(duty.ClosureApproval), c.Closure.Outcome)
	e, err := domain.NewEvent(domain.EvAlertSent, by, c.ID, now,
		domain.AlertSent{To: to, Kind: domain.AlertDecision, Text: text, ID: dutyID})
	if err != nil {
		return nil, err
	}
	return []*event.Event{e}, nil
}
