package domain

import (
	"strings"
	"time"
)

// Audits of closed cases (../shared/domain.md §6) and national reviews of historic
// closures (§1, Operation Beaconport). An audit is force-level: its events
// carry no case id, and its state is the fold of those events (AuditState).
// What an audit does to a case — a finding, a reopening — is a case event
// on that case, so the case's own record shows it and its duties follow.

// AuditCriteria selects closed cases for triage. It is data: a force can
// write its own, and internal/audit ships presets (routine, Beaconport).
// Dates are YYYY-MM-DD, inclusive, in London time.
type AuditCriteria struct {
	Name string `json:"name"`
	// ReportedFrom/To bound when the case was reported (opened, if no
	// report date was recorded).
	ReportedFrom string `json:"reported_from,omitempty"`
	ReportedTo   string `json:"reported_to,omitempty"`
	// ClosedFrom/To bound when the case was closed: an audit's period.
	ClosedFrom string `json:"closed_from,omitempty"`
	ClosedTo   string `json:"closed_to,omitempty"`
	// Outcomes keeps only closures with one of these codes (empty: any);
	// ExcludeOutcomes drops closures with one of these codes.
	Outcomes        []string `json:"outcomes,omitempty"`
	ExcludeOutcomes []string `json:"exclude_outcomes,omitempty"`
	MinSuspects     int      `json:"min_suspects,omitempty"`
	MinVictims      int      `json:"min_victims,omitempty"`
	// OffenceTypes: at least one of the case's offence types must match
	// one of these patterns ("*" matches any run of characters).
	OffenceTypes []string `json:"offence_types,omitempty"`
	// LivingSuspect keeps cases with at least one suspect not recorded as
	// deceased.
	LivingSuspect bool `json:"living_suspect,omitempty"`
	// NotIndependentlyReviewed drops cases already reviewed independently:
	// a decided Victims' Right to Review, or a completed review in an
	// earlier audit.
	NotIndependentlyReviewed bool `json:"not_independently_reviewed,omitempty"`
	// PriorityOffences put cases with a matching offence type first in
	// the queue (Beaconport: rape allegations first).
	PriorityOffences []string `json:"priority_offences,omitempty"`
}

// RiskReason is one reason a case ranks where it does, with its weight.
type RiskReason struct {
	Code   string `json:"code"`
	Weight int    `json:"weight"`
	Detail string `json:"detail"`
}

// How a case came into an audit's sample.
const (
	DrawnRandom = "random" // the reproducible random sample: counts in the error rate
	DrawnRisk   = "risk"   // added for its risk score: reported, not counted in the rate
)

// Where an audited case stands.
const (
	AuditCaseUnassigned      = "unassigned"
	AuditCaseAssigned        = "assigned"
	AuditCaseAwaitingSignOff = "awaiting_sign_off"
	AuditCaseComplete        = "complete"
)

// Review form answers.
const (
	AccountBestPractice  = "best_practice"
	AccountBelowBest     = "below_best_practice"
	AccountNotTaken      = "not_taken"
	AccountNotApplicable = "not_applicable"

	PursuedAll        = "all"
	PursuedSome       = "some"
	PursuedNone       = "none"
	PursuedNoSuspects = "no_suspects"

	JustifiedYes    = "yes"
	JustifiedPartly = "partly"
	JustifiedNo     = "no"
)

// Finding severities, lowest first.
const (
	SeverityLow    = "low"
	SeverityMedium = "medium"
	SeverityHigh   = "high"
)

// What a finding asks to be done. Each action but none is a duty with a
// deadline on the case.
const (
	ActionNone                  = "none"
	ActionReopen                = "reopen"
	ActionProfessionalStandards = "professional_standards"
	ActionVictimContact         = "victim_contact"
)

// AuditFindingKinds are what an audit finds wrong, in the words of the
// reviews (../shared/domain.md §1).
var AuditFindingKinds = []string{
	"lines_of_enquiry_missed", // lines of enquiry identified but not followed
	"victim_account",          // victim accounts not taken to best practice
	"suspect_not_pursued",     // suspects not pursued or interviewed
	"closure_unjustified",     // closed without proper justification
	"wrong_outcome_code",      // outcome code does not fit the record
	"supervision",             // inadequate supervision: errors unnoticed
	"victim_not_updated",      // victims left without updates or support
	"safeguarding",            // a child left at risk
	"network_missed",          // links to other cases not followed
	"recording",               // wrongly marked completed or lost in the system
	"other",
}

// AuditFindingPrefix marks a case finding raised by an audit, so it is
// never mistaken for one of the watchdog's.
const AuditFindingPrefix = "audit_"

// IsAuditFinding reports whether a case finding came from an audit.
func IsAuditFinding(kind string) bool { return strings.HasPrefix(kind, AuditFindingPrefix) }

