package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// ev is an event a workflow command wants to append.
type ev struct {
	typ     string
	payload any
}

// workflow is the shape of every workflow command: the command's checks
// from the CaseCommands table (who may, the case's state, the target's
// state: the same checks Permissions answers from), then the input's own
// rules (collecting every problem), then the events. target is the
// action, victim, suspect, duty or finding the command acts on, if any.
func (s *Service) workflow(
	ctx context.Context,
	a *Actor,
	caseID string,
	version int64,
	name string,
	target string,
	decide func(c *domain.Case, org *domain.OrgState, now time.Time, p *domain.Problems) []ev,
) (*domain.Case, error) {
	cmd := mustCommand(name)
	return s.caseCommand(
		ctx,
		a,
		caseID,
		version,
		cmd.What,
		func(tx store.Tx, c *domain.Case, org *domain.OrgState, now time.Time) ([]*event.Event, error) {
			var p domain.Problems
			if err := cmd.run(s.newCheck(a, c, org, now), target, &p); err != nil {
				return nil, err
			}
			out := decide(c, org, now, &p)
			if err := p.Err(); err != nil {
				return nil, err
			}
			evs := make([]*event.Event, 0, len(out))
			for _, o := range out {
				e, err := domain.NewEvent(o.typ, a.ID(), c.ID, now, o.payload)
				if err != nil {
					return nil, err
				}
				evs = append(evs, e)
			}
			return evs, nil
		},
	)
}

var supervisors = []domain.Role{domain.RoleSupervisor, domain.RoleManager}

func required(p *domain.Problems, field, v, what string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		p.Add(field, "required", what)
	}
	return v
}

// AllocateAction is the input of Service.AllocateAction.
type AllocateAction struct {
	Version int64  `json:"version"`          // the case version the officer saw
	Action  string `json:"-" path:"action"`  // action id: in the URL path (API) or a form field (pages)
	To      string `json:"to"`               // user id of the officer
	Target  string `json:"target,omitempty"` // YYYY-MM-DD; default: the policy's action target
}

// AllocateAction gives a line of enquiry to an officer with a target date.
func (s *Service) AllocateAction(ctx context.Context, a *Actor, caseID string,
	in AllocateAction) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "allocate-action", in.Action, s.allocateAction(a, in))
}

// allocateAction is AllocateAction's own rules and event, after the
// command's checks: the hand-on of a leaver's cases (handover.go) runs
// them too, on each line of enquiry it reallocates with the case.
func (s *Service) allocateAction(a *Actor, in AllocateAction) func(c *domain.Case, org *domain.OrgState,
	now time.Time, p *domain.Problems) []ev {
	return func(c *domain.Case, org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		n := len(*p)
		if u := namedWorker(p, org, c.TeamID, c.Ref, in.To, "to", "work an action on it", caseWriters...); u != nil &&
			len(*p) == n && c.Action(in.Action) != nil {
			k := s.newCheck(a, c, org, now) // the training gate (may_training.go)
			k.trained(p, "to", workAction+in.Action, u, k.workers)
		}
		due := s.Policy().Due("action_target", now, s.cal)
		if in.Target != "" {
			d, err := time.ParseInLocation(time.DateOnly, in.Target, calendar.London)
			if err != nil {
				p.Add("target", "date", "Enter the target date as a date, for example 2027-03-31.")
			} else if d = d.AddDate(0, 0, 1).Add(-time.Nanosecond); d.Before(now) {
				p.Add("target", "future", "The target date has already passed: choose a date from today.")
			} else {
				due = d
			}
		}
		return []ev{
			{domain.EvActionAllocated, domain.ActionAllocated{ActionID: in.Action, To: in.To, Target: due.UTC()}},
		}
	}
}

// ResultAction is the input of Service.ResultAction.
type ResultAction struct {
	Version int64  `json:"version"`         // the case version the officer saw
	Action  string `json:"-" path:"action"` // action id: in the URL path (API) or a form field (pages)
	// Result is what was done and what it found; where the enquiry could
	// not be done, why, and where it was referred on, to whom.
	Result string `json:"result"`
	// Outcome is how it ended: one of domain.ActionOutcomes.
	Outcome domain.ActionOutcome `json:"outcome"`
	// Reference is the statement or exhibit number it produced; optional.
	Reference string `json:"reference,omitempty"`
}

// ResultAction records what a line of enquiry found.
func (s *Service) ResultAction(ctx context.Context, a *Actor, caseID string, in ResultAction) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "result-action", in.Action, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		resultProblems(p, in)
		return []ev{{domain.EvActionResulted, domain.ActionResulted{ActionID: in.Action,
			Result: strings.TrimSpace(in.Result), Outcome: in.Outcome, Reference: strings.TrimSpace(in.Reference)}}}
	})
}

