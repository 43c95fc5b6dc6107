package domain

import (
	"fmt"

	"github.com/holdfast/holdfast/internal/event"
)

// Audit event types. Never rename one: the string is in the log forever.
//
// The first four are force-level (no case id): an audit's own record,
// folded by AuditState. The last two are case events on the audited case.
const (
	EvAuditCreated   = "audit.created"
	EvAuditAssigned  = "audit.assigned"
	EvAuditReviewed  = "audit.reviewed"
	EvAuditSignedOff = "audit.signed_off"

	EvAuditFinding         = "audit.finding_recorded"
	EvAuditFindingAnswered = "audit.finding_answered"
)

// AuditCreated records an audit plan with its whole sample, seed and
// population hash, so the draw can be checked from the ledger alone.
type AuditCreated struct {
	Audit Audit `json:"audit"`
}

type AuditAssigned struct {
	AuditID  string `json:"audit_id"`
	CaseID   string `json:"case_id"`
	Reviewer string `json:"reviewer"`
}

type AuditReviewed struct {
	AuditID string      `json:"audit_id"`
	CaseID  string      `json:"case_id"`
	Review  AuditReview `json:"review"`
}

type AuditSignedOff struct {
	AuditID string       `json:"audit_id"`
	CaseID  string       `json:"case_id"`
	SignOff AuditSignOff `json:"sign_off"`
}

// AuditFindingRecorded puts an audit finding on the case: the case's
// record shows it, and a finding that calls for action is a duty of the
// person it names until answered.
type AuditFindingRecorded struct {
	AuditID string  `json:"audit_id"`
	Action  string  `json:"action"`
	Finding Finding `json:"finding"`
}

// AuditFindingAnswered records the answer to an audit finding: the finding
// is resolved and the answer kept as a note on the case.
type AuditFindingAnswered struct {
	FindingID string `json:"finding_id"`
	Note      Note   `json:"note"`
}

// IsAuditEvent reports whether typ is a force-level audit event.
func IsAuditEvent(typ string) bool {
	switch typ {
	case EvAuditCreated, EvAuditAssigned, EvAuditReviewed, EvAuditSignedOff:
		return true
	}
	return false
}

// AuditState is the projection of the force-level audit events.
type AuditState struct {
	Audits map[string]*Audit
	order  []string // ids in the order the audits were created
}

// NewAuditState returns the state before any audit.
func NewAuditState() *AuditState { return &AuditState{Audits: map[string]*Audit{}} }

// List returns the audits, newest first.
func (s *AuditState) List() []*Audit {
	out := make([]*Audit, 0, len(s.order))
	for i := len(s.order) - 1; i >= 0; i-- {
		out = append(out, s.Audits[s.order[i]])
	}
	return out
}

// Reviewed lists the cases with a completed review in any audit: they
// have been independently reviewed.
func (s *AuditState) Reviewed() map[string]bool {
	out := map[string]bool{}
	for _, a := range s.Audits {
		for _, c := range a.Cases {
			if c.Status == AuditCaseComplete {
				out[c.CaseID] = true
			}
		}
	}
	return out
}

func (s *AuditState) audited(e *event.Event, auditID, caseID string) (*AuditCase, error) {
	a, ok := s.Audits[auditID]
	if !ok {
		return nil, fmt.Errorf("event %d (%s): no audit %s", e.Seq, e.Type, auditID)
	}
	c := a.Case(caseID)
	if c == nil {
		return nil, fmt.Errorf("event %d (%s): case %s is not in audit %s", e.Seq, e.Type, caseID, auditID)
	}
	return c, nil
}

// ApplyAudit folds a force-level audit event into s.
func (s *AuditState) ApplyAudit(e *event.Event) error {
	switch e.Type {
	case EvAuditCreated:
		p, err := decode[AuditCreated](e)
		if err != nil {
			return err
		}
		if _, dup := s.Audits[p.Audit.ID]; dup {
			return fmt.Errorf("event %d: audit %s created twice", e.Seq, p.Audit.ID)
		}
		a := p.Audit
		a.CreatedBy, a.CreatedAt = e.Actor, e.At.UTC()
		for i := range a.Cases {
			a.Cases[i].Status = AuditCaseUnassigned
		}
		s.Audits[a.ID] = &a
		s.order = append(s.order, a.ID)
	case EvAuditAssigned:
		p, err := decode[AuditAssigned](e)
		if err != nil {
			return err
		}
		c, err := s.audited(e, p.AuditID, p.CaseID)
		if err != nil {
			return err
		}
		c.Reviewer, c.AssignedAt, c.Status = p.Reviewer, e.At.UTC(), AuditCaseAssigned
	case EvAuditReviewed:
		p, err := decode[AuditReviewed](e)
		if err != nil {
			return err
		}
		c, err := s.audited(e, p.AuditID, p.CaseID)
		if err != nil {
			return err
		}
		r := p.Review
		c.Review = &r
		if c.HighRisk && r.NoConcerns() {
			c.Status = AuditCaseAwaitingSignOff
		} else {
			c.Status = AuditCaseComplete
		}
	case EvAuditSignedOff:
		p, err := decode[AuditSignedOff](e)
		if err != nil {
			return err
		}
		c, err := s.audited(e, p.AuditID, p.CaseID)
		if err != nil {
			return err
		}
		if c.Review == nil {
			return fmt.Errorf("event %d: sign-off of case %s in audit %s without a review", e.Seq, p.CaseID, p.AuditID)
		}
		c.SignOffs = append(c.SignOffs, p.SignOff)
		if p.SignOff.Agree {
			c.Status = AuditCaseComplete
		} else {
			c.Returned = append(c.Returned, *c.Review)
			c.Review, c.Status = nil, AuditCaseAssigned
		}
	default:
		return fmt.Errorf("event %d: %q is not an audit event", e.Seq, e.Type)
	}
	return nil
}

func init() {
	onCase(EvAuditFinding, func(c *Case, p AuditFindingRecorded, _ *event.Event) error {
		c.Findings = append(c.Findings, p.Finding)
		return nil
	})
	onCase(EvAuditFindingAnswered, func(c *Case, p AuditFindingAnswered, e *event.Event) error {
		for i := range c.Findings {
			if c.Findings[i].ID == p.FindingID {
				c.Findings[i].Resolved = e.At.UTC()
				c.Notes = append(c.Notes, p.Note)
				return nil
			}
		}
		return fmt.Errorf("event %d: finding %s not on case %s", e.Seq, p.FindingID, c.Ref)
	})
}