// ReviewForm is the structured review of one closed case.
type ReviewForm struct {
	// LinesMissed lists lines of enquiry that were available and not
	// followed, one per entry.
	LinesMissed      []string `json:"lines_missed,omitempty"`
	VictimAccount    string   `json:"victim_account"`    // best_practice | below_best_practice | not_taken | not_applicable
	SuspectsPursued  string   `json:"suspects_pursued"`  // all | some | none | no_suspects
	OutcomeJustified string   `json:"outcome_justified"` // yes | partly | no
	Summary          string   `json:"summary"`
}

// Concerns lists what the form itself records as wrong; empty means the
// form has no concerns.
func (f ReviewForm) Concerns() []string {
	var out []string
	if len(f.LinesMissed) > 0 {
		out = append(out, "lines of enquiry missed")
	}
	if f.VictimAccount == AccountBelowBest || f.VictimAccount == AccountNotTaken {
		out = append(out, "victim account "+strings.ReplaceAll(f.VictimAccount, "_", " "))
	}
	if f.SuspectsPursued == PursuedSome || f.SuspectsPursued == PursuedNone {
		out = append(out, "suspects pursued: "+f.SuspectsPursued)
	}
	// An unanswered question is a missing answer, refused on its own, not
	// a concern to name with an empty answer.
	if f.OutcomeJustified != JustifiedYes && f.OutcomeJustified != "" {
		out = append(out, "outcome justified: "+f.OutcomeJustified)
	}
	return out
}

// AuditFinding is something a reviewer found, with what must follow.
type AuditFinding struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Severity string `json:"severity"`
	Detail   string `json:"detail"`
	Action   string `json:"action"`
	// Accountable is who owes the action (empty for none): the duty on
	// the case is theirs.
	Accountable string `json:"accountable,omitempty"`
}

// AuditReview is a submitted review form with its findings.
type AuditReview struct {
	ID       string         `json:"id"`
	By       string         `json:"by"`
	At       time.Time      `json:"at"`
	Form     ReviewForm     `json:"form"`
	Findings []AuditFinding `json:"findings,omitempty"`
}

// NoConcerns reports whether the review found nothing wrong.
func (r *AuditReview) NoConcerns() bool {
	return len(r.Findings) == 0 && len(r.Form.Concerns()) == 0
}

// InError reports whether the review counts as an error in the audit's
// rate: the outcome not (wholly) justified, or a finding of medium or
// high severity.
func (r *AuditReview) InError() bool {
	if r.Form.OutcomeJustified != JustifiedYes {
		return true
	}
	for _, f := range r.Findings {
		if f.Severity == SeverityMedium || f.Severity == SeverityHigh {
			return true
		}
	}
	return false
}

// AuditSignOff is a second reviewer's word on a "no concerns" review.
type AuditSignOff struct {
	By    string    `json:"by"`
	At    time.Time `json:"at"`
	Agree bool      `json:"agree"`
	Note  string    `json:"note,omitempty"`
}

// AuditCase is one case in an audit: why it is there and how far its
// review has gone.
type AuditCase struct {
	CaseID   string       `json:"case_id"`
	Ref      string       `json:"ref"`
	TeamID   string       `json:"team_id"`
	Outcome  string       `json:"outcome"`
	ClosedAt time.Time    `json:"closed_at"`
	Drawn    string       `json:"drawn"` // random | risk
	Score    int          `json:"score"`
	Reasons  []RiskReason `json:"reasons,omitempty"`
	HighRisk bool         `json:"high_risk"`

	Status     string         `json:"status"`
	Reviewer   string         `json:"reviewer,omitempty"`
	AssignedAt time.Time      `json:"assigned_at,omitzero"`
	Review     *AuditReview   `json:"review,omitempty"`
	SignOffs   []AuditSignOff `json:"sign_offs,omitempty"`
	// Returned holds reviews a second reviewer sent back, oldest first.
	Returned []AuditReview `json:"returned,omitempty"`
}

// Audit is an audit plan and where it stands.
type Audit struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	ForceID   string        `json:"force_id"`
	CreatedBy string        `json:"created_by"`
	CreatedAt time.Time     `json:"created_at"`
	Criteria  AuditCriteria `json:"criteria"`
	// Margin is the stated margin of error at 95% confidence; Expected
	// the error rate assumed in sizing (0.5 when unknown: the largest n).
	Margin   float64 `json:"margin"`
	Expected float64 `json:"expected"`
	// Seed drives the random draw (docs/audits.md says how to redo it).
	Seed string `json:"seed"`
	// Population is how many closed cases met the criteria;
	// PopulationHash is SHA-256 over their sorted references, one a line.
	Population     int         `json:"population"`
	PopulationHash string      `json:"population_hash"`
	SampleSize     int         `json:"sample_size"` // the random part
	RiskTop        int         `json:"risk_top"`    // asked-for risk-ranked additions
	HighRiskScore  int         `json:"high_risk_score"`
	Cases          []AuditCase `json:"cases"`
}

// Case returns the audited case with id, or nil.
func (a *Audit) Case(caseID string) *AuditCase {
	for i := range a.Cases {
		if a.Cases[i].CaseID == caseID {
			return &a.Cases[i]
		}
	}
	return nil
}
