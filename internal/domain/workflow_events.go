package domain

import (
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/event"
)

// Workflow event types. Never rename one: the string is in the log forever.
const (
	EvActionAllocated    = "action.allocated"
	EvActionResulted     = "action.resulted"
	EvActionFiled        = "action.filed"
	EvActionReferredBack = "action.referred_back"
	EvActionCancelled    = "action.cancelled"
	EvContactPlanAgreed  = "victim.plan_agreed"
	EvVictimContacted    = "victim.contacted"
	EvVictimView         = "victim.view_recorded"
	EvSuspectStatus      = "suspect.status_changed"
	EvReviewRecorded     = "review.recorded"
	EvPlanSet            = "plan.set"
	EvDecisionRecorded   = "decision.recorded"
	EvTransferProposed   = "transfer.proposed"
	EvTransferAccepted   = "transfer.accepted"
	EvTransferRejected   = "transfer.rejected"
	EvClosureProposed    = "closure.proposed"
	EvClosureApproved    = "closure.approved"
	EvClosureRejected    = "closure.rejected"
	EvVRRRequested       = "vrr.requested"
	EvVRRAcknowledged    = "vrr.acknowledged"
	EvVRRDecided         = "vrr.decided"
	EvCaseReopened       = "case.reopened"
	EvDutyEscalated      = "duty.escalated"
	EvFindingRaised      = "finding.raised"
	EvFindingResolved    = "finding.resolved"
)

type ActionAllocated struct {
	ActionID string    `json:"action_id"`
	To       string    `json:"to"`
	Target   time.Time `json:"target"`
}

type ActionResulted struct {
	ActionID string `json:"action_id"`
	Result   string `json:"result"`
}

type ActionFiled struct {
	ActionID string `json:"action_id"`
}

type ActionReferredBack struct {
	ActionID  string `json:"action_id"`
	Direction string `json:"direction"`
}

type ActionCancelled struct {
	ActionID string `json:"action_id"`
	Reason   string `json:"reason"`
}

type ContactPlanAgreed struct {
	VictimID  string `json:"victim_id"`
	EveryDays int    `json:"every_days"`
	Method    string `json:"method"`
}

type VictimContacted struct {
	VictimID string  `json:"victim_id"`
	Contact  Contact `json:"contact"`
}

type VictimView struct {
	VictimID string `json:"victim_id"`
	View     string `json:"view"`
}

type SuspectStatusChanged struct {
	SuspectID   string        `json:"suspect_id"`
	Status      SuspectStatus `json:"status"`
	On          string        `json:"on"`
	Explanation string        `json:"explanation,omitempty"`
}

type ReviewRecorded struct {
	Review Review `json:"review"`
}

type PlanSet struct {
	Plan string `json:"plan"`
}

type DecisionRecorded struct {
	Decision Decision `json:"decision"`
}

type TransferProposed struct {
	Transfer Transfer `json:"transfer"`
}

type TransferDecided struct {
	ID      string `json:"id"`
	OwnerID string `json:"owner_id,omitempty"` // on acceptance
	Reason  string `json:"reason,omitempty"`   // on rejection
}

type ClosureProposed struct {
	Closure Closure `json:"closure"`
}

type ClosureApproved struct {
	ID       string    `json:"id"`
	VRRUntil time.Time `json:"vrr_until"`
}

type ClosureRejected struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
}

type VRRRequested struct {
	VRR VRR `json:"vrr"`
}

type VRRAcknowledged struct {
	ID       string `json:"id"`
	Reviewer string `json:"reviewer"`
}

type VRRDecided struct {
	ID       string `json:"id"`
	Decision string `json:"decision"`
	Reasons  string `json:"reasons"`
}

type CaseReopened struct {
	Reason string `json:"reason"`
	Route  string `json:"route"` // supervisor | audit | vrr
}

type DutyEscalated struct {
	ID     string    `json:"id"`
	Level  int       `json:"level"`
	To     string    `json:"to"` // user told
	NextAt time.Time `json:"next_at,omitzero"`
	Text   string    `json:"text"` // what the user is told
}

type FindingRaised struct {
	Finding Finding `json:"finding"`
}

type FindingResolved struct {
	ID string `json:"id"`
}

// significant events are those a supervisor must have reviewed before the
// case may close.
var significant = map[string]bool{
	EvVictimAdded: true, EvSuspectAdded: true, EvSuspectStatus: true, EvActionResulted: true, EvTransferAccepted: true,
}

// notifiable suspect statuses are key decisions a victim must be told of
// (Victims' Code Right 6, domain.md §2).
var notifiable = map[SuspectStatus]string{
	SuspectArrested: "suspect arrested", SuspectInterviewed: "suspect interviewed under caution",
	SuspectCharged: "suspect charged", SuspectNFA: "suspect released without charge",
}