// resultProblems are a result's own rules, every one at once, in the
// order the form asks them: what was done, then how it ended.
func resultProblems(p *domain.Problems, in ResultAction) {
	required(p, "result", in.Result, "Say what was done and what it found.")
	switch {
	case in.Outcome == "":
		p.Add("outcome", "required", "Choose how the line of enquiry ended.")
	case unknownOutcome(in.Outcome) != "":
		p.Add("outcome", "one_of", unknownOutcome(in.Outcome))
	}
}

// unknownOutcome is why o is not an outcome a result may give, naming
// every one (domain.ActionOutcomes), or "" if it is one: a result's own
// rule, and the import's (import.go).
func unknownOutcome(o domain.ActionOutcome) string {
	if slices.Contains(domain.ActionOutcomes(), o) {
		return ""
	}
	return fmt.Sprintf("%q is not an outcome: choose %s.", o, outcomeChoices())
}

// outcomeChoices names every outcome for a refusal of one no form offers
// (an API client's): its label, and the code to send.
func outcomeChoices() string {
	var xs []string
	for _, o := range domain.ActionOutcomes() {
		xs = append(xs, fmt.Sprintf("%s (%s)", strings.ToLower(domain.ActionOutcomeLabel(o)), o))
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// FileAction is the input of Service.FileAction.
type FileAction struct {
	Version int64  `json:"version"`         // the case version the officer saw
	Action  string `json:"-" path:"action"` // action id: in the URL path (API) or a form field (pages)
}

// FileAction files a resulted action after review: by a supervisor or
// manager (MIRSAP's receiver and office manager), and a second pair of
// eyes, so not by the officer who resulted it (../shared/domain.md §4;
// may.go, filer).
func (s *Service) FileAction(ctx context.Context, a *Actor, caseID string, in FileAction) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "file-action", in.Action, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		return []ev{{domain.EvActionFiled, domain.ActionFiled{ActionID: in.Action}}}
	})
}

// ReferBackAction is the input of Service.ReferBackAction.
type ReferBackAction struct {
	Version   int64  `json:"version"`         // the case version the officer saw
	Action    string `json:"-" path:"action"` // action id: in the URL path (API) or a form field (pages)
	Direction string `json:"direction"`       // what more must be done
}

// ReferBackAction returns a resulted action to its officer with a direction.
func (s *Service) ReferBackAction(ctx context.Context, a *Actor, caseID string,
	in ReferBackAction) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "refer-back-action", in.Action, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		required(p, "direction", in.Direction, "Say what more must be done.")
		return []ev{{domain.EvActionReferredBack, domain.ActionReferredBack{ActionID: in.Action,
			Direction: strings.TrimSpace(in.Direction)}}}
	})
}

// CancelAction is the input of Service.CancelAction.
type CancelAction struct {
	Version int64  `json:"version"`         // the case version the officer saw
	Action  string `json:"-" path:"action"` // action id: in the URL path (API) or a form field (pages)
	Reason  string `json:"reason"`          // why, in at least a sentence (10 characters)
}

// CancelAction ends a line of enquiry without a result: supervisors only,
// with a reason.
func (s *Service) CancelAction(ctx context.Context, a *Actor, caseID string, in CancelAction) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "cancel-action", in.Action, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		if len(strings.TrimSpace(in.Reason)) < 10 {
			p.Add("reason", "required", "Say why the line of enquiry is being cancelled, in at least a sentence.")
		}
		return []ev{{domain.EvActionCancelled, domain.ActionCancelled{ActionID: in.Action,
			Reason: strings.TrimSpace(in.Reason)}}}
	})
}

var liaison = append(append([]domain.Role{}, caseWriters...), domain.RoleVictimLiaison)

// AgreeContactPlan is the input of Service.AgreeContactPlan.
type AgreeContactPlan struct {
	Version   int64  `json:"version"`         // the case version the officer saw
	Victim    string `json:"-" path:"victim"` // victim id: in the URL path (API) or a form field (pages)
	EveryDays int    `json:"every_days"`      // how often the victim is updated, in days (1 to 90)
	Method    string `json:"method"`          // how: phone, visit, email, via an adviser
	// AgreedWith is who the plan was agreed with (the victim, a parent); optional.
	AgreedWith string `json:"agreed_with,omitempty"`
}

