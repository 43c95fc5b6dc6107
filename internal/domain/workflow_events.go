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

// ActionResulted records a result. Result is what was done and found;
// Outcome and Reference came later, so an older result has neither and
// replays as what was done alone.
type ActionResulted struct {
	ActionID  string        `json:"action_id"`
	Result    string        `json:"result"`
	Outcome   ActionOutcome `json:"outcome,omitempty"`
	Reference string        `json:"reference,omitempty"`
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
	// AgreedWith is who the plan was agreed with (the victim, a parent).
	AgreedWith string `json:"agreed_with,omitempty"`
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
	// Tell is the decision the requesting victim is now owed word of;
	// "" on decisions recorded before the victim was owed it, which the
	// fold leaves as they were.
	Tell string `json:"tell,omitempty"`
}

type CaseReopened struct {
	Reason string `json:"reason"`
	Route  string `json:"route"` // supervisor | audit | vrr
	// Fresh: the reopened case's duties run from the reopening, not from
	// the dates of its first investigation (ReopenedAt). Unallocated: its
	// last owner has left, so it goes back to its team for allocation.
	// Both are false on reopenings recorded before either existed.
	Fresh       bool `json:"fresh,omitempty"`
	Unallocated bool `json:"unallocated,omitempty"`
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

func (c *Case) owe(decision string, at time.Time) {
	for i := range c.Victims {
		c.Victims[i].owe(Owed{Decision: decision, At: at})
	}
}

// owe records that v is owed word of o.
func (v *Victim) owe(o Owed) {
	n := v.NoticeDue
	switch {
	case n == nil:
		v.NoticeDue = &Notice{Decision: o.Decision, At: o.At, Each: []Owed{o}}
		return
	case len(n.Each) == 0:
		// Owed since before each date was kept: the first date
		// stands for what was owed then.
		n.Each = []Owed{{Decision: n.Decision, At: n.At}}
	}
	n.Decision += "; " + o.Decision
	n.Each = append(n.Each, o)
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
