package service

// The audit commands: plan an audit and draw its sample, assign a review,
// submit it, sign it off, and answer a finding on the case.

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/store"
)

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
	if err := checkInput(in); err != nil {
		return nil, err
	}
	var id string
	decide := func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) (auditChange, error) {
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
			p.Add(
				"margin",
				"range",
				"give the margin of error as a fraction greater than 0 and at most 0.5 (0.05 for ±5%)",
			)
		}
		expected := in.Expected
		if expected == 0 {
			expected = 0.5
		}
		if !(expected > 0 && expected < 1) {
			p.Add("expected", "range", "the expected error rate is a fraction between 0 and 1 (0.5 if unknown)")
		}
		if in.RiskTop < 0 || in.RiskTop > 10000 {
			p.Add("risk_top", "range", "give a number of riskiest cases to add between 0 and 10,000")
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
			return auditChange{}, err
		}
		t, _, err := s.triage(ctx, a, org, cr, st.Reviewed())
		if err != nil {
			return auditChange{}, err
		}
		q, _ := t.Queue()
		if len(q) == 0 {
			return auditChange{}, domain.Problems{{Field: "criteria", Rule: "empty_population",
				Message: "no closed case you may see meets the criteria in the period: nothing to audit"}}
		}
		refs := make([]string, len(q))
		for i, e := range q {
			refs[i] = e.Ref
		}
		n := audit.SampleSize(len(q), in.Margin, expected)
		au := domain.Audit{
			ID:             s.newID(),
			Name:           name,
			ForceID:        a.force(org),
			Criteria:       cr,
			Margin:         in.Margin,
			Expected:       expected,
			Seed:           seed,
			Population:     len(q),
			PopulationHash: audit.PopulationHash(refs),
			SampleSize:     n,
			RiskTop:        in.RiskTop,
			HighRiskScore:  high,
		}
		for _, pk := range audit.Plan(q, seed, n, in.RiskTop) {
			au.Cases = append(
				au.Cases,
				domain.AuditCase{
					CaseID:   pk.CaseID,
					Ref:      pk.Ref,
					TeamID:   pk.TeamID,
					Outcome:  pk.Outcome,
					ClosedAt: pk.ClosedAt,
					Drawn:    pk.Drawn,
					Score:    pk.Score,
					Reasons:  pk.Reasons,
					HighRisk: high > 0 && pk.Score >= high,
				},
			)
		}
		id = au.ID
		return auditChange{typ: domain.EvAuditCreated, payload: domain.AuditCreated{Audit: au}}, nil
	}
	st, err := s.auditCommand(ctx, a, "create audit", decide)
	if err != nil {
		return nil, err
	}
	return st.Audits[id], nil
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
func (s *Service) checkReviewer(
	ctx context.Context,
	org *domain.OrgState,
	au *domain.Audit,
	c *domain.Case,
	u *domain.User,
	p *domain.Problems,
) error {
	if u == nil || !u.Active {
		p.Add("reviewer", "unknown_user", "the reviewer is not a serving member of the force")
		return nil
	}
	if !u.HasRole(domain.RoleAuditor) {
		p.Add(
			"reviewer",
			"not_auditor",
			fmt.Sprintf("%s is not an auditor: reviewers must hold the auditor role", u.Name),
		)
	}
	if (domain.Org{Units: org.Units}).ForceOf(u.UnitID) != au.ForceID {
		p.Add("reviewer", "other_force", fmt.Sprintf("%s is not in the audited force", u.Name))
	}
	former, err := s.formerOwners(ctx, c.ID)
	if err != nil {
		return err
	}
	if h, ok := s.st.(store.DutyHistory); ok {
		// Conflicts looks at every duty the case owed, and those met or
		// cancelled are out of its document.
		closed, err := h.ClosedDuties(ctx, c.ID)
		if err != nil {
			return err
		}
		whole := *c
		whole.Duties = append(closed, c.Duties...)
		c = &whole
	}
	*p = append(*p, audit.Conflicts(c, u, former)...)
	return nil
}

// AssignReview gives a sampled case of an audit to a reviewer.
type AssignReview struct {
	Audit string `json:"-" path:"id"`
	// Case is the sampled case's id; the API resolves the reference in
	// its path within the actor's need to know, as for a case command.
	Case     string `json:"-" path:"ref"`
	Reviewer string `json:"reviewer"` // user id: an auditor with no hand in the case
}

