package service

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/policy"
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
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "transfer", "", func(c *domain.Case,
		org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		*p = append(*p, gate.Transfer(c, in.ToTeam, in.Reason, org)...)
		return []ev{{domain.EvTransferProposed, domain.TransferProposed{Transfer: domain.Transfer{ID: s.newID(),
			FromTeam: c.TeamID, ToTeam: in.ToTeam,
			Reason: strings.TrimSpace(in.Reason), ProposedBy: a.ID(), ProposedAt: now}}}}
	})
}

// decideTransfer runs an accept or reject by the receiving chain.
func (s *Service) decideTransfer(ctx context.Context, a *Actor, caseID string, version int64, name string,
	decide func(c *domain.Case, org *domain.OrgState, now time.Time, p *domain.Problems) []ev) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, name, "", func(c *domain.Case, org *domain.OrgState,
		now time.Time, p *domain.Problems) []ev {
		if c.Transfer == nil {
			return nil
		}
		return decide(c, org, now, p)
	})
}

// AcceptTransfer is the input of Service.AcceptTransfer.
type AcceptTransfer struct {
	Version int64  `json:"version"`  // the case version the officer saw
	OwnerID string `json:"owner_id"` // user id of the new owner, in the receiving team
}

// AcceptTransfer takes the case into the receiving team with a new owner.
func (s *Service) AcceptTransfer(ctx context.Context, a *Actor, caseID string,
	in AcceptTransfer) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.decideTransfer(ctx, a, caseID, in.Version, "accept-transfer", func(c *domain.Case, org *domain.OrgState,
		now time.Time, p *domain.Problems) []ev {
		u := org.Users[in.OwnerID]
		switch {
		case u == nil || !u.Active:
			p.Add("owner_id", "unknown_user", "Choose the new owner, a serving officer, from the list.")
		case !(domain.Org{Units: org.Units}).Within(c.Transfer.ToTeam, u.UnitID):
			p.Add("owner_id", "outside_team", fmt.Sprintf("%s is not in the receiving team: choose someone who is.",
				domain.PersonName(u)))
		case !u.HasRole(domain.RoleInvestigator) && !u.HasRole(domain.RoleSupervisor):
			// The owner works the case: the same rule as AssignOwner.
			p.Add("owner_id", "not_investigator", fmt.Sprintf("%s is not an investigator or supervisor, so cannot "+
				"own a case: choose someone who is.", domain.PersonName(u)))
		default: // the training gate (may_training.go)
			k := s.newCheck(a, c, org, now)
			k.trained(p, "owner_id", workOwner, u, k.owners(c.Transfer.ToTeam))
		}
		evs := []ev{{domain.EvTransferAccepted, domain.TransferDecided{ID: c.Transfer.ID, OwnerID: in.OwnerID}}}
		// A referral accepted is allocated to the new owner, as allocation
		// does: it was left a "Referral" in the new owner's hands.
		if c.Status == domain.StatusReferral {
			evs = append(evs, ev{domain.EvOwnerAssigned, domain.OwnerAssigned{OwnerID: in.OwnerID}})
		}
		return evs
	})
}

// RejectTransfer is the input of Service.RejectTransfer.
type RejectTransfer struct {
	Version int64  `json:"version"` // the case version the officer saw
	Reason  string `json:"reason"`  // why the transfer is refused (5 characters or more)
}

// RejectTransfer sends the case back, with a reason.
func (s *Service) RejectTransfer(ctx context.Context, a *Actor, caseID string,
	in RejectTransfer) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.decideTransfer(ctx, a, caseID, in.Version, "reject-transfer", func(c *domain.Case, _ *domain.OrgState,
		_ time.Time, p *domain.Problems) []ev {
		if len(strings.TrimSpace(in.Reason)) < 5 {
			p.Add("reason", "required", "Say why the transfer is refused, in a few words (5 characters or more).")
		}
		return []ev{{
			domain.EvTransferRejected,
			domain.TransferDecided{ID: c.Transfer.ID, Reason: strings.TrimSpace(in.Reason)},
		}}
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
	if err := checkInput(in); err != nil {
		return nil, err
	}
	c, err := s.ViewCase(ctx, a, ref, "closure checklist")
	if err != nil {
		return nil, err
	}
	return gate.Closure(c, gate.Proposal{Outcome: in.Outcome, Rationale: in.Rationale}, s.Policy(), s.clock.Now()), nil
}

// ClosureOutcomes are the outcomes the closure gate would accept for c now
// on the outcome alone (gate.Outcomes): the closure form offers these and
// no others. c is a case the actor has read.
func (s *Service) ClosureOutcomes(c *domain.Case) []policy.Outcome {
	return gate.Outcomes(c, s.Policy(), s.clock.Now())
}

// ProposeClosure proposes closing the case; the gate refuses it with every
// reason while any rule is broken.
func (s *Service) ProposeClosure(ctx context.Context, a *Actor, caseID string,
	in ClosureProposal) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "propose-closure", "", func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
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
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "approve-closure", "", func(c *domain.Case,
		org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		if !c.Closure.Open() {
			return nil
		}
		pol := s.Policy() // the approval rules were checked under this policy too, unless reloaded meanwhile
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
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "reject-closure", "", func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		if !c.Closure.Open() {
			return nil
		}
		reason := required(p, "reason", in.Reason, "Say what must be done before the case can close.")
		out := []ev{{domain.EvClosureRejected, domain.ClosureRejected{ID: c.Closure.ID, Reason: reason}}}
		// The officer in charge is told at once, with the reason; the duty
		// to act on it (closure_sent_back) carries it too.
		text := fmt.Sprintf("%s sent the closure of %s back: %s", domain.PersonName(&a.User), c.Ref,
			domain.Sentence(reason))
		told := map[string]bool{a.ID(): true, "": true}
		for _, to := range []string{c.OwnerID, c.Closure.ProposedBy} { // and the proposer, if someone else
			if !told[to] {
				told[to] = true
				out = append(out, ev{domain.EvAlertSent, domain.AlertSent{To: to,
					Kind: domain.AlertClosureSentBack, Text: text}})
			}
		}
		return out
	})
}