func (c *Case) owe(decision string, at time.Time) {
	for i := range c.Victims {
		v := &c.Victims[i]
		if v.NoticeDue == nil {
			v.NoticeDue = &Notice{Decision: decision, At: at}
		} else {
			v.NoticeDue.Decision += "; " + decision
		}
	}
}

func (c *Case) action(e *event.Event, id string) (*Action, error) {
	if a := c.Action(id); a != nil {
		return a, nil
	}
	return nil, fmt.Errorf("event %d: action %s not on case %s", e.Seq, id, c.Ref)
}

func (c *Case) victim(e *event.Event, id string) (*Victim, error) {
	if v := c.Victim(id); v != nil {
		return v, nil
	}
	return nil, fmt.Errorf("event %d: victim %s not on case %s", e.Seq, id, c.Ref)
}

func init() {
	onCase(EvActionAllocated, func(c *Case, p ActionAllocated, e *event.Event) error {
		a, err := c.action(e, p.ActionID)
		if err != nil {
			return err
		}
		a.State, a.AllocatedTo, a.Target = ActionStateAllocated, p.To, p.Target.UTC()
		return nil
	})
	onCase(EvActionResulted, func(c *Case, p ActionResulted, e *event.Event) error {
		a, err := c.action(e, p.ActionID)
		if err != nil {
			return err
		}
		a.State, a.Result, a.ResultedBy, a.ResultedAt, a.Direction = ActionStateResulted, p.Result, e.Actor, e.At.UTC(), ""
		return nil
	})
	onCase(EvActionFiled, func(c *Case, p ActionFiled, e *event.Event) error {
		a, err := c.action(e, p.ActionID)
		if err != nil {
			return err
		}
		a.State, a.FiledBy, a.FiledAt = ActionStateFiled, e.Actor, e.At.UTC()
		return nil
	})
	onCase(EvActionReferredBack, func(c *Case, p ActionReferredBack, e *event.Event) error {
		a, err := c.action(e, p.ActionID)
		if err != nil {
			return err
		}
		a.State, a.Direction = ActionStateAllocated, p.Direction
		return nil
	})
	onCase(EvActionCancelled, func(c *Case, p ActionCancelled, e *event.Event) error {
		a, err := c.action(e, p.ActionID)
		if err != nil {
			return err
		}
		a.State, a.CancelReason = ActionStateCancelled, p.Reason
		return nil
	})
	onCase(EvContactPlanAgreed, func(c *Case, p ContactPlanAgreed, e *event.Event) error {
		v, err := c.victim(e, p.VictimID)
		if err != nil {
			return err
		}
		v.Plan = &ContactPlan{EveryDays: p.EveryDays, Method: p.Method, AgreedAt: e.At.UTC()}
		return nil
	})
	onCase(EvVictimContacted, func(c *Case, p VictimContacted, e *event.Event) error {
		v, err := c.victim(e, p.VictimID)
		if err != nil {
			return err
		}
		v.Contacts = append(v.Contacts, p.Contact)
		switch p.Contact.Kind {
		case ContactAccount:
			v.AccountTaken = true
		case ContactDecision:
			v.NoticeDue = nil
		}
		return nil
	})
	onCase(EvVictimView, func(c *Case, p VictimView, e *event.Event) error {
		v, err := c.victim(e, p.VictimID)
		if err != nil {
			return err
		}
		v.View, v.ViewAt = p.View, e.At.UTC()
		return nil
	})
	onCase(EvSuspectStatus, func(c *Case, p SuspectStatusChanged, e *event.Event) error {
		s := c.Suspect(p.SuspectID)
		if s == nil {
			return fmt.Errorf("event %d: suspect %s not on case %s", e.Seq, p.SuspectID, c.Ref)
		}
		s.Status = p.Status
		s.History = append(s.History, SuspectStep{Status: p.Status, On: p.On, By: e.Actor})
		if p.Explanation != "" {
			s.Explanation = p.Explanation
		}
		if d, ok := notifiable[p.Status]; ok {
			c.owe(d, e.At.UTC())
		}
		return nil
	})
	onCase(EvReviewRecorded, func(c *Case, p ReviewRecorded, _ *event.Event) error {
		c.Reviews = append(c.Reviews, p.Review)
		return nil
	})
	onCase(EvPlanSet, func(c *Case, p PlanSet, e *event.Event) error {
		c.Plan, c.PlanAt = p.Plan, e.At.UTC()
		return nil
	})
	onCase(EvDecisionRecorded, func(c *Case, p DecisionRecorded, _ *event.Event) error {
		c.Decisions = append(c.Decisions, p.Decision)
		return nil
	})
	onCase(EvTransferProposed, func(c *Case, p TransferProposed, _ *event.Event) error {
		t := p.Transfer
		c.Transfer = &t
		return nil
	})
	onCase(EvTransferAccepted, func(c *Case, p TransferDecided, e *event.Event) error {
		if c.Transfer == nil || c.Transfer.ID != p.ID {
			return fmt.Errorf("event %d: no pending transfer %s on case %s", e.Seq, p.ID, c.Ref)
		}
		t := *c.Transfer
		t.Outcome, t.DecidedBy, t.DecidedAt = "accepted", e.Actor, e.At.UTC()
		c.Transfers = append(c.Transfers, t)
		c.Transfer = nil
		c.TeamID, c.OwnerID, c.AllocatedAt = t.ToTeam, p.OwnerID, e.At.UTC()
		return nil
	})
	onCase(EvTransferRejected, func(c *Case, p TransferDecided, e *event.Event) error {
		if c.Transfer == nil || c.Transfer.ID != p.ID {
			return fmt.Errorf("event %d: no pending transfer %s on case %s", e.Seq, p.ID, c.Ref)
		}
		t := *c.Transfer
		t.Outcome, t.DecidedBy, t.DecidedAt, t.Note = "rejected", e.Actor, e.At.UTC(), p.Reason
		c.Transfers = append(c.Transfers, t)
		c.Transfer = nil
		return nil
	})
	onCase(EvClosureProposed, func(c *Case, p ClosureProposed, _ *event.Event) error {
		cl := p.Closure
		c.Closure = &cl
		c.Status = StatusClosureProposed
		return nil
	})
	onCase(EvClosureApproved, func(c *Case, p ClosureApproved, e *event.Event) error {
		if !c.Closure.Open() || c.Closure.ID != p.ID {
			return fmt.Errorf("event %d: no proposed closure %s on case %s", e.Seq, p.ID, c.Ref)
		}
		c.Closure.ApprovedBy, c.Closure.ApprovedAt, c.Closure.VRRUntil = e.Actor, e.At.UTC(), p.VRRUntil.UTC()
		c.Closures = append(c.Closures, *c.Closure)
		c.Status, c.ClosedAt, c.Outcome = StatusClosed, e.At.UTC(), c.Closure.Outcome
		c.owe("investigation closed (outcome "+c.Closure.Outcome+")", e.At.UTC())
		return nil
	})
	onCase(EvClosureRejected, func(c *Case, p ClosureRejected, e *event.Event) error {
		if !c.Closure.Open() || c.Closure.ID != p.ID {
			return fmt.Errorf("event %d: no proposed closure %s on case %s", e.Seq, p.ID, c.Ref)
		}
		c.Closure.Rejected = p.Reason
		c.Closures = append(c.Closures, *c.Closure)
		c.Closure = nil
		c.Status = StatusOpen
		return nil
	})
	onCase(EvVRRRequested, func(c *Case, p VRRRequested, _ *event.Event) error {
		c.VRRs = append(c.VRRs, p.VRR)
		return nil
	})
	onCase(EvVRRAcknowledged, func(c *Case, p VRRAcknowledged, e *event.Event) error {
		v := c.PendingVRR()
		if v == nil || v.ID != p.ID {
			return fmt.Errorf("event %d: no pending review request %s on case %s", e.Seq, p.ID, c.Ref)
		}
		v.AckAt, v.Reviewer = e.At.UTC(), p.Reviewer
		return nil
	})
	onCase(EvVRRDecided, func(c *Case, p VRRDecided, e *event.Event) error {
		v := c.PendingVRR()
		if v == nil || v.ID != p.ID {
			return fmt.Errorf("event %d: no pending review request %s on case %s", e.Seq, p.ID, c.Ref)
		}
		v.Decision, v.Reasons, v.DecidedAt = p.Decision, p.Reasons, e.At.UTC()
		if v.Reviewer == "" {
			v.Reviewer = e.Actor
		}
		return nil
	})
	onCase(EvCaseReopened, func(c *Case, p CaseReopened, _ *event.Event) error {
		c.Status, c.Closure, c.ClosedAt, c.Outcome = StatusOpen, nil, time.Time{}, ""
		c.Reopened++
		return nil
	})
	onCase(EvDutyEscalated, func(c *Case, p DutyEscalated, e *event.Event) error {
		d := c.Duty(p.ID)
		if d == nil {
			return fmt.Errorf("event %d: duty %s not on case %s", e.Seq, p.ID, c.Ref)
		}
		d.Escalation, d.NextAt = p.Level, p.NextAt.UTC()
		return nil
	})
	onCase(EvFindingRaised, func(c *Case, p FindingRaised, _ *event.Event) error {
		c.Findings = append(c.Findings, p.Finding)
		return nil
	})
	onCase(EvFindingResolved, func(c *Case, p FindingResolved, e *event.Event) error {
		for i := range c.Findings {
			if c.Findings[i].ID == p.ID {
				c.Findings[i].Resolved = e.At.UTC()
				return nil
			}
		}
		return fmt.Errorf("event %d: finding %s not on case %s", e.Seq, p.ID, c.Ref)
	})
}
