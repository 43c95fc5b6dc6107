package service

import (
	"context"
	"fmt"
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

// workflow is the shape of every workflow command: authorise, check every
// rule (collecting all problems), then append events. closedOK lets the
// command run on a closed case.
func (s *Service) workflow(
	ctx context.Context,
	a *Actor,
	caseID string,
	version int64,
	what string,
	roles []domain.Role,
	closedOK bool,
	decide func(c *domain.Case, org *domain.OrgState, now time.Time, p *domain.Problems) []ev,
) (*domain.Case, error) {
	return s.caseCommand(
		ctx,
		a,
		caseID,
		version,
		what,
		func(tx store.Tx, c *domain.Case, org *domain.OrgState, now time.Time) ([]*event.Event, error) {
			if err := a.mayWrite(org, c, what, roles...); err != nil {
				return nil, err
			}
			var p domain.Problems
			if !closedOK && !c.Status.IsOpen() {
				p.Add("", "case_closed", fmt.Sprintf("case %s is closed: reopen it first", c.Ref))
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

func findAction(c *domain.Case, id string, p *domain.Problems) *domain.Action {
	if act := c.Action(id); act != nil {
		return act
	}
	p.Add("action_id", "unknown_action", fmt.Sprintf("action %q is not on case %s", id, c.Ref))
	return nil
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
	return s.workflow(ctx, a, caseID, in.Version, "allocate action", caseWriters, false, func(c *domain.Case,
		org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		act := findAction(c, in.Action, p)
		if act != nil && act.Ended() {
			p.Add("action_id", "action_ended", fmt.Sprintf("action %d is %s", act.Number, act.State))
		}
		namedWorker(p, org, c.TeamID, c.Ref, in.To, "to", "work an action on it", caseWriters...)
		due := s.Policy().Due("action_target", now, s.cal)
		if in.Target != "" {
			d, err := time.ParseInLocation(time.DateOnly, in.Target, calendar.London)
			if err != nil {
				p.Add("target", "date", fmt.Sprintf("%q is not a date: use YYYY-MM-DD", in.Target))
			} else if d = d.AddDate(0, 0, 1).Add(-time.Nanosecond); d.Before(now) {
				p.Add("target", "future", "the target date has already passed")
			} else {
				due = d
			}
		}
		return []ev{
			{domain.EvActionAllocated, domain.ActionAllocated{ActionID: in.Action, To: in.To, Target: due.UTC()}},
		}
	})
}

// ResultAction is the input of Service.ResultAction.
type ResultAction struct {
	Version int64  `json:"version"`         // the case version the officer saw
	Action  string `json:"-" path:"action"` // action id: in the URL path (API) or a form field (pages)
	Result  string `json:"result"`          // what the enquiry found
}

// ResultAction records what a line of enquiry found.
func (s *Service) ResultAction(ctx context.Context, a *Actor, caseID string, in ResultAction) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, in.Version, "result action", caseWriters, false, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		act := findAction(c, in.Action, p)
		if act != nil && act.State != domain.ActionStateAllocated {
			p.Add(
				"action_id",
				"not_allocated",
				fmt.Sprintf("action %d is %s: only an allocated action can be resulted", act.Number, act.State),
			)
		}
		required(p, "result", in.Result, "say what the enquiry found")
		return []ev{{domain.EvActionResulted, domain.ActionResulted{ActionID: in.Action,
			Result: strings.TrimSpace(in.Result)}}}
	})
}

// FileAction is the input of Service.FileAction.
type FileAction struct {
	Version int64  `json:"version"`         // the case version the officer saw
	Action  string `json:"-" path:"action"` // action id: in the URL path (API) or a form field (pages)
}

// FileAction files a resulted action after review: a second pair of eyes,
// so not by the officer who resulted it (../shared/domain.md §4).
func (s *Service) FileAction(ctx context.Context, a *Actor, caseID string, in FileAction) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, in.Version, "file action", caseWriters, false, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		act := findAction(c, in.Action, p)
		if act != nil {
			if act.State != domain.ActionStateResulted {
				p.Add(
					"action_id",
					"not_resulted",
					fmt.Sprintf("action %d is %s: it must be resulted before it is filed", act.Number, act.State),
				)
			}
			if act.ResultedBy == a.ID() {
				p.Add(
					"action_id",
					"second_pair_of_eyes",
					"you resulted this action: the officer in charge or a supervisor must review and file it",
				)
			}
			if a.ID() != c.OwnerID && !a.has(supervisors...) {
				p.Add("action_id", "reviewer", "only the officer in charge or a supervisor files actions")
			}
		}
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
	return s.workflow(ctx, a, caseID, in.Version, "refer back action", caseWriters, false, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		act := findAction(c, in.Action, p)
		if act != nil && act.State != domain.ActionStateResulted {
			p.Add(
				"action_id",
				"not_resulted",
				fmt.Sprintf("action %d is %s: only a resulted action can be referred back", act.Number, act.State),
			)
		}
		required(p, "direction", in.Direction, "say what more must be done")
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
	return s.workflow(ctx, a, caseID, in.Version, "cancel action", supervisors, false, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		act := findAction(c, in.Action, p)
		if act != nil && act.Ended() {
			p.Add("action_id", "action_ended", fmt.Sprintf("action %d is already %s", act.Number, act.State))
		}
		if len(strings.TrimSpace(in.Reason)) < 10 {
			p.Add("reason", "required", "say why the line of enquiry is being cancelled (at least a sentence)")
		}
		return []ev{{domain.EvActionCancelled, domain.ActionCancelled{ActionID: in.Action,
			Reason: strings.TrimSpace(in.Reason)}}}
	})
}

func findVictim(c *domain.Case, id string, p *domain.Problems) *domain.Victim {
	if v := c.Victim(id); v != nil {
		return v
	}
	p.Add("victim_id", "unknown_victim", fmt.Sprintf("victim %q is not on case %s", id, c.Ref))
	return nil
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
	return s.workflow(ctx, a, caseID, in.Version, "agree contact plan", liaison, false, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		findVictim(c, in.Victim, p)
		if in.EveryDays < 1 || in.EveryDays > 90 {
			p.Add("every_days", "range", "the agreed frequency must be between 1 and 90 days")
		}
		required(
			p,
			"method",
			in.Method,
			"say how the victim wants to be contacted (phone, visit, email, via an adviser)",
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
	Method  string `json:"method,omitempty"` // how the victim was contacted
	Note    string `json:"note,omitempty"`
}

// RecordContact logs a contact with a victim. It runs on closed cases too:
// a closure owes the victim word of it.
func (s *Service) RecordContact(ctx context.Context, a *Actor, caseID string, in RecordContact) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, in.Version, "record victim contact", liaison, true, func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		findVictim(c, in.Victim, p)
		if !contains(domain.ContactKinds(), in.Kind) {
			p.Add("kind", "one_of", fmt.Sprintf("kind must be one of %v", domain.ContactKinds()))
		}
		return []ev{{domain.EvVictimContacted, domain.VictimContacted{VictimID: in.Victim,
			Contact: domain.Contact{
				ID:     s.newID(),
				Kind:   in.Kind,
				Method: in.Method,
				Note:   in.Note,
				By:     a.ID(),
				At:     now,
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
	return s.workflow(ctx, a, caseID, in.Version, "record victim's view", liaison, false, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		findVictim(c, in.Victim, p)
		required(p, "view", in.View, "record what the victim said, in their words where possible")
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
	return s.workflow(ctx, a, caseID, in.Version, "change suspect status", caseWriters, false, func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		if c.Suspect(in.Suspect) == nil {
			p.Add("suspect_id", "unknown_suspect", fmt.Sprintf("suspect %q is not on case %s", in.Suspect, c.Ref))
		}
		if !contains(domain.SuspectStatuses(), in.Status) {
			p.Add("status", "one_of", fmt.Sprintf("status must be one of %v", domain.SuspectStatuses()))
		}
		if in.On == "" {
			in.On = now.In(calendar.London).Format(time.DateOnly)
		}
		checkDate("on", in.On, now, p)
		return []ev{
			{domain.EvSuspectStatus, domain.SuspectStatusChanged{SuspectID: in.Suspect, Status: in.Status, On: in.On,
				Explanation: strings.TrimSpace(in.Explanation)}},
		}
	})
}

// RecordReview is the input of Service.RecordReview.
type RecordReview struct {
	Version    int64    `json:"version"`              // the case version the officer saw
	Summary    string   `json:"summary"`              // what was reviewed and concluded
	Directions []string `json:"directions,omitempty"` // each becomes a high-priority action
}

// RecordReview records a supervisory review; each direction becomes an action.
func (s *Service) RecordReview(ctx context.Context, a *Actor, caseID string, in RecordReview) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, in.Version, "record supervisory review", supervisors, false, func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		if a.ID() == c.OwnerID {
			p.Add("", "own_case", "a supervisory review must be by someone other than the officer in charge")
		}
		required(p, "summary", in.Summary, "summarise what you reviewed and concluded")
		out := []ev{
			{domain.EvReviewRecorded, domain.ReviewRecorded{Review: domain.Review{ID: s.newID(), By: a.ID(), At: now,
				Summary: strings.TrimSpace(in.Summary), Directions: in.Directions}}},
		}
		for i, d := range in.Directions {
			if strings.TrimSpace(d) == "" {
				p.Add(fmt.Sprintf("directions[%d]", i), "required", "a direction is empty")
				continue
			}
			out = append(
				out,
				ev{
					domain.EvActionRaised,
					domain.ActionRaised{Action: domain.Action{ID: s.newID(), Number: len(c.Actions) + i + 1,
						Title: strings.TrimSpace(
							d,
						), Priority: "high", State: domain.ActionStateRaised, RaisedBy: a.ID(), RaisedAt: now}},
				},
			)
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
	return s.workflow(ctx, a, caseID, in.Version, "set investigation plan", caseWriters, false, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		required(p, "plan", in.Plan, "write the plan")
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
	return s.workflow(ctx, a, caseID, in.Version, "record decision", caseWriters, false, func(c *domain.Case,
		_ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		required(p, "decision", in.Decision, "say what was decided")
		required(p, "rationale", in.Rationale, "say why")
		return []ev{{domain.EvDecisionRecorded, domain.DecisionRecorded{Decision: domain.Decision{
			Number: len(
				c.Decisions,
			) + 1, Decision: strings.TrimSpace(in.Decision), Rationale: strings.TrimSpace(in.Rationale),
			DecidedBy: a.ID(), DecidedAt: now, RecordedBy: a.ID(), RecordedAt: now}}}}
	})
}
