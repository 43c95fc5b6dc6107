package service

import (
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/policy"
)

// The training gate (issue 21, docs/training.md): the policy's
// training.requirements say which accreditation the person given a piece
// of work must hold. Allocation of a case (assign-owner), of an action
// (allocate-action), transfer acceptance (its new owner) and closure
// approval (the approver) are refused, with the reason and the eligible
// officers in the team, unless they hold it or a manager's recorded
// override names them for that work. The same functions answer the
// commands and the pages' pickers (Permissions.Unmet), so a picker never
// offers as eligible someone the command refuses.

// Work keys: what an override names and the gate checks.
const (
	workOwner    = "owner"           // the officer in charge (allocation and transfer acceptance)
	workApprover = duty.WorkApprover // the approver of the proposed closure
	workAction   = "action:"         // + action id: the officer the action is allocated to
)

// trainingWork is the facts of c the requirements match on, as at now
// (duty.TrainingWork, which routing the approval duty reads too).
func trainingWork(c *domain.Case, now time.Time) policy.Work { return duty.TrainingWork(c, now) }

// workFor is the role and facts of one piece of work on c: workOwner,
// workApprover or workAction+id.
func workFor(c *domain.Case, work string, now time.Time) (string, policy.Work, string) {
	w := trainingWork(c, now)
	switch {
	case work == workApprover:
		return policy.NeedApprover, duty.ApproverWork(c, now), "approving the closure of " + c.Ref
	case strings.HasPrefix(work, workAction):
		what := "the action"
		if act := c.Action(strings.TrimPrefix(work, workAction)); act != nil {
			w.Action, w.Priority = act.Standard, act.Priority
			what = fmt.Sprintf("action A%d (%s)", act.Number, act.Title)
		}
		return policy.NeedAction, w, what
	default:
		return policy.NeedOwner, w, "being officer in charge of " + c.Ref
	}
}

// workDoing is the work on c as what someone does: "be officer in charge
// of CSE/2026/000029", so that a refusal reads "X cannot be officer in
// charge of …" and a lapse "they need it to be officer in charge of …".
func workDoing(c *domain.Case, work string) string {
	switch {
	case work == workApprover:
		return "approve the closure of " + c.Ref
	case strings.HasPrefix(work, workAction):
		if act := c.Action(strings.TrimPrefix(work, workAction)); act != nil {
			return fmt.Sprintf("be given action A%d, %s, on %s", act.Number, act.Title, c.Ref)
		}
		return "be given the action on " + c.Ref
	default:
		return "be officer in charge of " + c.Ref
	}
}

// unmet lists the requirements of work on k's case that u does not meet
// now: not held, and no current override names u for that work.
func (k *check) unmet(work string, u *domain.User) []policy.Requirement {
	role, w, _ := workFor(k.c, work, k.now)
	return duty.Unmet(k.c, u, k.pol, work, role, w, k.now)
}

// trained adds to p a problem for each requirement of work that u does
// not meet, on field, the last naming the officers in pool who do.
func (k *check) trained(p *domain.Problems, field, work string, u *domain.User, pool func(*domain.User) bool) {
	miss := k.unmet(work, u)
	if len(miss) == 0 {
		return
	}
	who, they := "You", "you"
	if u.ID != k.a.ID() {
		who, they = domain.PersonName(u), "they"
	}
	for i, r := range miss {
		msg := fmt.Sprintf("%s cannot %s: that needs %s, which %s do not hold.", who, workDoing(k.c, work),
			k.pol.Training.KindLabel(r.Needs), they)
		if why := strings.TrimSpace(r.Why); why != "" {
			msg += " " + domain.Sentence(why)
		}
		if i == len(miss)-1 {
			msg += " " + k.eligible(work, pool)
		}
		p.Add(field, r.ID, msg)
	}
}

// eligible names the officers in pool who meet every requirement of work,
// as a sentence.
func (k *check) eligible(work string, pool func(*domain.User) bool) string {
	ids := k.people(func(u *domain.User) bool { return pool(u) && len(k.unmet(work, u)) == 0 })
	// An approver is drawn from the chain of command, not the team.
	where := "in the team"
	if work == workApprover {
		where = "in the chain of command"
	}
	if len(ids) == 0 {
		return "Nobody " + where + " holds what it needs: a manager may record a time-limited override, " +
			"or the work may be transferred."
	}
	names := NamesUpTo(k.org, ids, 5)
	return "Eligible " + where + ": " + domain.JoinAnd(names) + "."
}

// owners is the pool of possible officers in charge in team.
func (k *check) owners(team string) func(*domain.User) bool {
	return func(u *domain.User) bool {
		return (domain.Org{Units: k.org.Units}).Within(team, u.UnitID) &&
			(u.HasRole(domain.RoleInvestigator) || u.HasRole(domain.RoleSupervisor))
	}
}

// workers is the pool of officers an action on the case may go to.
func (k *check) workers(u *domain.User) bool {
	return (domain.Org{Units: k.org.Units}).Within(k.c.TeamID, u.UnitID) && (&Actor{User: *u}).has(caseWriters...)
}

// Unmet is why the officer userID may not be given the work a picker
// offers — cmd "assign-owner", "accept-transfer" or "allocate-action"
// (with the action id as target) — for lack of an accreditation, or ""
// when they may. The pickers mark officers with it.
func (p *Permissions) Unmet(cmd, target, userID string) string {
	if p == nil || p.k == nil {
		return ""
	}
	k := p.k
	u := k.org.Users[userID]
	if u == nil {
		return ""
	}
	work := workOwner
	if c := CaseCommandNamed(cmd); c != nil && c.Name == "allocate-action" {
		work = workAction + target
	}
	var labels []string
	for _, r := range k.unmet(work, u) {
		labels = append(labels, k.pol.Training.KindLabel(r.Needs))
	}
	if len(labels) == 0 {
		return ""
	}
	return "lacks " + domain.JoinAnd(labels)
}
