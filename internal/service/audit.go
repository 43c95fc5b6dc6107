package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/gate"
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
	evs, err := s.st.CaseEvents(ctx, "")
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

// auditWrite runs one audit command in one transaction.
func (s *Service) auditWrite(ctx context.Context, a *Actor, what string, roles []domain.Role,
	fn func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) error) error {
	if a == nil {
		return ErrUnauthenticated
	}
	if err := a.need(what, roles...); err != nil {
		return err
	}
	auditMu.Lock()
	defer auditMu.Unlock()
	err := s.st.Write(ctx, func(tx store.Tx) error {
		org, err := tx.Org()
		if err != nil {
			return err
		}
		st, err := s.auditState(ctx)
		if err != nil {
			return err
		}
		return fn(tx, st, org, s.clock.Now().UTC())
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func (a *Actor) force(org *domain.OrgState) string {
	return domain.Org{Units: org.Units}.ForceOf(a.User.UnitID)
}

// findAudit returns the audit with id in the actor's force.
// findAuditCase finds a case in an audit's sample.
func findAuditCase(st *domain.AuditState, org *domain.OrgState, a *Actor, auditID, caseID string) (*domain.Audit, *domain.AuditCase, error) {
	au, err := findAudit(st, org, a, auditID)
	if err != nil {
		return nil, nil, err
	}
	ac := au.Case(caseID)
	if ac == nil {
		return nil, nil, domain.Problems{{Field: "case", Rule: "not_in_audit", Message: fmt.Sprintf("the case is not in the sample of %s", au.Name)}}
	}
	return au, ac, nil
}

func findAudit(st *domain.AuditState, org *domain.OrgState, a *Actor, id string) (*domain.Audit, error) {
	au, ok := st.Audits[id]
	if !ok || (!a.System && au.ForceID != a.force(org)) {
		return nil, fmt.Errorf("audit %s: %w", id, ErrNotFound)
	}
	return au, nil
}

// TriageRequest asks for a ranked queue: a preset, or criteria of one's own.
type TriageRequest struct {
	Preset   string                `json:"preset,omitempty"`   // routine | beaconport (default: beaconport)
	Criteria *domain.AuditCriteria `json:"criteria,omitempty"` // instead of a preset
	Limit    int                   `json:"limit,omitempty"`    // entries returned (default 100, at most 10000)
}

// TriageResult is a ranked queue of closed cases, each with its reasons.
type TriageResult struct {
	AsOf     time.Time            `json:"as_of"`
	Criteria domain.AuditCriteria `json:"criteria"`
	Model    audit.Model          `json:"model"`
	Summary  audit.Summary        `json:"summary"`
	Total    int                  `json:"total"` // the whole queue; Queue may be cut at the limit
	Queue    []audit.Entry        `json:"queue"`
}

func (s *Service) criteria(preset string, cr *domain.AuditCriteria, dflt string) (domain.AuditCriteria, domain.Problems) {
	var p domain.Problems
	switch {
	case cr != nil && preset != "":
		p.Add("preset", "one_of", "give a preset or criteria, not both")
	case cr != nil:
		p = append(p, audit.Validate(*cr, s.Policy())...)
		return *cr, p
	}
	if preset == "" {
		preset = dflt
	}
	c, ok := audit.Preset(preset)
	if !ok {
		p.Add("preset", "one_of", fmt.Sprintf("preset must be %q or %q", audit.PresetRoutine, audit.PresetBeaconport))
	}
	return c, p
}

// triage streams every case the actor may see in their force through the
// criteria and the risk model.
func (s *Service) triage(ctx context.Context, a *Actor, org *domain.OrgState, cr domain.AuditCriteria, reviewed map[string]bool) ([]audit.Entry, audit.Summary, error) {
	t := audit.NewTriage(cr, audit.DefaultModel(), audit.Env{Policy: s.Policy(), Org: org}, reviewed)
	force := a.force(org)
	o := domain.Org{Units: org.Units}
	err := s.st.ScanCases(ctx, func(c *domain.Case) error {
		if a.CanSee(org, c) && (a.System || o.ForceOf(c.TeamID) == force) {
			t.Add(c)
		}
		return nil
	})
	if err != nil {
		return nil, audit.Summary{}, err
	}
	q, sum := t.Queue()
	return q, sum, nil
}

// Triage ranks the closed cases that meet the criteria by risk, each with
// the reasons for its place. It writes nothing.
func (s *Service) Triage(ctx context.Context, a *Actor, in TriageRequest) (*TriageResult, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("triage closed cases", auditReaders...); err != nil {
		return nil, err
	}
	cr, p := s.criteria(in.Preset, in.Criteria, audit.PresetBeaconport)
	if in.Limit < 0 || in.Limit > 10000 {
		p.Add("limit", "range", "limit must be between 1 and 10000")
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.auditState(ctx)
	if err != nil {
		return nil, err
	}
	q, sum, err := s.triage(ctx, a, org, cr, st.Reviewed())
	if err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	limit := in.Limit
	if limit == 0 {
		limit = 100
	}
	out := &TriageResult{AsOf: s.clock.Now().UTC(), Criteria: cr, Model: audit.DefaultModel(), Summary: sum, Total: len(q), Queue: q}
	if len(out.Queue) > limit {
		out.Queue = out.Queue[:limit]
	}
	return out, nil
}

// NewAudit plans an audit: the closed cases meeting the criteria in the
// period are the population; a random sample sized for the margin of error
// is drawn with the seed, and the riskiest cases not drawn are added.
type NewAudit struct {
	Name     string                `json:"name"`
	Preset   string                `json:"preset,omitempty"`   // routine (default) | beaconport
	Criteria *domain.AuditCriteria `json:"criteria,omitempty"` // instead of a preset
	// ClosedFrom/To, YYYY-MM-DD inclusive: the period audited. They
	// override the criteria's.
	ClosedFrom string `json:"closed_from,omitempty"`
	ClosedTo   string `json:"closed_to,omitempty"`
	// Margin is the margin of error wanted at 95% confidence: 0.05 for ±5%.
	Margin float64 `json:"margin"`
	// Expected is the error rate assumed in sizing (default 0.5, the most
	// cautious).
	Expected float64 `json:"expected,omitempty"`
	// Seed drives the draw; empty: a fresh random seed. Either way it is
	// recorded, so anyone can redo the draw.
	Seed string `json:"seed,omitempty"`
	// RiskTop adds this many of the highest-scoring cases not drawn.
	RiskTop int `json:"risk_top,omitempty"`
	// HighRiskScore: from this score a "no concerns" review needs a
	// second reviewer (default: the risk model's).
	HighRiskScore int `json:"high_risk_score,omitempty"`
}

func newSeed() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func printable(s string) bool {
	for _, r := range s {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// CreateAudit records an audit plan with its sample as one event in the
// ledger (auditors).
func (s *Service) CreateAudit(ctx context.Context, a *Actor, in NewAudit) (*domain.Audit, error) {
	var out *domain.Audit
	err := s.auditWrite(ctx, a, "create audit", auditors, func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) error {
		cr, p := s.criteria(in.Preset, in.Criteria, audit.PresetRoutine)
		if in.ClosedFrom != "" {
			cr.ClosedFrom = in.ClosedFrom
		}
		if in.ClosedTo != "" {
			cr.ClosedTo = in.ClosedTo
		}
		if in.ClosedFrom != "" || in.ClosedTo != "" {
			for _, x := range audit.Validate(domain.AuditCriteria{ClosedFrom: cr.ClosedFrom, ClosedTo: cr.ClosedTo}, nil) {
				x.Field = strings.TrimPrefix(x.Field, "criteria.")
				p = append(p, x)
			}
		}
		name := strings.TrimSpace(in.Name)
		if name == "" || len(name) > 200 {
			p.Add("name", "required", "name the audit (at most 200 characters), e.g. \"Q1 2026 closures\"")
		}
		if !(in.Margin > 0 && in.Margin <= 0.5) {
			p.Add("margin", "range", "give the margin of error as a fraction greater than 0 and at most 0.5 (0.05 for ±5%)")
		}
		expected := in.Expected
		if expected == 0 {
			expected = 0.5
		}
		if !(expected > 0 && expected < 1) {
			p.Add("expected", "range", "the expected error rate is a fraction between 0 and 1 (0.5 if unknown)")
		}
		if in.RiskTop < 0 || in.RiskTop > 10000 {
			p.Add("risk_top", "range", "risk_top must be between 0 and 10000")
		}
		high := in.HighRiskScore
		if high == 0 {
			high = audit.DefaultModel().HighRisk
		}
		if high < 0 {
			p.Add("high_risk_score", "range", "high_risk_score cannot be negative")
		}
		seed := in.Seed
		if seed == "" {
			seed = newSeed()
		}
		if len(seed) > 128 || !printable(seed) {
			p.Add("seed", "format", "the seed is at most 128 printable characters")
		}
		if err := p.Err(); err != nil {
			return err
		}
		q, _, err := s.triage(ctx, a, org, cr, st.Reviewed())
		if err != nil {
			return err
		}
		if len(q) == 0 {
			return domain.Problems{{Field: "criteria", Rule: "empty_population", Message: "no closed case you may see meets the criteria in the period: nothing to audit"}}
		}
		refs := make([]string, len(q))
		for i, e := range q {
			refs[i] = e.Ref
		}
		n := audit.SampleSize(len(q), in.Margin, expected)
		au := domain.Audit{ID: s.newID(), Name: name, ForceID: a.force(org), Criteria: cr, Margin: in.Margin, Expected: expected,
			Seed: seed, Population: len(q), PopulationHash: audit.PopulationHash(refs), SampleSize: n, RiskTop: in.RiskTop, HighRiskScore: high}
		for _, pk := range audit.Plan(q, seed, n, in.RiskTop) {
			au.Cases = append(au.Cases, domain.AuditCase{CaseID: pk.CaseID, Ref: pk.Ref, TeamID: pk.TeamID, Outcome: pk.Outcome, ClosedAt: pk.ClosedAt,
				Drawn: pk.Drawn, Score: pk.Score, Reasons: pk.Reasons, HighRisk: high > 0 && pk.Score >= high})
		}
		e, err := domain.NewEvent(domain.EvAuditCreated, a.ID(), "", now, domain.AuditCreated{Audit: au})
		if err != nil {
			return err
		}
		if err := tx.Append(e); err != nil {
			return err
		}
		if err := st.ApplyAudit(e); err != nil {
			return err
		}
		out = st.Audits[au.ID]
		return nil
	})
	return out, err
}

// formerOwners lists everyone who has owned the case, from its log.
func (s *Service) formerOwners(ctx context.Context, caseID string) ([]string, error) {
	evs, err := s.st.CaseEvents(ctx, caseID)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range evs {
		var owner string
		switch e.Type {
		case domain.EvOwnerAssigned:
			var p domain.OwnerAssigned
			if json.Unmarshal(e.Payload, &p) == nil {
				owner = p.OwnerID
			}
		case domain.EvTransferAccepted:
			var p domain.TransferDecided
			if json.Unmarshal(e.Payload, &p) == nil {
				owner = p.OwnerID
			}
		}
		if owner != "" && !contains(out, owner) {
			out = append(out, owner)
		}
	}
	return out, nil
}

// checkReviewer lists every reason u may not review case c in audit au.
func (s *Service) checkReviewer(ctx context.Context, org *domain.OrgState, au *domain.Audit, c *domain.Case, u *domain.User, p *domain.Problems) error {
	if u == nil || !u.Active {
		p.Add("reviewer", "unknown_user", "the reviewer is not a serving member of the force")
		return nil
	}
	if !u.HasRole(domain.RoleAuditor) {
		p.Add("reviewer", "not_auditor", fmt.Sprintf("%s is not an auditor: reviewers must hold the auditor role", u.Name))
	}
	if (domain.Org{Units: org.Units}).ForceOf(u.UnitID) != au.ForceID {
		p.Add("reviewer", "other_force", fmt.Sprintf("%s is not in the audited force", u.Name))
	}
	former, err := s.formerOwners(ctx, c.ID)
	if err != nil {
		return err
	}
	*p = append(*p, audit.Conflicts(c, u, former)...)
	return nil
}

// AssignReview gives a sampled case to a reviewer. The reviewer must be an
// auditor with no hand in the case: every conflict is listed in the refusal.
func (s *Service) AssignReview(ctx context.Context, a *Actor, auditID, caseID, reviewerID string) (*domain.AuditCase, error) {
	var out *domain.AuditCase
	err := s.auditWrite(ctx, a, "assign audit review", auditors, func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) error {
		au, ac, err := findAuditCase(st, org, a, auditID, caseID)
		if err != nil {
			return err
		}
		c, err := tx.Case(caseID)
		if err != nil {
			return err
		}
		var p domain.Problems
		switch ac.Status {
		case domain.AuditCaseComplete:
			p.Add("case", "review_complete", fmt.Sprintf("the review of %s is complete", ac.Ref))
		case domain.AuditCaseAwaitingSignOff:
			p.Add("case", "awaiting_sign_off", fmt.Sprintf("the review of %s is waiting for a second reviewer's sign-off", ac.Ref))
		}
		if ac.Reviewer == reviewerID && ac.Status == domain.AuditCaseAssigned {
			p.Add("reviewer", "already_assigned", "the case is already assigned to this reviewer")
		}
		if err := s.checkReviewer(ctx, org, au, c, org.Users[reviewerID], &p); err != nil {
			return err
		}
		if err := p.Err(); err != nil {
			return err
		}
		e, err := domain.NewEvent(domain.EvAuditAssigned, a.ID(), "", now, domain.AuditAssigned{AuditID: au.ID, CaseID: caseID, Reviewer: reviewerID})
		if err != nil {
			return err
		}
		if err := tx.Append(e); err != nil {
			return err
		}
		if err := st.ApplyAudit(e); err != nil {
			return err
		}
		// A review reassigned is owed afresh: the overdue one is settled.
		if err := s.commitAuditSettled(tx, st, org, c, a.ID(), now); err != nil {
			return err
		}
		out = st.Audits[au.ID].Case(caseID)
		return nil
	})
	return out, err
}

// NewAuditFinding is a finding a reviewer records.
type NewAuditFinding struct {
	Kind     string `json:"kind"`     // one of domain.AuditFindingKinds
	Severity string `json:"severity"` // low | medium | high
	Detail   string `json:"detail"`
	// Action: none | reopen | professional_standards | victim_contact.
	Action string `json:"action,omitempty"`
}

// ReviewSubmission is the review form with its findings.
type ReviewSubmission struct {
	Form     domain.ReviewForm `json:"form"`
	Findings []NewAuditFinding `json:"findings,omitempty"`
}

var (
	accountAnswers   = []string{domain.AccountBestPractice, domain.AccountBelowBest, domain.AccountNotTaken, domain.AccountNotApplicable}
	pursuedAnswers   = []string{domain.PursuedAll, domain.PursuedSome, domain.PursuedNone, domain.PursuedNoSuspects}
	justifiedAnswers = []string{domain.JustifiedYes, domain.JustifiedPartly, domain.JustifiedNo}
	severities       = []string{domain.SeverityLow, domain.SeverityMedium, domain.SeverityHigh}
	findingActions   = []string{domain.ActionNone, domain.ActionReopen, domain.ActionProfessionalStandards, domain.ActionVictimContact}
)

func checkForm(f domain.ReviewForm, c *domain.Case, p *domain.Problems) {
	oneOf := func(field, v string, allowed []string) {
		if !contains(allowed, v) {
			p.Add(field, "one_of", fmt.Sprintf("%s must be one of %v", field[strings.LastIndex(field, ".")+1:], allowed))
		}
	}
	oneOf("form.victim_account", f.VictimAccount, accountAnswers)
	oneOf("form.suspects_pursued", f.SuspectsPursued, pursuedAnswers)
	oneOf("form.outcome_justified", f.OutcomeJustified, justifiedAnswers)
	if len(strings.TrimSpace(f.Summary)) < 10 {
		p.Add("form.summary", "required", "summarise what the review found (at least a sentence)")
	}
	for i, l := range f.LinesMissed {
		if strings.TrimSpace(l) == "" {
			p.Add(fmt.Sprintf("form.lines_missed[%d]", i), "required", "a missed line of enquiry is empty")
		}
	}
	if f.SuspectsPursued == domain.PursuedNoSuspects && len(c.Suspects) > 0 {
		p.Add("form.suspects_pursued", "suspects_recorded", fmt.Sprintf("the case records %d suspect(s): say whether they were pursued", len(c.Suspects)))
	}
}

// accountable is who owes the action a finding calls for.
func (s *Service) accountable(org *domain.OrgState, c *domain.Case, action string) string {
	switch action {
	case domain.ActionReopen:
		return duty.Supervisor(org, c.TeamID)
	case domain.ActionProfessionalStandards:
		return duty.Manager(org, c.TeamID, s.Policy().Escalation.ManagerMinRank)
	case domain.ActionVictimContact:
		if u, ok := org.Users[c.OwnerID]; ok && u.Active {
			return u.ID
		}
		return duty.Supervisor(org, c.TeamID)
	}
	return ""
}

var actionText = map[string]string{
	domain.ActionReopen:                "the case is reopened: direct the reinvestigation and answer the finding",
	domain.ActionProfessionalStandards: "refer the matter to the professional standards department and answer the finding",
	domain.ActionVictimContact:         "contact the victim as the audit recommends and answer the finding",
}

// SubmitReview records the assigned reviewer's form and findings. In the
// same transaction each finding is put on the case — one that calls for
// action becomes a duty with a deadline of the person it names — and a
// finding that calls for it reopens the case by the workflow's audit route.
// A "no concerns" review of a high-risk case waits for a second reviewer.
func (s *Service) SubmitReview(ctx context.Context, a *Actor, auditID, caseID string, in ReviewSubmission) (*domain.AuditCase, error) {
	var out *domain.AuditCase
	err := s.auditWrite(ctx, a, "submit audit review", auditors, func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) error {
		au, ac, err := findAuditCase(st, org, a, auditID, caseID)
		if err != nil {
			return err
		}
		if ac.Reviewer != a.ID() {
			return fmt.Errorf("only the reviewer the case is assigned to submits its review: %w", ErrForbidden)
		}
		c, err := tx.Case(caseID)
		if err != nil {
			return err
		}
		if !a.CanSee(org, c) {
			return ErrNotFound
		}
		var p domain.Problems
		if ac.Status != domain.AuditCaseAssigned {
			p.Add("case", "not_assigned", fmt.Sprintf("the review of %s is %s", ac.Ref, strings.ReplaceAll(ac.Status, "_", " ")))
		}
		// Involvement since the assignment still disqualifies.
		if err := s.checkReviewer(ctx, org, au, c, &a.User, &p); err != nil {
			return err
		}
		checkForm(in.Form, c, &p)
		rev := domain.AuditReview{ID: s.newID(), By: a.ID(), At: now, Form: in.Form}
		rev.Form.Summary = strings.TrimSpace(rev.Form.Summary)
		var reopen []string
		for i, f := range in.Findings {
			field := fmt.Sprintf("findings[%d]", i)
			if !contains(domain.AuditFindingKinds, f.Kind) {
				p.Add(field+".kind", "one_of", fmt.Sprintf("kind must be one of %v", domain.AuditFindingKinds))
			}
			if !contains(severities, f.Severity) {
				p.Add(field+".severity", "one_of", fmt.Sprintf("severity must be one of %v", severities))
			}
			if len(strings.TrimSpace(f.Detail)) < 10 {
				p.Add(field+".detail", "required", "say what was found (at least a sentence)")
			}
			if f.Action == "" {
				f.Action = domain.ActionNone
			}
			if !contains(findingActions, f.Action) {
				p.Add(field+".action", "one_of", fmt.Sprintf("action must be one of %v", findingActions))
			}
			who := s.accountable(org, c, f.Action)
			if f.Action != domain.ActionNone && contains(findingActions, f.Action) && who == "" {
				p.Add(field+".action", "no_one_accountable", "there is nobody in the case's chain of command to owe this action: ask an administrator to fill the post")
			}
			if f.Action == domain.ActionVictimContact && len(c.Victims) == 0 {
				p.Add(field+".action", "no_victim", "the case records no victim to contact")
			}
			if f.Action == domain.ActionReopen {
				reopen = append(reopen, strings.TrimSpace(f.Detail))
			}
			rev.Findings = append(rev.Findings, domain.AuditFinding{ID: s.newID(), Kind: f.Kind, Severity: f.Severity,
				Detail: strings.TrimSpace(f.Detail), Action: f.Action, Accountable: who})
		}
		if cs := in.Form.Concerns(); len(cs) > 0 && len(in.Findings) == 0 {
			p.Add("findings", "finding_required", fmt.Sprintf("the form records concerns (%s): record each as a finding with a severity", strings.Join(cs, "; ")))
		}
		reason := ""
		if len(reopen) > 0 {
			reason = "Audit " + au.Name + ": " + strings.Join(reopen, "; ")
			for _, x := range gate.Reopen(c, reason) {
				x.Field = "findings"
				p = append(p, x)
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		e, err := domain.NewEvent(domain.EvAuditReviewed, a.ID(), "", now, domain.AuditReviewed{AuditID: au.ID, CaseID: caseID, Review: rev})
		if err != nil {
			return err
		}
		if err := tx.Append(e); err != nil {
			return err
		}
		if err := st.ApplyAudit(e); err != nil {
			return err
		}
		var evs []*event.Event
		for _, f := range rev.Findings {
			detail := fmt.Sprintf("Audit %q found (%s, %s severity): %s", au.Name, strings.ReplaceAll(f.Kind, "_", " "), f.Severity, f.Detail)
			if t := actionText[f.Action]; t != "" {
				detail += " — " + t
			}
			ce, err := domain.NewEvent(domain.EvAuditFinding, a.ID(), c.ID, now, domain.AuditFindingRecorded{AuditID: au.ID, Action: f.Action, Finding: domain.Finding{
				ID: f.ID, Kind: domain.AuditFindingPrefix + f.Kind, Severity: f.Severity, Detail: detail, MustAct: f.Accountable, Since: now, Raised: now}})
			if err != nil {
				return err
			}
			evs = append(evs, ce)
		}
		if reason != "" {
			ce, err := domain.NewEvent(domain.EvCaseReopened, a.ID(), c.ID, now, domain.CaseReopened{Reason: reason, Route: "audit"})
			if err != nil {
				return err
			}
			evs = append(evs, ce)
		}
		settled, err := s.settleAuditFindings(st, org, c, a.ID(), now)
		if err != nil {
			return err
		}
		evs = append(evs, settled...)
		if len(evs) > 0 {
			if _, err := s.commit(tx, c, org, evs, now); err != nil {
				return err
			}
		}
		out = st.Audits[au.ID].Case(caseID)
		return nil
	})
	return out, err
}

// SignOff is a second reviewer's word on a "no concerns" review of a
// high-risk case: agreeing completes it; disagreeing, with a note, sends it
// back to its reviewer.
func (s *Service) SignOff(ctx context.Context, a *Actor, auditID, caseID string, agree bool, note string) (*domain.AuditCase, error) {
	var out *domain.AuditCase
	err := s.auditWrite(ctx, a, "sign off audit review", auditors, func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) error {
		au, ac, err := findAuditCase(st, org, a, auditID, caseID)
		if err != nil {
			return err
		}
		c, err := tx.Case(caseID)
		if err != nil {
			return err
		}
		var p domain.Problems
		if ac.Status != domain.AuditCaseAwaitingSignOff {
			p.Add("case", "no_sign_off_due", fmt.Sprintf("the review of %s is %s: only a \"no concerns\" review of a high-risk case waits for sign-off", ac.Ref, strings.ReplaceAll(ac.Status, "_", " ")))
		} else if ac.Review.By == a.ID() {
			p.Add("", "second_reviewer", "you wrote this review: a second reviewer must sign it off")
		}
		if err := s.checkReviewer(ctx, org, au, c, &a.User, &p); err != nil {
			return err
		}
		note = strings.TrimSpace(note)
		if !agree && len(note) < 10 {
			p.Add("note", "required", "say why the review goes back (at least a sentence)")
		}
		if err := p.Err(); err != nil {
			return err
		}
		e, err := domain.NewEvent(domain.EvAuditSignedOff, a.ID(), "", now, domain.AuditSignedOff{AuditID: au.ID, CaseID: caseID,
			SignOff: domain.AuditSignOff{By: a.ID(), At: now, Agree: agree, Note: note}})
		if err != nil {
			return err
		}
		if err := tx.Append(e); err != nil {
			return err
		}
		if err := st.ApplyAudit(e); err != nil {
			return err
		}
		if err := s.commitAuditSettled(tx, st, org, c, a.ID(), now); err != nil {
			return err
		}
		out = st.Audits[au.ID].Case(caseID)
		return nil
	})
	return out, err
}

// commitAuditSettled writes to c, in the audit command's transaction, the
// resolution of each watchdog finding about its audit review that the
// command has ended.
func (s *Service) commitAuditSettled(tx store.Tx, st *domain.AuditState, org *domain.OrgState, c *domain.Case, actor string, now time.Time) error {
	evs, err := s.settleAuditFindings(st, org, c, actor, now)
	if err != nil || len(evs) == 0 {
		return err
	}
	if _, err := s.commit(tx, c, org, evs, now); err != nil {
		return fmt.Errorf("settle audit findings on %s: %w", c.Ref, err)
	}
	return nil
}

// AnswerFinding answers an audit finding on a case: the finding is
// resolved, the answer kept as a note, and the duty it made is met. The
// person the finding names answers it, or a supervisor or manager in the
// case's chain of command. It runs on closed cases too.
func (s *Service) AnswerFinding(ctx context.Context, a *Actor, caseID string, version int64, findingID, answer string) (*domain.Case, error) {
	return s.caseCommand(ctx, a, caseID, version, "answer audit finding", func(tx store.Tx, c *domain.Case, org *domain.OrgState, now time.Time) ([]*event.Event, error) {
		var f *domain.Finding
		for i := range c.Findings {
			if c.Findings[i].ID == findingID && domain.IsAuditFinding(c.Findings[i].Kind) {
				f = &c.Findings[i]
			}
		}
		if f == nil {
			return nil, domain.Problems{{Field: "finding", Rule: "unknown_finding", Message: fmt.Sprintf("there is no audit finding %q on %s", findingID, c.Ref)}}
		}
		if a.ID() != f.MustAct || a.System {
			if err := a.mayWrite(org, c, "answering an audit finding", supervisors...); err != nil {
				return nil, err
			}
		}
		var p domain.Problems
		if !f.Resolved.IsZero() {
			p.Add("finding", "answered", "the finding has already been answered")
		}
		required(&p, "answer", answer, "say what has been done")
		if len(strings.TrimSpace(answer)) < 10 && strings.TrimSpace(answer) != "" {
			p.Add("answer", "required", "say what has been done (at least a sentence)")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		kind := strings.ReplaceAll(strings.TrimPrefix(f.Kind, domain.AuditFindingPrefix), "_", " ")
		e, err := domain.NewEvent(domain.EvAuditFindingAnswered, a.ID(), c.ID, now, domain.AuditFindingAnswered{FindingID: f.ID,
			Note: domain.Note{ID: s.newID(), Text: "Answer to the audit finding (" + kind + "): " + strings.TrimSpace(answer), Author: a.ID(), At: now}})
		return []*event.Event{e}, err
	})
}

// AuditSummary is an audit as a list shows it.
type AuditSummary struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Criteria   string    `json:"criteria"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	Population int       `json:"population"`
	Cases      int       `json:"cases"`
	Complete   int       `json:"complete"`
}

// readAudits reads the audits for a report reader.
func (s *Service) readAudits(ctx context.Context, a *Actor, what string) (*domain.AuditState, *domain.OrgState, error) {
	if a == nil {
		return nil, nil, ErrUnauthenticated
	}
	if err := a.need(what, auditReaders...); err != nil {
		return nil, nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, nil, err
	}
	st, err := s.auditState(ctx)
	if err != nil {
		return nil, nil, err
	}
	return st, org, nil
}

// Audits lists the audits of the actor's force, newest first.
func (s *Service) Audits(ctx context.Context, a *Actor) ([]AuditSummary, error) {
	st, org, err := s.readAudits(ctx, a, "read audits")
	if err != nil {
		return nil, err
	}
	out := []AuditSummary{}
	for _, au := range st.List() {
		if !a.System && au.ForceID != a.force(org) {
			continue
		}
		sum := AuditSummary{ID: au.ID, Name: au.Name, Criteria: au.Criteria.Name, CreatedBy: au.CreatedBy, CreatedAt: au.CreatedAt, Population: au.Population, Cases: len(au.Cases)}
		for _, c := range au.Cases {
			if c.Status == domain.AuditCaseComplete {
				sum.Complete++
			}
		}
		out = append(out, sum)
	}
	return out, nil
}

// auditCases loads the projections of an audit's cases the actor may see
// (by their team now, not when they were sampled).
func (s *Service) auditCases(ctx context.Context, a *Actor, org *domain.OrgState, au *domain.Audit) (map[string]*domain.Case, error) {
	out := map[string]*domain.Case{}
	for _, ac := range au.Cases {
		c, err := s.st.Case(ctx, ac.CaseID)
		if err != nil {
			return nil, fmt.Errorf("case %s of audit %s: %w", ac.Ref, au.Name, err)
		}
		if a.CanSee(org, c) {
			out[c.ID] = c
		}
	}
	return out, nil
}

// Audit returns an audit with the cases in it the actor may see.
func (s *Service) Audit(ctx context.Context, a *Actor, id string) (*domain.Audit, error) {
	st, org, err := s.readAudits(ctx, a, "read audits")
	if err != nil {
		return nil, err
	}
	au, err := findAudit(st, org, a, id)
	if err != nil {
		return nil, err
	}
	seen, err := s.auditCases(ctx, a, org, au)
	if err != nil {
		return nil, err
	}
	out := *au
	out.Cases = []domain.AuditCase{}
	for _, ac := range au.Cases {
		if seen[ac.CaseID] != nil {
			out.Cases = append(out.Cases, ac)
		}
	}
	return &out, nil
}

// AuditReport is an audit's progress and results.
type AuditReport struct {
	AsOf     time.Time     `json:"as_of"`
	Audit    AuditSummary  `json:"audit"`
	Margin   float64       `json:"margin"`
	Seed     string        `json:"seed"`
	Progress AuditProgress `json:"progress"`
	// ErrorRate is over the completed reviews of the random sample only:
	// cases added for their risk would bias it. RiskCases describes those.
	ErrorRate audit.Rate  `json:"error_rate"`
	ByTeam    []GroupRate `json:"by_team"`
	ByOutcome []GroupRate `json:"by_outcome"`
	RiskCases audit.Rate  `json:"risk_cases"`
	// Findings counts findings by kind and severity; Actions follows
	// each finding that called for action to its answer.
	Findings []FindingCount  `json:"findings"`
	Actions  []FindingAction `json:"actions"`
	Reopened []ReopenedCase  `json:"reopened"`
}

// AuditProgress counts the sampled cases by where their review stands.
type AuditProgress struct {
	Cases           int                `json:"cases"`
	Unassigned      int                `json:"unassigned"`
	Assigned        int                `json:"assigned"`
	AwaitingSignOff int                `json:"awaiting_sign_off"`
	Complete        int                `json:"complete"`
	ByReviewer      []ReviewerProgress `json:"by_reviewer"`
}

// ReviewerProgress is one reviewer's share of the work.
type ReviewerProgress struct {
	Reviewer string `json:"reviewer"`
	Name     string `json:"name"`
	Assigned int    `json:"assigned"` // assigned and not yet complete
	Complete int    `json:"complete"`
}

// GroupRate is the error rate of one team or outcome code.
type GroupRate struct {
	Key  string     `json:"key"`
	Name string     `json:"name"`
	Rate audit.Rate `json:"rate"`
}

// FindingCount is how many findings of a kind, by severity.
type FindingCount struct {
	Kind   string `json:"kind"`
	Low    int    `json:"low"`
	Medium int    `json:"medium"`
	High   int    `json:"high"`
	Total  int    `json:"total"`
}

// FindingAction is a finding that called for action, and where it stands.
type FindingAction struct {
	Case        string    `json:"case"`
	FindingID   string    `json:"finding_id"`
	Kind        string    `json:"kind"`
	Severity    string    `json:"severity"`
	Action      string    `json:"action"`
	Accountable string    `json:"accountable"`
	Due         time.Time `json:"due"`
	Answered    time.Time `json:"answered,omitzero"`
	Overdue     bool      `json:"overdue"`
}

// ReopenedCase is a case the audit reopened and where it stands now.
type ReopenedCase struct {
	Case      string        `json:"case"`
	Reason    string        `json:"reason"`
	StatusNow domain.Status `json:"status_now"`
}

// AuditReport reports an audit's progress, findings, reopened cases and
// error rate with its Wilson interval, by team and by outcome code.
func (s *Service) AuditReport(ctx context.Context, a *Actor, id string) (*AuditReport, error) {
	st, org, err := s.readAudits(ctx, a, "read audit reports")
	if err != nil {
		return nil, err
	}
	au, err := findAudit(st, org, a, id)
	if err != nil {
		return nil, err
	}
	cases, err := s.auditCases(ctx, a, org, au)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	rep := &AuditReport{AsOf: now, Margin: au.Margin, Seed: au.Seed, ByTeam: []GroupRate{}, ByOutcome: []GroupRate{},
		Findings: []FindingCount{}, Actions: []FindingAction{}, Reopened: []ReopenedCase{}}
	rep.Progress.ByReviewer = []ReviewerProgress{}
	type tally struct{ x, n int }
	teams, outcomes := map[string]*tally{}, map[string]*tally{}
	var all, risk tally
	kinds := map[string]*FindingCount{}
	reviewers := map[string]*ReviewerProgress{}
	for _, ac := range au.Cases {
		c := cases[ac.CaseID]
		if c == nil {
			continue // outside the reader's need to know
		}
		rep.Progress.Cases++
		switch ac.Status {
		case domain.AuditCaseUnassigned:
			rep.Progress.Unassigned++
		case domain.AuditCaseAssigned:
			rep.Progress.Assigned++
		case domain.AuditCaseAwaitingSignOff:
			rep.Progress.AwaitingSignOff++
		case domain.AuditCaseComplete:
			rep.Progress.Complete++
		}
		if ac.Reviewer != "" {
			rp := reviewers[ac.Reviewer]
			if rp == nil {
				rp = &ReviewerProgress{Reviewer: ac.Reviewer, Name: username(org, ac.Reviewer)}
				if u, ok := org.Users[ac.Reviewer]; ok {
					rp.Name = u.Name
				}
				reviewers[ac.Reviewer] = rp
			}
			if ac.Status == domain.AuditCaseComplete {
				rp.Complete++
			} else {
				rp.Assigned++
			}
		}
		if ac.Review == nil {
			continue
		}
		for _, f := range ac.Review.Findings {
			fc := kinds[f.Kind]
			if fc == nil {
				fc = &FindingCount{Kind: f.Kind}
				kinds[f.Kind] = fc
			}
			fc.Total++
			switch f.Severity {
			case domain.SeverityLow:
				fc.Low++
			case domain.SeverityMedium:
				fc.Medium++
			case domain.SeverityHigh:
				fc.High++
			}
			if f.Action == domain.ActionNone {
				continue
			}
			fa := FindingAction{Case: ac.Ref, FindingID: f.ID, Kind: f.Kind, Severity: f.Severity, Action: f.Action, Accountable: username(org, f.Accountable),
				Due: s.Policy().Due(duty.FindingResponse, ac.Review.At, s.cal).UTC()}
			for _, cf := range c.Findings {
				if cf.ID == f.ID {
					fa.Answered = cf.Resolved
				}
			}
			fa.Overdue = fa.Answered.IsZero() && fa.Due.Before(now)
			rep.Actions = append(rep.Actions, fa)
			if f.Action == domain.ActionReopen && !containsReopened(rep.Reopened, ac.Ref) {
				rep.Reopened = append(rep.Reopened, ReopenedCase{Case: ac.Ref, Reason: f.Detail, StatusNow: c.Status})
			}
		}
		if ac.Status != domain.AuditCaseComplete {
			continue
		}
		x := 0
		if ac.Review.InError() {
			x = 1
		}
		if ac.Drawn == domain.DrawnRisk {
			risk.x, risk.n = risk.x+x, risk.n+1
			continue
		}
		all.x, all.n = all.x+x, all.n+1
		for _, g := range []struct {
			m   map[string]*tally
			key string
		}{{teams, ac.TeamID}, {outcomes, ac.Outcome}} {
			if g.m[g.key] == nil {
				g.m[g.key] = &tally{}
			}
			g.m[g.key].x, g.m[g.key].n = g.m[g.key].x+x, g.m[g.key].n+1
		}
	}
	rep.ErrorRate, rep.RiskCases = audit.NewRate(all.x, all.n), audit.NewRate(risk.x, risk.n)
	for key, t := range teams {
		name := key
		if u, ok := org.Units[key]; ok {
			name = u.Name
		}
		rep.ByTeam = append(rep.ByTeam, GroupRate{Key: key, Name: name, Rate: audit.NewRate(t.x, t.n)})
	}
	for key, t := range outcomes {
		name := key
		if o := s.Policy().Outcome(key); o != nil {
			name = o.Title
		}
		rep.ByOutcome = append(rep.ByOutcome, GroupRate{Key: key, Name: name, Rate: audit.NewRate(t.x, t.n)})
	}
	byName := func(g []GroupRate) {
		sort.Slice(g, func(i, j int) bool {
			if g[i].Name != g[j].Name {
				return g[i].Name < g[j].Name
			}
			return g[i].Key < g[j].Key
		})
	}
	byName(rep.ByTeam)
	sort.Slice(rep.ByOutcome, func(i, j int) bool { return outcomeOrder(rep.ByOutcome[i].Key) < outcomeOrder(rep.ByOutcome[j].Key) })
	for _, fc := range kinds {
		rep.Findings = append(rep.Findings, *fc)
	}
	sort.Slice(rep.Findings, func(i, j int) bool {
		if rep.Findings[i].Total != rep.Findings[j].Total {
			return rep.Findings[i].Total > rep.Findings[j].Total
		}
		return rep.Findings[i].Kind < rep.Findings[j].Kind
	})
	for _, rp := range reviewers {
		rep.Progress.ByReviewer = append(rep.Progress.ByReviewer, *rp)
	}
	sort.Slice(rep.Progress.ByReviewer, func(i, j int) bool { return rep.Progress.ByReviewer[i].Name < rep.Progress.ByReviewer[j].Name })
	rep.Audit = AuditSummary{ID: au.ID, Name: au.Name, Criteria: au.Criteria.Name, CreatedBy: au.CreatedBy, CreatedAt: au.CreatedAt,
		Population: au.Population, Cases: rep.Progress.Cases, Complete: rep.Progress.Complete}
	return rep, nil
}

func containsReopened(rs []ReopenedCase, ref string) bool {
	for _, r := range rs {
		if r.Case == ref {
			return true
		}
	}
	return false
}

// outcomeOrder sorts outcome codes as numbers ("1", "1A", "2", ... "22").
func outcomeOrder(code string) string {
	n, rest := 0, code
	for len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9' {
		n = n*10 + int(rest[0]-'0')
		rest = rest[1:]
	}
	return fmt.Sprintf("%06d%s", n, rest)
}

// AuditCSVHeader names the columns of an audit's CSV export.
var AuditCSVHeader = []string{"audit", "case", "team", "outcome", "closed", "drawn", "risk_score", "high_risk", "risk_reasons",
	"status", "reviewer", "outcome_justified", "victim_account", "suspects_pursued", "lines_missed", "findings", "in_error", "sign_off", "case_status_now"}

// AuditCSV is an audit's export: one row per sampled case the actor may
// see, under AuditCSVHeader. Cells that a spreadsheet would run as a
// formula are quoted with a leading apostrophe.
func (s *Service) AuditCSV(ctx context.Context, a *Actor, id string) ([][]string, error) {
	st, org, err := s.readAudits(ctx, a, "export audits")
	if err != nil {
		return nil, err
	}
	au, err := findAudit(st, org, a, id)
	if err != nil {
		return nil, err
	}
	cases, err := s.auditCases(ctx, a, org, au)
	if err != nil {
		return nil, err
	}
	rows := [][]string{AuditCSVHeader}
	for _, ac := range au.Cases {
		c := cases[ac.CaseID]
		if c == nil {
			continue
		}
		var reasons []string
		for _, r := range ac.Reasons {
			reasons = append(reasons, fmt.Sprintf("%s:%d", r.Code, r.Weight))
		}
		team := ac.TeamID
		if u, ok := org.Units[team]; ok {
			team = u.Name
		}
		row := []string{au.Name, ac.Ref, team, ac.Outcome, ac.ClosedAt.In(calendar.London).Format(time.DateOnly), ac.Drawn,
			strconv.Itoa(ac.Score), yesNo(ac.HighRisk), strings.Join(reasons, "; "), ac.Status, username(org, ac.Reviewer)}
		if r := ac.Review; r != nil {
			var fs []string
			for _, f := range r.Findings {
				fs = append(fs, f.Kind+":"+f.Severity+":"+f.Action)
			}
			inError := ""
			if ac.Status == domain.AuditCaseComplete {
				inError = yesNo(r.InError())
			}
			row = append(row, r.Form.OutcomeJustified, r.Form.VictimAccount, r.Form.SuspectsPursued, strconv.Itoa(len(r.Form.LinesMissed)), strings.Join(fs, "; "), inError)
		} else {
			row = append(row, "", "", "", "", "", "")
		}
		sign := ""
		if n := len(ac.SignOffs); n > 0 {
			so := ac.SignOffs[n-1]
			sign = "returned by " + username(org, so.By)
			if so.Agree {
				sign = "agreed by " + username(org, so.By)
			}
		}
		row = append(row, sign, string(c.Status))
		for i := range row {
			row[i] = csvSafe(row[i])
		}
		rows = append(rows, row)
	}
	return rows, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// csvSafe stops a spreadsheet reading a cell as a formula (OWASP CSV
// injection): a cell starting with = + - @ or a control character is
// prefixed with an apostrophe.
func csvSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
