package domain

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
