package domain

import (
	"strconv"
	"strings"
	"time"
)

// Review is a supervisory review: what the supervisor saw and directed.
type Review struct {
	ID         string    `json:"id"`
	By         string    `json:"by"`
	At         time.Time `json:"at"`
	Summary    string    `json:"summary"`
	Directions []string  `json:"directions,omitempty"` // each raised as an action
}

// Decision is an entry in the decision log (MIRSAP policy file): numbered,
// with when it was made and when it was written down, and by whom.
type Decision struct {
	Number     int       `json:"number"`
	Decision   string    `json:"decision"`
	Rationale  string    `json:"rationale"`
	DecidedBy  string    `json:"decided_by"`
	DecidedAt  time.Time `json:"decided_at"`
	RecordedBy string    `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// Transfer is a case moving between teams (or forces). Until accepted the
// sender stays accountable.
type Transfer struct {
	ID         string    `json:"id"`
	FromTeam   string    `json:"from_team"`
	ToTeam     string    `json:"to_team"`
	Reason     string    `json:"reason"`
	ProposedBy string    `json:"proposed_by"`
	ProposedAt time.Time `json:"proposed_at"`
	Outcome    string    `json:"outcome,omitempty"` // accepted | rejected
	DecidedBy  string    `json:"decided_by,omitempty"`
	DecidedAt  time.Time `json:"decided_at,omitzero"`
	Note       string    `json:"note,omitempty"` // rejection reason
}

// Rationale is the structured justification a closure must carry.
type Rationale struct {
	LinesConsidered string `json:"lines_considered"`
	WhyNoneRemain   string `json:"why_none_remain"`
	SuspectsStatus  string `json:"suspects_status"`
	VictimView      string `json:"victim_view"`
}

// Closure is a proposal to close and, once approved, the decision.
type Closure struct {
	ID         string    `json:"id"`
	Outcome    string    `json:"outcome"` // Home Office outcome code
	Rationale  Rationale `json:"rationale"`
	ProposedBy string    `json:"proposed_by"`
	ProposedAt time.Time `json:"proposed_at"`
	ApprovedBy string    `json:"approved_by,omitempty"`
	ApprovedAt time.Time `json:"approved_at,omitzero"`
	// VRRUntil ends the window for a Victims' Right to Review request.
	VRRUntil time.Time `json:"vrr_until,omitzero"`
	Rejected string    `json:"rejected,omitempty"` // the approver's reason for sending it back
	// RejectedBy and RejectedAt are who sent it back, and when: the
	// officer acting on it must know whom to ask.
	RejectedBy string    `json:"rejected_by,omitempty"`
	RejectedAt time.Time `json:"rejected_at,omitzero"`
}

// VRR is a victim's request for a review of a decision not to proceed.
type VRR struct {
	ID         string    `json:"id"`
	VictimID   string    `json:"victim_id"`
	At         time.Time `json:"at"`
	Late       bool      `json:"late,omitempty"`
	LateReason string    `json:"late_reason,omitempty"`
	// Grounds are what the victim says was wrong with the decision, in
	// their words, for the reviewer; a victim need not give any.
	Grounds   string    `json:"grounds,omitempty"`
	Reviewer  string    `json:"reviewer,omitempty"`
	AckAt     time.Time `json:"ack_at,omitzero"`
	Decision  string    `json:"decision,omitempty"` // upheld | not_upheld
	Reasons   string    `json:"reasons,omitempty"`
	DecidedAt time.Time `json:"decided_at,omitzero"`
}

// Finding is something the watchdog (or an auditor) found wrong with a case.
type Finding struct {
	ID       string    `json:"id"`
	Kind     string    `json:"kind"`
	Severity string    `json:"severity"`
	Detail   string    `json:"detail"`
	MustAct  string    `json:"must_act,omitempty"` // user id
	Since    time.Time `json:"since"`
	Raised   time.Time `json:"raised"`
	Resolved time.Time `json:"resolved,omitzero"`
}

// Open reports whether the closure has been proposed but not decided.
func (c *Closure) Open() bool { return c != nil && c.ApprovedAt.IsZero() && c.Rejected == "" }

// Suspect returns the suspect with id, or nil.
func (c *Case) Suspect(id string) *Suspect {
	for i := range c.Suspects {
		if c.Suspects[i].ID == id {
			return &c.Suspects[i]
		}
	}
	return nil
}

// Duty returns the duty with id, or nil.
func (c *Case) Duty(id string) *Duty {
	for i := range c.Duties {
		if c.Duties[i].ID == id {
			return &c.Duties[i]
		}
	}
	return nil
}

// HadDuty reports whether id names a duty the case opened and no longer
// holds (met or cancelled: see Case.Duties). Duty ids count the case's
// duties (duty.Reconcile).
func (c *Case) HadDuty(id string) bool {
	n, ok := strings.CutPrefix(id, c.ID+".d")
	if !ok || c.Duty(id) != nil {
		return false
	}
	i, err := strconv.Atoi(n)
	return err == nil && i >= 1 && i <= c.DutyCount && strconv.Itoa(i) == n
}

// OpenFinding returns the unresolved finding of kind, or nil.
func (c *Case) OpenFinding(kind string) *Finding {
	for i := range c.Findings {
		if c.Findings[i].Kind == kind && c.Findings[i].Resolved.IsZero() {
			return &c.Findings[i]
		}
	}
	return nil
}

// PendingVRR returns the request not yet decided, or nil.
func (c *Case) PendingVRR() *VRR {
	for i := range c.VRRs {
		if c.VRRs[i].DecidedAt.IsZero() {
			return &c.VRRs[i]
		}
	}
	return nil
}