// Reopen is the input of Service.Reopen.
type Reopen struct {
	Version int64  `json:"version"` // the case version the officer saw
	Reason  string `json:"reason"`  // why the case is reopened
}

// Reopen reopens a closed case: a supervisor or an auditor, with a reason.
func (s *Service) Reopen(ctx context.Context, a *Actor, caseID string, in Reopen) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "reopen", "", func(c *domain.Case, org *domain.OrgState,
		_ time.Time, p *domain.Problems) []ev {
		route := "supervisor"
		if a.has(domain.RoleAuditor) && !a.System {
			route = "audit"
		}
		for _, x := range gate.Reopen(c, in.Reason) {
			if x.Field != "" { // the case's state was checked with the command's checks
				p.Add(x.Field, x.Rule, x.Message)
			}
		}
		return []ev{{domain.EvCaseReopened, reopening(c, org, strings.TrimSpace(in.Reason), route)}}
	})
}

// reopening is how a case reopens, by every route (a supervisor, the
// Victims' Right to Review, an audit finding): afresh, its duties running
// from the reopening; and, if its last owner is no longer serving, back to
// its team unallocated, so that the supervisor owes its allocation as for
// a new referral and nothing on it is owed by a leaver.
func reopening(c *domain.Case, org *domain.OrgState, reason, route string) domain.CaseReopened {
	u := org.Users[c.OwnerID]
	return domain.CaseReopened{Reason: reason, Route: route, Fresh: true, Unallocated: u == nil || !u.Active}
}

// RequestVRR is the input of Service.RequestVRR.
type RequestVRR struct {
	Version  int64  `json:"version"`   // the case version the officer saw
	VictimID string `json:"victim_id"` // the victim asking for the review
	// LateReason says why a request after the window is (or is not)
	// accepted; required only then.
	LateReason string `json:"late_reason,omitempty"`
	// Grounds are what the victim says was wrong with the decision, for
	// the reviewer; optional, as the Victims' Code asks no reasons.
	Grounds string `json:"grounds,omitempty"`
}

// RequestVRR records a victim's request for a review of the closure. A
// request after the window is recorded as late, with the reason it is or
// is not accepted.
func (s *Service) RequestVRR(ctx context.Context, a *Actor, caseID string, in RequestVRR) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "request-vrr", in.VictimID, func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		if c.Status != domain.StatusClosed || c.Closure == nil {
			return nil
		}
		late := now.After(c.Closure.VRRUntil)
		if late && strings.TrimSpace(in.LateReason) == "" {
			msg := fmt.Sprintf("The request is after the window closed on %s: record why it is (or is not) accepted.",
				c.Closure.VRRUntil.Format("2 Jan 2006"))
			if c.Closure.VRRUntil.IsZero() {
				msg = "The date the victim was told of the decision is not recorded, so the request cannot be " +
					"shown to be in time: record why it is (or is not) accepted."
			}
			p.Add("late_reason", "required", msg)
		}
		return []ev{
			{domain.EvVRRRequested, domain.VRRRequested{VRR: domain.VRR{ID: s.newID(), VictimID: in.VictimID, At: now,
				Late: late, LateReason: strings.TrimSpace(in.LateReason), Grounds: strings.TrimSpace(in.Grounds)}}},
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
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "acknowledge-vrr", "", func(c *domain.Case,
		org *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		v := c.PendingVRR()
		if v == nil {
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

// DecideVRR records the review's decision, which the victim who asked is
// then owed word of; an upheld review reopens the case. Only the reviewer named on acknowledgement decides (the command's
// checks, in CaseCommands).
func (s *Service) DecideVRR(ctx context.Context, a *Actor, caseID string, in DecideVRR) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "decide-vrr", "", func(c *domain.Case, org *domain.OrgState,
		_ time.Time, p *domain.Problems) []ev {
		v := c.PendingVRR()
		if v == nil {
			return nil
		}
		if in.Decision != "upheld" && in.Decision != "not_upheld" {
			p.Add("decision", "one_of", "Choose whether the review is upheld or not upheld.")
		}
		required(p, "reasons", in.Reasons, "Give the reasons, which the victim will be told.")
		// The victim who asked is owed the outcome and its reasons, upheld
		// or not (decision_notice, due as the Code allows: NoticeDeadline).
		tell := "Victims' Right to Review not upheld"
		if in.Decision == "upheld" {
			tell = "Victims' Right to Review upheld: the case is reopened"
		}
		out := []ev{{domain.EvVRRDecided, domain.VRRDecided{ID: v.ID, Decision: in.Decision,
			Reasons: strings.TrimSpace(in.Reasons), Tell: tell}}}
		if in.Decision == "upheld" {
			out = append(out, ev{domain.EvCaseReopened,
				reopening(c, org, "Victims' Right to Review upheld: "+strings.TrimSpace(in.Reasons), "vrr")})
		}
		return out
	})
}
