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
func (s *Service) workflow(ctx context.Context, a *Actor, caseID string, version int64, what string, roles []domain.Role, closedOK bool,
	decide func(c *domain.Case, org *domain.OrgState, now time.Time, p *domain.Problems) []ev) (*domain.Case, error) {
	return s.caseCommand(ctx, a, caseID, version, what, func(tx store.Tx, c *domain.Case, org *domain.OrgState, now time.Time) ([]*event.Event, error) {
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
	})
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

// AllocateAction gives a line of enquiry to an officer with a target date.
func (s *Service) AllocateAction(ctx context.Context, a *Actor, caseID string, version int64, actionID, to, target string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "allocate action", caseWriters, false, func(c *domain.Case, org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		act := findAction(c, actionID, p)
		if act != nil && act.Ended() {
			p.Add("action_id", "action_ended", fmt.Sprintf("action %d is %s", act.Number, act.State))
		}
		if u := org.Users[to]; u == nil || !u.Active {
			p.Add("to", "unknown_user", fmt.Sprintf("%q is not a serving officer", to))
		}
		due := s.Policy().Due("action_target", now, s.cal)
		if target != "" {
			d, err := time.ParseInLocation(time.DateOnly, target, calendar.London)
			if err != nil {
				p.Add("target", "date", fmt.Sprintf("%q is not a date: use YYYY-MM-DD", target))
			} else if d = d.AddDate(0, 0, 1).Add(-time.Nanosecond); d.Before(now) {
				p.Add("target", "future", "the target date has already passed")
			} else {
				due = d
			}
		}
		return []ev{{domain.EvActionAllocated, domain.ActionAllocated{ActionID: actionID, To: to, Target: due.UTC()}}}
	})
}

// ResultAction records what a line of enquiry found.
func (s *Service) ResultAction(ctx context.Context, a *Actor, caseID string, version int64, actionID, result string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "result action", caseWriters, false, func(c *domain.Case, _ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		act := findAction(c, actionID, p)
		if act != nil && act.State != domain.ActionStateAllocated {
			p.Add("action_id", "not_allocated", fmt.Sprintf("action %d is %s: only an allocated action can be resulted", act.Number, act.State))
		}
		required(p, "result", result, "say what the enquiry found")
		return []ev{{domain.EvActionResulted, domain.ActionResulted{ActionID: actionID, Result: strings.TrimSpace(result)}}}
	})
}

// FileAction files a resulted action after review: a second pair of eyes,
// so not by the officer who resulted it (domain.md §4).
func (s *Service) FileAction(ctx context.Context, a *Actor, caseID string, version int64, actionID string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "file action", caseWriters, false, func(c *domain.Case, _ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		act := findAction(c, actionID, p)
		if act != nil {
			if act.State != domain.ActionStateResulted {
				p.Add("action_id", "not_resulted", fmt.Sprintf("action %d is %s: it must be resulted before it is filed", act.Number, act.State))
			}
			if act.ResultedBy == a.ID() {
				p.Add("action_id", "second_pair_of_eyes", "you resulted this action: the officer in charge or a supervisor must review and file it")
			}
			if a.ID() != c.OwnerID && !a.has(supervisors...) {
				p.Add("action_id", "reviewer", "only the officer in charge or a supervisor files actions")
			}
		}
		return []ev{{domain.EvActionFiled, domain.ActionFiled{ActionID: actionID}}}
	})
}

// ReferBackAction returns a resulted action to its officer with a direction.
func (s *Service) ReferBackAction(ctx context.Context, a *Actor, caseID string, version int64, actionID, direction string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "refer back action", caseWriters, false, func(c *domain.Case, _ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		act := findAction(c, actionID, p)
		if act != nil && act.State != domain.ActionStateResulted {
			p.Add("action_id", "not_resulted", fmt.Sprintf("action %d is %s: only a resulted action can be referred back", act.Number, act.State))
		}
		required(p, "direction", direction, "say what more must be done")
		return []ev{{domain.EvActionReferredBack, domain.ActionReferredBack{ActionID: actionID, Direction: strings.TrimSpace(direction)}}}
	})
}

