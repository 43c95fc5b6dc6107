package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/store"
)

// ProposeTransfer is the input of Service.ProposeTransfer.
type ProposeTransfer struct {
	Version int64  `json:"version"` // the case version the officer saw
	ToTeam  string `json:"to_team"` // unit id of the receiving team
	Reason  string `json:"reason"`
}

// ProposeTransfer offers the case to another team. Until accepted the
// sender stays accountable, and accepting is a duty of the receiver.
func (s *Service) ProposeTransfer(ctx context.Context, a *Actor, caseID string,
	in ProposeTransfer) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, in.Version, "propose transfer", caseWriters, false, func(c *domain.Case,
		org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		*p = append(*p, gate.Transfer(c, in.ToTeam, in.Reason, org)...)
		return []ev{{domain.EvTransferProposed, domain.TransferProposed{Transfer: domain.Transfer{ID: s.newID(),
			FromTeam: c.TeamID, ToTeam: in.ToTeam,
			Reason: strings.TrimSpace(in.Reason), ProposedBy: a.ID(), ProposedAt: now}}}}
	})
}

// decideTransfer runs an accept or reject by the receiving chain.
func (s *Service) decideTransfer(ctx context.Context, a *Actor, caseID string, version int64, what string,
	decide func(c *domain.Case, org *domain.OrgState, p *domain.Problems) ev) (*domain.Case, error) {
	return s.caseCommand(
		ctx,
		a,
		caseID,
		version,
		what,
		func(tx store.Tx, c *domain.Case, org *domain.OrgState, now time.Time) ([]*event.Event, error) {
			if c.Transfer == nil {
				return nil, domain.Problems{
					{Rule: "no_transfer", Message: fmt.Sprintf("no transfer of %s is waiting", c.Ref)},
				}
			}
			if err := a.need(what, supervisors...); err != nil {
				return nil, err
			}
			if !a.inChain(org, c.Transfer.ToTeam) {
				return nil, fmt.Errorf("%s: only the receiving team's chain of command decides: %w", what, ErrForbidden)
			}
			var p domain.Problems
			out := decide(c, org, &p)
			if err := p.Err(); err != nil {
				return nil, err
			}
			e, err := domain.NewEvent(out.typ, a.ID(), c.ID, now, out.payload)
			return []*event.Event{e}, err
		},
	)
}

// AcceptTransfer is the input of Service.AcceptTransfer.
type AcceptTransfer struct {
	Version int64  `json:"version"`  // the case version the officer saw
	OwnerID string `json:"owner_id"` // user id of the new owner, in the receiving team
}

// AcceptTransfer takes the case into the receiving team with a new owner.
func (s *Service) AcceptTransfer(ctx context.Context, a *Actor, caseID string,
	in AcceptTransfer) (*domain.Case, error) {
	return s.decideTransfer(ctx, a, caseID, in.Version, "accept transfer", func(c *domain.Case, org *domain.OrgState,
		p *domain.Problems) ev {
		u := org.Users[in.OwnerID]
		switch {
		case u == nil || !u.Active:
			p.Add("owner_id", "unknown_user", fmt.Sprintf("%q is not a serving officer", in.OwnerID))
		case !(domain.Org{Units: org.Units}).Within(c.Transfer.ToTeam, u.UnitID):
			p.Add("owner_id", "outside_team", fmt.Sprintf("%s is not in the receiving team", u.Name))
		case !u.HasRole(domain.RoleInvestigator) && !u.HasRole(domain.RoleSupervisor):
			// The owner works the case: the same rule as AssignOwner.
			p.Add("owner_id", "not_investigator", fmt.Sprintf("%s is not an investigator or supervisor", u.Name))
		}
		return ev{domain.EvTransferAccepted, domain.TransferDecided{ID: c.Transfer.ID, OwnerID: in.OwnerID}}
	})
}

// RejectTransfer is the input of Service.RejectTransfer.
type RejectTransfer struct {
	Version int64  `json:"version"` // the case version the officer saw
	Reason  string `json:"reason"`  // why the transfer is rejected (5 characters or more)
}

// RejectTransfer sends the case back, with a reason.
func (s *Service) RejectTransfer(ctx context.Context, a *Actor, caseID string,
	in RejectTransfer) (*domain.Case, error) {
	return s.decideTransfer(ctx, a, caseID, in.Version, "reject transfer", func(c *domain.Case, _ *domain.OrgState,
		p *domain.Problems) ev {
		if len(strings.TrimSpace(in.Reason)) < 5 {
			p.Add("reason", "required", "say why the transfer is rejected")
		}
		return ev{
			domain.EvTransferRejected,
			domain.TransferDecided{ID: c.Transfer.ID, Reason: strings.TrimSpace(in.Reason)},
		}
	})
}

// ClosureProposal is a proposal to close a case: the input of
// Service.ProposeClosure and, without the version, of CheckClosure.
type ClosureProposal struct {
	Version   int64            `json:"version"` // the case version the officer saw
	Outcome   string           `json:"outcome"`
	Rationale domain.Rationale `json:"rationale"`
}

