package service

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
)

// A manager's override of the training gate (issue 21, docs/training.md):
// in an emergency a manager in the case's chain of command may let one
// named officer be given one piece of work they lack the accreditation
// for, with a reason, for a time no longer than the policy's
// training.override_max. It is a case event (case.training_override), on
// the case's history, and the audit team lists every one.

// OverrideTraining is the input of Service.OverrideTraining.
type OverrideTraining struct {
	Version int64 `json:"version"` // the case version the manager saw
	// Work is what the override lets through: "owner" (allocation of the
	// case or acceptance of its transfer), "action" (allocation of the
	// action named by Action) or "approver" (approval of its closure).
	Work   string `json:"work"`
	Action string `json:"action_id,omitempty"`
	User   string `json:"user_id"` // the officer let through
	Reason string `json:"reason"`  // why, in ten letters or more
	Hours  int    `json:"hours"`   // how long it lasts, up to the policy's override_max
}

// overrideWork is the work key an override input names, or "".
func overrideWork(in OverrideTraining) string {
	switch in.Work {
	case workOwner, workApprover:
		return in.Work
	case "action":
		return workAction + in.Action
	}
	return ""
}

// maxOverrideHours is the policy's training.override_max in hours.
func (s *Service) maxOverrideHours(now time.Time) int {
	return int(s.Policy().Training.OverrideMax.After(now, s.cal).Sub(now).Hours())
}

// OverrideTraining records a manager's override: every problem with the
// input is reported at once, by field, and nothing is recorded.
func (s *Service) OverrideTraining(ctx context.Context, a *Actor, caseID string,
	in OverrideTraining) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "override-training", "", func(c *domain.Case,
		org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		work := overrideWork(in)
		switch {
		case work == "":
			p.Add("work", "unknown_work", "Choose what the override is for: the officer in charge, an action, "+
				"or approving the closure.")
		case in.Work == "action" && c.Action(in.Action) == nil:
			p.Add("action_id", "unknown_action", fmt.Sprintf("Choose an action on %s.", c.Ref))
		case in.Work == "action" && c.Action(in.Action).Ended():
			p.Add("action_id", "action_ended", fmt.Sprintf("Action A%d has ended: it cannot be allocated.",
				c.Action(in.Action).Number))
		}
		u := org.Users[in.User]
		switch {
		case u == nil || !u.Active:
			p.Add("user_id", "unknown_user", "Choose a serving officer from the list.")
		case u.ID == a.ID():
			p.Add("user_id", "own_override", "You cannot override the training requirement for yourself: "+
				"ask another manager.")
		case !(domain.Org{Units: org.Units}).Within(overrideTeam(c, work), u.UnitID):
			p.Add("user_id", "outside_team", fmt.Sprintf("%s is not in the team that would hold the work: "+
				"choose someone who is.", domain.PersonName(u)))
		}
		if wordChars(in.Reason) < 10 {
			p.Add("reason", "required", "Say why the override is needed, in a sentence the audit team can read.")
		}
		most := s.maxOverrideHours(now)
		if in.Hours < 1 || in.Hours > most {
			p.Add("hours", "hours", fmt.Sprintf("Give how long the override lasts, from 1 to %d hours (%s, the "+
				"force's limit).", most, s.Policy().Training.OverrideMax))
		}
		return []ev{{domain.EvTrainingOverride, domain.TrainingOverride{ID: s.newID(), Work: work, UserID: in.User,
			Reason: strings.TrimSpace(in.Reason), Until: now.Add(time.Duration(in.Hours) * time.Hour).UTC()}}}
	})
}

// overrideTeam is the team whose officers may be given work: the
// receiving team's for an owner while a transfer waits.
func overrideTeam(c *domain.Case, work string) string {
	if work == workOwner && c.Transfer != nil {
		return c.Transfer.ToTeam
	}
	return c.TeamID
}

// TrainingOverrideRow is one override as the audit team's list shows it.
type TrainingOverrideRow struct {
	CaseID   string                  `json:"case_id"`
	Ref      string                  `json:"ref"`
	Override domain.TrainingOverride `json:"override"`
	// Officer and By are rank and name; What says what it let through.
	Officer string `json:"officer"`
	By      string `json:"by"`
	What    string `json:"what"`
	Current bool   `json:"current"`
}

// TrainingOverrides lists every override of the training gate in the
// actor's force, newest first (auditors; managers see their chain's). It
// names who was let through on which case, not what is in the cases, so
// reading it records nothing.
func (s *Service) TrainingOverrides(ctx context.Context, a *Actor) ([]TrainingOverrideRow, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("see training overrides", domain.RoleAuditor, domain.RoleManager); err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := []TrainingOverrideRow{}
	err = s.st.ScanCases(ctx, func(c *domain.Case) error {
		if len(c.TrainingOverrides) == 0 || !a.CanSee(org, c) {
			return nil
		}
		for _, o := range c.TrainingOverrides {
			_, _, what := workFor(c, o.Work, now)
			out = append(out, TrainingOverrideRow{CaseID: c.ID, Ref: c.Ref, Override: o,
				Officer: domain.PersonName(org.Users[o.UserID]), By: domain.PersonName(org.Users[o.By]),
				What: what, Current: now.Before(o.Until)})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Override.At.After(out[j].Override.At) })
	return out, nil
}

// OverrideSummary is one override in words for the case history:
// "let DC Ian Lee be given action 2 (…) until 14:00 on 3 March 2026".
func OverrideSummary(c *domain.Case, org *domain.OrgState, o domain.TrainingOverride) string {
	_, _, what := workFor(c, o.Work, o.At)
	return fmt.Sprintf("overrode the training requirement for %s, for %s, until %s", what,
		domain.PersonName(org.Users[o.UserID]), clock.GovUK(o.Until))
}