// AgreeContactPlan records how often and how the victim wants updates.
func (s *Service) AgreeContactPlan(ctx context.Context, a *Actor, caseID string,
	in AgreeContactPlan) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "contact-plan", in.Victim, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		if in.EveryDays < 1 || in.EveryDays > 90 {
			p.Add("every_days", "range", "Enter how often the victim is updated, between 1 and 90 days.")
		}
		required(
			p,
			"method",
			in.Method,
			"Say how the victim wants to be contacted: by phone, a visit, email or through an adviser.",
		)
		return []ev{{domain.EvContactPlanAgreed, domain.ContactPlanAgreed{VictimID: in.Victim, EveryDays: in.EveryDays,
			Method: strings.TrimSpace(in.Method), AgreedWith: strings.TrimSpace(in.AgreedWith)}}}
	})
}

// RecordContact is the input of Service.RecordContact.
type RecordContact struct {
	Version int64  `json:"version"`          // the case version the officer saw
	Victim  string `json:"-" path:"victim"`  // victim id: in the URL path (API) or a form field (pages)
	Kind    string `json:"kind"`             // one of domain.ContactKinds
	Method  string `json:"method,omitempty"` // how the victim was contacted: phone, visit, email, …
	// Note is what the victim was told and said: required for an update.
	Note string `json:"note,omitempty"`
	// ContactedOn is the day the contact happened (YYYY-MM-DD, London);
	// default today. Not in the future, nor before the case was opened or
	// the victim recorded. The next update is due from it.
	ContactedOn string `json:"contacted_on,omitempty"`
}

// RecordContact logs a contact with a victim. It runs on closed cases too:
// a closure owes the victim word of it. A contact says what kind it was,
// how it was made and, for an update, what the victim was told
// (contactProblems): an empty one would meet the update duty with nothing
// said to anyone. It says when it happened (contactTime), which may be
// before today — a visit recorded next morning — and the duties it meets
// run from then; the event keeps when it was recorded too.
func (s *Service) RecordContact(ctx context.Context, a *Actor, caseID string, in RecordContact) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "record-contact", in.Victim, func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		v := c.Victim(in.Victim)
		contactProblems(p, v, in)
		return []ev{{domain.EvVictimContacted, domain.VictimContacted{VictimID: in.Victim,
			Contact: domain.Contact{
				ID:         s.newID(),
				Kind:       in.Kind,
				Method:     strings.TrimSpace(in.Method),
				Note:       strings.TrimSpace(in.Note),
				By:         a.ID(),
				At:         contactTime(p, c, v, in.Kind, in.ContactedOn, now),
				RecordedAt: now,
			}}}}
	})
}

// RecordVictimView is the input of Service.RecordVictimView.
type RecordVictimView struct {
	Version int64  `json:"version"`         // the case version the officer saw
	Victim  string `json:"-" path:"victim"` // victim id: in the URL path (API) or a form field (pages)
	View    string `json:"view"`            // the victim's view of the proposed outcome, in their words where possible
}

// RecordVictimView records the victim's view of a proposed outcome.
func (s *Service) RecordVictimView(ctx context.Context, a *Actor, caseID string,
	in RecordVictimView) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "victim-view", in.Victim, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		required(p, "view", in.View, "Record what the victim said, in their words where possible.")
		return []ev{{domain.EvVictimView, domain.VictimView{VictimID: in.Victim, View: strings.TrimSpace(in.View)}}}
	})
}

// SetSuspectStatus is the input of Service.SetSuspectStatus.
type SetSuspectStatus struct {
	Version     int64                `json:"version"`          // the case version the officer saw
	Suspect     string               `json:"-" path:"suspect"` // suspect id: in the URL path (API) or a form field (pages)
	Status      domain.SuspectStatus `json:"status"`           // one of domain.SuspectStatuses
	On          string               `json:"on,omitempty"`     // YYYY-MM-DD the status was reached; default: today
	Explanation string               `json:"explanation,omitempty"`
}

// SetSuspectStatus records a suspect reaching a status on a date.
func (s *Service) SetSuspectStatus(ctx context.Context, a *Actor, caseID string,
	in SetSuspectStatus) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "suspect-status", in.Suspect, func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		if !contains(domain.SuspectStatuses(), in.Status) {
			p.Add("status", "one_of", "Choose the suspect's status from the list.")
		}
		on := in.On // not in.On: the write may run twice (store.Store.Write)
		if on == "" {
			on = now.In(calendar.London).Format(time.DateOnly)
		}
		checkDate("on", "Date the status was reached", on, now, p)
		return []ev{
			{domain.EvSuspectStatus, domain.SuspectStatusChanged{SuspectID: in.Suspect, Status: in.Status, On: on,
				Explanation: strings.TrimSpace(in.Explanation)}},
		}
	})
}