// CheckClosure lists every reason the case could not close now, without
// writing anything: the closure journey shows it before submit.
func (s *Service) CheckClosure(ctx context.Context, a *Actor, ref string, in ClosureProposal) (domain.Problems, error) {
	c, err := s.ViewCase(ctx, a, ref, "closure checklist")
	if err != nil {
		return nil, err
	}
	return gate.Closure(c, gate.Proposal{Outcome: in.Outcome, Rationale: in.Rationale}, s.Policy(), s.clock.Now()), nil
}

// ProposeClosure proposes closing the case; the gate refuses it with every
// reason while any rule is broken.
func (s *Service) ProposeClosure(ctx context.Context, a *Actor, caseID string,
	in ClosureProposal) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, in.Version, "propose closure", caseWriters, false, func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		if c.Closure.Open() {
			p.Add("", "already_proposed", "a closure is already waiting for approval")
		}
		if c.Status == domain.StatusReferral {
			p.Add("", "unallocated", "allocate the referral before closing it")
		}
		*p = append(
			*p,
			gate.Closure(c, gate.Proposal{Outcome: in.Outcome, Rationale: in.Rationale}, s.Policy(), now)...)
		return []ev{
			{
				domain.EvClosureProposed,
				domain.ClosureProposed{
					Closure: domain.Closure{
						ID:         s.newID(),
						Outcome:    in.Outcome,
						Rationale:  in.Rationale,
						ProposedBy: a.ID(),
						ProposedAt: now,
					},
				},
			},
		}
	})
}

// ApproveClosure is the input of Service.ApproveClosure.
type ApproveClosure struct {
	Version int64 `json:"version"` // the case version the officer saw
}

// ApproveClosure closes the case: a second person of sufficient rank. The
// victims are then owed word of it and the Right to Review window opens.
func (s *Service) ApproveClosure(ctx context.Context, a *Actor, caseID string,
	in ApproveClosure) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, in.Version, "approve closure", supervisors, false, func(c *domain.Case,
		org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		if !c.Closure.Open() {
			p.Add("", "no_proposal", fmt.Sprintf("no closure of %s is waiting for approval", c.Ref))
			return nil
		}
		pol := s.Policy() // one policy for the whole decision, even if it is reloaded meanwhile
		*p = append(*p, gate.Approval(c, &a.User, org, pol)...)
		// The gate is checked again at approval: the case may have changed.
		*p = append(
			*p,
			gate.Closure(c, gate.Proposal{Outcome: c.Closure.Outcome, Rationale: c.Closure.Rationale}, pol, now)...)
		return []ev{
			{
				domain.EvClosureApproved,
				domain.ClosureApproved{ID: c.Closure.ID, VRRUntil: pol.VRRWindow.After(now, s.cal).UTC()},
			},
		}
	})
}

// RejectClosure is the input of Service.RejectClosure.
type RejectClosure struct {
	Version int64  `json:"version"` // the case version the officer saw
	Reason  string `json:"reason"`  // what must be done before the case can close
}

// RejectClosure sends a proposed closure back with a reason.
func (s *Service) RejectClosure(ctx context.Context, a *Actor, caseID string, in RejectClosure) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, in.Version, "reject closure", supervisors, false, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		if !c.Closure.Open() {
			p.Add("", "no_proposal", fmt.Sprintf("no closure of %s is waiting for approval", c.Ref))
			return nil
		}
		required(p, "reason", in.Reason, "say what must be done before the case can close")
		return []ev{{domain.EvClosureRejected, domain.ClosureRejected{ID: c.Closure.ID,
			Reason: strings.TrimSpace(in.Reason)}}}
	})
}

// Reopen is the input of Service.Reopen.
type Reopen struct {
	Version int64  `json:"version"` // the case version the officer saw
	Reason  string `json:"reason"`  // why the case is reopened
}

// Reopen reopens a closed case: a supervisor or an auditor, with a reason.
func (s *Service) Reopen(ctx context.Context, a *Actor, caseID string, in Reopen) (*domain.Case, error) {
	return s.caseCommand(
		ctx,
		a,
		caseID,
		in.Version,
		"reopen case",
		func(tx store.Tx, c *domain.Case, org *domain.OrgState,
			now time.Time) ([]*event.Event, error) {
			route := "supervisor"
			if a.has(domain.RoleAuditor) && !a.System {
				route = "audit"
			} else if err := a.mayWrite(org, c, "reopening a case", supervisors...); err != nil {
				return nil, err
			}
			if err := gate.Reopen(c, in.Reason).Err(); err != nil {
				return nil, err
			}
			e, err := domain.NewEvent(domain.EvCaseReopened, a.ID(), c.ID, now,
				domain.CaseReopened{Reason: strings.TrimSpace(in.Reason), Route: route})
			return []*event.Event{e}, err
		},
	)
}

// RequestVRR is the input of Service.RequestVRR.
type RequestVRR struct {
	Version  int64  `json:"version"`   // the case version the officer saw
	VictimID string `json:"victim_id"` // the victim asking for the review
	// LateReason says why a request after the window is (or is not)
	// accepted; required only then.
	LateReason string `json:"late_reason,omitempty"`
}