// AssignReview gives a sampled case to a reviewer. The reviewer must be an
// auditor with no hand in the case: every conflict is listed in the refusal.
// A review reassigned is owed afresh: the overdue one is settled.
func (s *Service) AssignReview(ctx context.Context, a *Actor, in AssignReview) (*domain.AuditCase, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	decide := func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) (auditChange, error) {
		return s.assignChange(ctx, tx, st, org, a, in)
	}
	st, err := s.auditCommand(ctx, a, "assign audit review", decide)
	return sampled(st, in.Audit, in.Case), err
}

// assignChange is the assignment of one sampled case to a reviewer, or
// every reason it is refused: the one gate of AssignReview and
// AssignReviews. A case the actor may not see is not found.
func (s *Service) assignChange(ctx context.Context, tx store.Tx, st *domain.AuditState, org *domain.OrgState,
	a *Actor, in AssignReview) (auditChange, error) {
	au, ac, err := findAuditCase(st, org, a, in.Audit, in.Case)
	if err != nil {
		return auditChange{}, err
	}
	c, err := tx.Case(in.Case)
	if err != nil {
		return auditChange{}, err
	}
	if !a.CanSee(org, c) { // need-to-know, as SubmitReview's: whoever calls, by whichever door
		return auditChange{}, ErrNotFound
	}
	var p domain.Problems
	switch ac.Status {
	case domain.AuditCaseComplete:
		p.Add("case", "review_complete", fmt.Sprintf("the review of %s is complete", ac.Ref))
	case domain.AuditCaseAwaitingSignOff:
		p.Add(
			"case",
			"awaiting_sign_off",
			fmt.Sprintf("the review of %s is waiting for a second reviewer's sign-off", ac.Ref),
		)
	}
	if ac.Reviewer == in.Reviewer && ac.Status == domain.AuditCaseAssigned {
		p.Add("reviewer", "already_assigned", "the case is already assigned to this reviewer")
	}
	if err := s.checkReviewer(ctx, org, au, c, org.Users[in.Reviewer], &p); err != nil {
		return auditChange{}, err
	}
	if err := p.Err(); err != nil {
		return auditChange{}, err
	}
	return auditChange{typ: domain.EvAuditAssigned, c: c,
		payload: domain.AuditAssigned{AuditID: au.ID, CaseID: c.ID, Reviewer: in.Reviewer}}, nil
}

// NewAuditFinding is a finding a reviewer records.
type NewAuditFinding struct {
	Kind     string `json:"kind"`     // one of domain.AuditFindingKinds
	Severity string `json:"severity"` // low | medium | high
	Detail   string `json:"detail"`
	// Action: none | reopen | professional_standards | victim_contact.
	Action string `json:"action,omitempty"`
}

// ReviewSubmission is the review form with its findings, on a sampled
// case of an audit (Audit and Case as in AssignReview).
type ReviewSubmission struct {
	Audit    string            `json:"-" path:"id"`
	Case     string            `json:"-" path:"ref"`
	Form     domain.ReviewForm `json:"form"`
	Findings []NewAuditFinding `json:"findings,omitempty"`
}

var (
	accountAnswers = []string{
		domain.AccountBestPractice,
		domain.AccountBelowBest,
		domain.AccountNotTaken,
		domain.AccountNotApplicable,
	}
	pursuedAnswers   = []string{domain.PursuedAll, domain.PursuedSome, domain.PursuedNone, domain.PursuedNoSuspects}
	justifiedAnswers = []string{domain.JustifiedYes, domain.JustifiedPartly, domain.JustifiedNo}
	severities       = []string{domain.SeverityLow, domain.SeverityMedium, domain.SeverityHigh}
	findingActions   = []string{
		domain.ActionNone,
		domain.ActionReopen,
		domain.ActionProfessionalStandards,
		domain.ActionVictimContact,
	}
)

// askedAs is the error for a review question left unanswered, in the
// words of the question on the form (GOV.UK: "Select whether..."): the
// field's code and the answers' stored codes mean nothing to a reviewer.
var askedAs = map[string]string{
	"form.victim_account":    "Choose whether the victim's account was taken to best practice",
	"form.suspects_pursued":  "Choose whether the suspects were pursued",
	"form.outcome_justified": "Choose whether the outcome was justified by the record",
}