// CancelAction ends a line of enquiry without a result: supervisors only,
// with a reason.
func (s *Service) CancelAction(ctx context.Context, a *Actor, caseID string, version int64, actionID, reason string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "cancel action", supervisors, false, func(c *domain.Case, _ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		act := findAction(c, actionID, p)
		if act != nil && act.Ended() {
			p.Add("action_id", "action_ended", fmt.Sprintf("action %d is already %s", act.Number, act.State))
		}
		if len(strings.TrimSpace(reason)) < 10 {
			p.Add("reason", "required", "say why the line of enquiry is being cancelled (at least a sentence)")
		}
		return []ev{{domain.EvActionCancelled, domain.ActionCancelled{ActionID: actionID, Reason: strings.TrimSpace(reason)}}}
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

// AgreeContactPlan records how often and how the victim wants updates.
func (s *Service) AgreeContactPlan(ctx context.Context, a *Actor, caseID string, version int64, victimID string, everyDays int, method string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "agree contact plan", liaison, false, func(c *domain.Case, _ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		findVictim(c, victimID, p)
		if everyDays < 1 || everyDays > 90 {
			p.Add("every_days", "range", "the agreed frequency must be between 1 and 90 days")
		}
		required(p, "method", method, "say how the victim wants to be contacted (phone, visit, email, via an adviser)")
		return []ev{{domain.EvContactPlanAgreed, domain.ContactPlanAgreed{VictimID: victimID, EveryDays: everyDays, Method: strings.TrimSpace(method)}}}
	})
}

// RecordContact logs a contact with a victim. It runs on closed cases too:
// a closure owes the victim word of it.
func (s *Service) RecordContact(ctx context.Context, a *Actor, caseID string, version int64, victimID, kind, method, note string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "record victim contact", liaison, true, func(c *domain.Case, _ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		findVictim(c, victimID, p)
		if !contains(domain.ContactKinds(), kind) {
			p.Add("kind", "one_of", fmt.Sprintf("kind must be one of %v", domain.ContactKinds()))
		}
		return []ev{{domain.EvVictimContacted, domain.VictimContacted{VictimID: victimID, Contact: domain.Contact{ID: s.newID(), Kind: kind, Method: method, Note: note, By: a.ID(), At: now}}}}
	})
}

// RecordVictimView records the victim's view of a proposed outcome.
func (s *Service) RecordVictimView(ctx context.Context, a *Actor, caseID string, version int64, victimID, view string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "record victim's view", liaison, false, func(c *domain.Case, _ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		findVictim(c, victimID, p)
		required(p, "view", view, "record what the victim said, in their words where possible")
		return []ev{{domain.EvVictimView, domain.VictimView{VictimID: victimID, View: strings.TrimSpace(view)}}}
	})
}

// SetSuspectStatus records a suspect reaching a status on a date.
func (s *Service) SetSuspectStatus(ctx context.Context, a *Actor, caseID string, version int64, suspectID string, status domain.SuspectStatus, on, explanation string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "change suspect status", caseWriters, false, func(c *domain.Case, _ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		if c.Suspect(suspectID) == nil {
			p.Add("suspect_id", "unknown_suspect", fmt.Sprintf("suspect %q is not on case %s", suspectID, c.Ref))
		}
		if !contains(domain.SuspectStatuses(), status) {
			p.Add("status", "one_of", fmt.Sprintf("status must be one of %v", domain.SuspectStatuses()))
		}
		if on == "" {
			on = now.In(calendar.London).Format(time.DateOnly)
		}
		checkDate("on", on, now, p)
		return []ev{{domain.EvSuspectStatus, domain.SuspectStatusChanged{SuspectID: suspectID, Status: status, On: on, Explanation: strings.TrimSpace(explanation)}}}
	})
}

// RecordReview records a supervisory review; each direction becomes an action.
func (s *Service) RecordReview(ctx context.Context, a *Actor, caseID string, version int64, summary string, directions []string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "record supervisory review", supervisors, false, func(c *domain.Case, _ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		if a.ID() == c.OwnerID {
			p.Add("", "own_case", "a supervisory review must be by someone other than the officer in charge")
		}
		required(p, "summary", summary, "summarise what you reviewed and concluded")
		out := []ev{{domain.EvReviewRecorded, domain.ReviewRecorded{Review: domain.Review{ID: s.newID(), By: a.ID(), At: now, Summary: strings.TrimSpace(summary), Directions: directions}}}}
		for i, d := range directions {
			if strings.TrimSpace(d) == "" {
				p.Add(fmt.Sprintf("directions[%d]", i), "required", "a direction is empty")
				continue
			}
			out = append(out, ev{domain.EvActionRaised, domain.ActionRaised{Action: domain.Action{ID: s.newID(), Number: len(c.Actions) + i + 1,
				Title: strings.TrimSpace(d), Priority: "high", State: domain.ActionStateRaised, RaisedBy: a.ID(), RaisedAt: now}}})
		}
		return out
	})
}

// SetPlan records the investigation plan.
func (s *Service) SetPlan(ctx context.Context, a *Actor, caseID string, version int64, plan string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "set investigation plan", caseWriters, false, func(c *domain.Case, _ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		required(p, "plan", plan, "write the plan")
		return []ev{{domain.EvPlanSet, domain.PlanSet{Plan: strings.TrimSpace(plan)}}}
	})
}

// RecordDecision adds an entry to the decision log.
func (s *Service) RecordDecision(ctx context.Context, a *Actor, caseID string, version int64, decision, rationale string) (*domain.Case, error) {
	return s.workflow(ctx, a, caseID, version, "record decision", caseWriters, false, func(c *domain.Case, _ *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		required(p, "decision", decision, "say what was decided")
		required(p, "rationale", rationale, "say why")
		return []ev{{domain.EvDecisionRecorded, domain.DecisionRecorded{Decision: domain.Decision{Number: len(c.Decisions) + 1, Decision: strings.TrimSpace(decision),
			Rationale: strings.TrimSpace(rationale), DecidedBy: a.ID(), DecidedAt: now, RecordedBy: a.ID(), RecordedAt: now}}}}
	})
}