// RequestVRR records a victim's request for a review of the closure. A
// request after the window is recorded as late, with the reason it is or
// is not accepted.
func (s *Service) RequestVRR(ctx context.Context, a *Actor, caseID string, in RequestVRR) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, in.Version, "record review request", liaison, true, func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		findVictim(c, in.VictimID, p)
		if c.Status != domain.StatusClosed || c.Closure == nil {
			p.Add(
				"",
				"not_closed",
				"a Victims' Right to Review applies to a decision to close: this case is not closed",
			)
			return nil
		}
		if c.PendingVRR() != nil {
			p.Add("", "pending", "a review request is already open on this case")
		}
		late := now.After(c.Closure.VRRUntil)
		if late && strings.TrimSpace(in.LateReason) == "" {
			p.Add(
				"late_reason",
				"required",
				fmt.Sprintf(
					"the request is after the window closed on %s: record why it is (or is not) accepted",
					c.Closure.VRRUntil.Format("2 Jan 2006"),
				),
			)
		}
		return []ev{
			{domain.EvVRRRequested, domain.VRRRequested{VRR: domain.VRR{ID: s.newID(), VictimID: in.VictimID, At: now,
				Late: late, LateReason: strings.TrimSpace(in.LateReason)}}},
		}
	})
}

// AcknowledgeVRR is the input of Service.AcknowledgeVRR.
type AcknowledgeVRR struct {
	Version  int64  `json:"version"`  // the case version the officer saw
	Reviewer string `json:"reviewer"` // user id: senior to the decision-maker, not involved
}

// AcknowledgeVRR acknowledges the request and names the reviewer, who must
// be senior to the decision-maker and not involved (enforced).
func (s *Service) AcknowledgeVRR(ctx context.Context, a *Actor, caseID string,
	in AcknowledgeVRR) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, in.Version, "acknowledge review request", supervisors, true, func(c *domain.Case,
		org *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		v := c.PendingVRR()
		if v == nil {
			p.Add("", "no_request", "no review request is waiting")
			return nil
		}
		// The reviewer decides, so must be able to: a read-only role never does.
		u := namedWorker(p, org, c.TeamID, c.Ref, in.Reviewer, "reviewer", "review the closure", supervisors...)
		if u == nil {
			return nil
		}
		*p = append(*p, gate.VRRReviewer(c, u, org)...)
		return []ev{{domain.EvVRRAcknowledged, domain.VRRAcknowledged{ID: v.ID, Reviewer: in.Reviewer}}}
	})
}

// DecideVRR is the input of Service.DecideVRR.
type DecideVRR struct {
	Version  int64  `json:"version"`  // the case version the officer saw
	Decision string `json:"decision"` // upheld | not_upheld
	Reasons  string `json:"reasons"`  // the reasons, which the victim will be told
}

// DecideVRR records the review's decision; an upheld review reopens the case.
func (s *Service) DecideVRR(ctx context.Context, a *Actor, caseID string, in DecideVRR) (*domain.Case, error) {
	return s.caseCommand(ctx, a, caseID, in.Version, "decide review request", func(tx store.Tx, c *domain.Case,
		org *domain.OrgState, now time.Time) ([]*event.Event, error) {
		var p domain.Problems
		v := c.PendingVRR()
		if v == nil {
			return nil, domain.Problems{{Rule: "no_request", Message: "no review request is waiting"}}
		}
		// Only the reviewer named on acknowledgement decides, and only while
		// they may still write to the case: seeing a closed case is not enough.
		if err := a.mayWrite(org, c, "deciding a review request", supervisors...); err != nil {
			return nil, err
		}
		if v.Reviewer == "" {
			return nil, domain.Problems{{Rule: "not_acknowledged",
				Message: "acknowledge the review request and name its reviewer first: only that reviewer decides"}}
		}
		if v.Reviewer != a.ID() {
			return nil, fmt.Errorf("decide review request: the named reviewer decides: %w", ErrForbidden)
		}
		p = append(p, gate.VRRReviewer(c, &a.User, org)...)
		if in.Decision != "upheld" && in.Decision != "not_upheld" {
			p.Add("decision", "one_of", "decision must be upheld or not_upheld")
		}
		required(&p, "reasons", in.Reasons, "give the reasons, which the victim will be told")
		if err := p.Err(); err != nil {
			return nil, err
		}
		e, err := domain.NewEvent(
			domain.EvVRRDecided,
			a.ID(),
			c.ID,
			now,
			domain.VRRDecided{ID: v.ID, Decision: in.Decision,
				Reasons: strings.TrimSpace(in.Reasons)},
		)
		if err != nil {
			return nil, err
		}
		evs := []*event.Event{e}
		if in.Decision == "upheld" {
			r, err := domain.NewEvent(
				domain.EvCaseReopened,
				a.ID(),
				c.ID,
				now,
				domain.CaseReopened{
					Reason: "Victims' Right to Review upheld: " + strings.TrimSpace(in.Reasons),
					Route:  "vrr",
				},
			)
			if err != nil {
				return nil, err
			}
			evs = append(evs, r)
		}
		return evs, nil
	})
}