// RecordReview is the input of Service.RecordReview.
type RecordReview struct {
	Version    int64    `json:"version"`              // the case version the officer saw
	Summary    string   `json:"summary"`              // what was reviewed and concluded
	Directions []string `json:"directions,omitempty"` // each becomes a high-priority action
	// DirectionsTo are the officers (user ids) who do the directions, in
	// their order; one left out or blank is the officer in charge's (a
	// case with none leaves that direction to allocate).
	DirectionsTo []string `json:"directions_to,omitempty"`
}

// RecordReview records a supervisory review; each direction becomes an
// action, allocated to the officer chosen for it (or the officer in
// charge) with the policy's target, who must be able to work it: every
// problem with every direction is refused at once.
func (s *Service) RecordReview(ctx context.Context, a *Actor, caseID string, in RecordReview) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "review", "", func(c *domain.Case,
		org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		required(p, "summary", in.Summary, "Summarise what you reviewed and concluded.")
		out := []ev{
			{domain.EvReviewRecorded, domain.ReviewRecorded{Review: domain.Review{ID: s.newID(), By: a.ID(), At: now,
				Summary: strings.TrimSpace(in.Summary), Directions: in.Directions}}},
		}
		if len(in.DirectionsTo) > len(in.Directions) {
			p.Add("directions_to", "too_many", "More officers were chosen than directions given: give each "+
				"officer a direction, or choose fewer.")
		}
		target := s.Policy().Due("action_target", now, s.cal).UTC()
		for i, d := range in.Directions {
			if strings.TrimSpace(d) == "" {
				p.Add(fmt.Sprintf("directions[%d]", i), "required", "A direction is empty: write it or remove it.")
				continue
			}
			act := domain.Action{ID: s.newID(), Number: len(c.Actions) + i + 1, Title: strings.TrimSpace(d),
				Priority: "high", State: domain.ActionStateRaised, RaisedBy: a.ID(), RaisedAt: now}
			out = append(out, ev{domain.EvActionRaised, domain.ActionRaised{Action: act}})
			to := c.OwnerID
			if i < len(in.DirectionsTo) && strings.TrimSpace(in.DirectionsTo[i]) != "" {
				to = strings.TrimSpace(in.DirectionsTo[i])
			}
			if to == "" {
				continue // no officer in charge yet: the direction waits to be allocated
			}
			field, n := fmt.Sprintf("directions_to[%d]", i), len(*p)
			u := namedWorker(p, org, c.TeamID, c.Ref, to, field, fmt.Sprintf("be given direction %d on it", i+1),
				caseWriters...)
			if u != nil && len(*p) == n {
				// The training gate (may_training.go), on the case as it
				// will be with the direction raised.
				with := *c
				with.Actions = append(slices.Clone(c.Actions), act)
				k := s.newCheck(a, &with, org, now)
				k.trained(p, field, workAction+act.ID, u, k.workers)
			}
			out = append(out, ev{domain.EvActionAllocated, domain.ActionAllocated{ActionID: act.ID, To: to,
				Target: target}})
		}
		return out
	})
}

// SetPlan is the input of Service.SetPlan.
type SetPlan struct {
	Version int64  `json:"version"` // the case version the officer saw
	Plan    string `json:"plan"`    // the investigation plan, replacing the last one
}

// SetPlan records the investigation plan.
func (s *Service) SetPlan(ctx context.Context, a *Actor, caseID string, in SetPlan) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "plan", "", func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		required(p, "plan", in.Plan, "Write the plan.")
		return []ev{{domain.EvPlanSet, domain.PlanSet{Plan: strings.TrimSpace(in.Plan)}}}
	})
}

// RecordDecision is the input of Service.RecordDecision.
type RecordDecision struct {
	Version   int64  `json:"version"`   // the case version the officer saw
	Decision  string `json:"decision"`  // what was decided
	Rationale string `json:"rationale"` // why
}

// RecordDecision adds an entry to the decision log.
func (s *Service) RecordDecision(ctx context.Context, a *Actor, caseID string,
	in RecordDecision) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "decision", "", func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		required(p, "decision", in.Decision, "Say what was decided.")
		required(p, "rationale", in.Rationale, "Say why it was decided.")
		return []ev{{domain.EvDecisionRecorded, domain.DecisionRecorded{Decision: domain.Decision{
			Number: len(
				c.Decisions,
			) + 1, Decision: strings.TrimSpace(in.Decision), Rationale: strings.TrimSpace(in.Rationale),
			DecidedBy: a.ID(), DecidedAt: now, RecordedBy: a.ID(), RecordedAt: now}}}}
	})
}