func checkForm(f domain.ReviewForm, c *domain.Case, p *domain.Problems) {
	oneOf := func(field, v string, allowed []string) {
		if !contains(allowed, v) {
			p.Add(field, "one_of", askedAs[field])
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
		p.Add(
			"form.suspects_pursued",
			"suspects_recorded",
			fmt.Sprintf("the case records %d suspect(s): say whether they were pursued", len(c.Suspects)),
		)
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
func (s *Service) SubmitReview(ctx context.Context, a *Actor, in ReviewSubmission) (*domain.AuditCase, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	decide := func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) (auditChange, error) {
		au, ac, err := findAuditCase(st, org, a, in.Audit, in.Case)
		if err != nil {
			return auditChange{}, err
		}
		if ac.Reviewer != a.ID() {
			return auditChange{}, fmt.Errorf(
				"only the reviewer the case is assigned to submits its review: %w",
				ErrForbidden,
			)
		}
		c, err := tx.Case(in.Case)
		if err != nil {
			return auditChange{}, err
		}
		if !a.CanSee(org, c) {
			return auditChange{}, ErrNotFound
		}
		var p domain.Problems
		if ac.Status != domain.AuditCaseAssigned {
			p.Add(
				"case",
				"not_assigned",
				fmt.Sprintf("the review of %s is %s", ac.Ref, strings.ReplaceAll(ac.Status, "_", " ")),
			)
		}
		// Involvement since the assignment still disqualifies.
		if err := s.checkReviewer(ctx, org, au, c, &a.User, &p); err != nil {
			return auditChange{}, err
		}
		checkForm(in.Form, c, &p)
		rev := domain.AuditReview{ID: s.newID(), By: a.ID(), At: now, Form: in.Form}
		rev.Form.Summary = strings.TrimSpace(rev.Form.Summary)
		var reopen []string
		for i, f := range in.Findings {
			field := fmt.Sprintf("findings[%d]", i)
			if !contains(domain.AuditFindingKinds, f.Kind) {
				p.Add(field+".kind", "one_of", "Choose what the finding is from the list.")
			}
			if !contains(severities, f.Severity) {
				p.Add(field+".severity", "one_of", "Choose the finding's severity: "+domain.JoinOr(severities)+".")
			}
			if len(strings.TrimSpace(f.Detail)) < 10 {
				p.Add(field+".detail", "required", "say what was found (at least a sentence)")
			}
			if f.Action == "" {
				f.Action = domain.ActionNone
			}
			if !contains(findingActions, f.Action) {
				p.Add(field+".action", "one_of", "Choose what the finding asks to be done from the list.")
			}
			who := s.accountable(org, c, f.Action)
			if f.Action != domain.ActionNone && contains(findingActions, f.Action) && who == "" {
				p.Add(
					field+".action",
					"no_one_accountable",
					"there is nobody in the case's chain of command to owe this action: ask an administrator to fill the post",
				)
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
			p.Add(
				"findings",
				"finding_required",
				fmt.Sprintf(
					"the form records concerns (%s): record each as a finding with a severity",
					strings.Join(cs, "; "),
				),
			)
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
			return auditChange{}, err
		}
		var evs []*event.Event
		for _, f := range rev.Findings {
			// As a person would say it: "Audit "Q1": Inadequate supervision,
			// medium severity. No review in 90 days."
			detail := fmt.Sprintf(
				"Audit %q: %s, %s severity. %s",
				au.Name,
				domain.FindingKindLabel(f.Kind),
				f.Severity,
				domain.Sentence(f.Detail),
			)
			if t := actionText[f.Action]; t != "" {
				detail += " " + domain.Sentence(t)
			}
			ce, err := domain.NewEvent(
				domain.EvAuditFinding,
				a.ID(),
				c.ID,
				now,
				domain.AuditFindingRecorded{AuditID: au.ID, Action: f.Action, Finding: domain.Finding{
					ID: f.ID, Kind: domain.AuditFindingPrefix + f.Kind, Severity: f.Severity, Detail: detail, MustAct: f.Accountable, Since: now, Raised: now}},
			)
			if err != nil {
				return auditChange{}, err
			}
			evs = append(evs, ce)
		}
		if reason != "" {
			ce, err := domain.NewEvent(
				domain.EvCaseReopened,
				a.ID(),
				c.ID,
				now,
				reopening(c, org, reason, "audit"),
			)
			if err != nil {
				return auditChange{}, err
			}
			evs = append(evs, ce)
		}
		return auditChange{typ: domain.EvAuditReviewed, c: c, evs: evs,
			payload: domain.AuditReviewed{AuditID: au.ID, CaseID: c.ID, Review: rev}}, nil
	}
	st, err := s.auditCommand(ctx, a, "submit audit review", decide)
	return sampled(st, in.Audit, in.Case), err
}

// SignOff is a second reviewer's word on a "no concerns" review of a
// high-risk sampled case (Audit and Case as in AssignReview).
type SignOff struct {
	Audit string `json:"-" path:"id"`
	Case  string `json:"-" path:"ref"`
	Agree bool   `json:"agree"`          // true completes the review; false sends it back
	Note  string `json:"note,omitempty"` // required when sending back
}

// SignOff records a second reviewer's word on a "no concerns" review of a
// high-risk case: agreeing completes it; disagreeing, with a note, sends it
// back to its reviewer.
func (s *Service) SignOff(ctx context.Context, a *Actor, in SignOff) (*domain.AuditCase, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	decide := func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) (auditChange, error) {
		au, ac, err := findAuditCase(st, org, a, in.Audit, in.Case)
		if err != nil {
			return auditChange{}, err
		}
		c, err := tx.Case(in.Case)
		if err != nil {
			return auditChange{}, err
		}
		var p domain.Problems
		if ac.Status != domain.AuditCaseAwaitingSignOff {
			p.Add(
				"case",
				"no_sign_off_due",
				fmt.Sprintf(
					"the review of %s is %s: only a \"no concerns\" review of a high-risk case waits for sign-off",
					ac.Ref,
					strings.ReplaceAll(ac.Status, "_", " "),
				),
			)
		} else if ac.Review.By == a.ID() {
			p.Add("", "second_reviewer", "you wrote this review: a second reviewer must sign it off")
		}
		if err := s.checkReviewer(ctx, org, au, c, &a.User, &p); err != nil {
			return auditChange{}, err
		}
		note := strings.TrimSpace(in.Note)
		if !in.Agree && len(note) < 10 {
			p.Add("note", "required", "say why the review goes back (at least a sentence)")
		}
		if err := p.Err(); err != nil {
			return auditChange{}, err
		}
		return auditChange{
			typ: domain.EvAuditSignedOff,
			c:   c,
			payload: domain.AuditSignedOff{AuditID: au.ID, CaseID: c.ID,
				SignOff: domain.AuditSignOff{By: a.ID(), At: now, Agree: in.Agree, Note: note}},
		}, nil
	}
	st, err := s.auditCommand(ctx, a, "sign off audit review", decide)
	return sampled(st, in.Audit, in.Case), err
}

// sampled is case caseID in the sample of audit auditID as st holds it;
// nil when st is (the command failed).
func sampled(st *domain.AuditState, auditID, caseID string) *domain.AuditCase {
	if st == nil {
		return nil
	}
	return st.Audits[auditID].Case(caseID)
}

// AnswerFinding answers an audit finding on a case.
type AnswerFinding struct {
	Version int64  `json:"version"`
	Finding string `json:"-" path:"finding"` // the finding's id
	Answer  string `json:"answer"`           // what has been done
}

// AnswerFinding answers an audit finding on a case: the finding is
// resolved, the answer kept as a note, and the duty it made is met. The
// person the finding names answers it, or a supervisor or manager in the
// case's chain of command. It runs on closed cases too.
func (s *Service) AnswerFinding(ctx context.Context, a *Actor, caseID string, in AnswerFinding) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	findingID, answer := in.Finding, in.Answer
	decide := func(tx store.Tx, c *domain.Case, org *domain.OrgState, now time.Time) ([]*event.Event, error) {
		// Who may answer, and whether it still can be: the command's
		// checks (CaseCommands "answer-finding"), which Permissions asks.
		var p domain.Problems
		if err := mustCommand("answer-finding").run(s.newCheck(a, c, org, now), findingID, &p); err != nil {
			return nil, err
		}
		var f *domain.Finding
		for i := range c.Findings {
			if c.Findings[i].ID == findingID {
				f = &c.Findings[i]
			}
		}
		required(&p, "answer", answer, "Say what has been done.")
		if len(strings.TrimSpace(answer)) < 10 && strings.TrimSpace(answer) != "" {
			p.Add("answer", "required", "Say what has been done, in at least a sentence.")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		kind := strings.ReplaceAll(strings.TrimPrefix(f.Kind, domain.AuditFindingPrefix), "_", " ")
		e, err := domain.NewEvent(
			domain.EvAuditFindingAnswered,
			a.ID(),
			c.ID,
			now,
			domain.AuditFindingAnswered{FindingID: f.ID,
				Note: domain.Note{
					ID:     s.newID(),
					Text:   "Answer to the audit finding (" + kind + "): " + strings.TrimSpace(answer),
					Author: a.ID(),
					At:     now,
				}},
		)
		return []*event.Event{e}, err
	}
	return s.caseCommand(ctx, a, caseID, in.Version, "answer audit finding", decide)
}
