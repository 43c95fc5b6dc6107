package duty

import (
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/offence"
	"github.com/holdfast/holdfast/internal/policy"
)

// WorkApprover is the work key a training override names to let one
// officer approve a case's proposed closure without the accreditation the
// policy asks of its approver (service/training_override.go).
const WorkApprover = "approver"

// Approver is who must approve c's proposed closure, judged at t: the
// nearest eligible officer in the team's chain of command (MayApprove) —
// the one rule the approve command also applies, so the duty never falls
// to someone who would then be refused, and a duty held by someone who
// cannot meet it is a case dropped by design. Among several eligible in
// one unit it is the lowest in rank (the department's inspector, not its
// chief inspector, approves what an inspector may): the decision sits as
// low as the rules allow. With nobody eligible, the team's supervisor (or
// the force's fallback, see Supervisor) holds it and the ladder takes it
// up.
//
// The duty reactor passes the case's last change as t, so that replaying
// the log routes every approval as it was routed.
func Approver(org *domain.OrgState, c *domain.Case, pol *policy.Policy, t time.Time) string {
	if c.Closure == nil {
		return Supervisor(org, c.TeamID)
	}
	fit := func(u *domain.User) bool { return MayApprove(org, c, pol, u, t) }
	id := nearest(org, c.TeamID, fit)
	if id == "" {
		return Supervisor(org, c.TeamID)
	}
	unit := org.Users[id].UnitID
	for _, u := range org.Users {
		if u.Active && u.UnitID == unit && fit(u) {
			if best := org.Users[id]; best.Rank.Above(u.Rank) || (!u.Rank.Above(best.Rank) && u.ID < id) {
				id = u.ID
			}
		}
	}
	return id
}

// MayApprove reports whether u may approve c's proposed closure at t: a
// supervisor or manager whom the approval gate lets (rank, chain of
// command, a second person) and who holds every accreditation the policy
// asks of its approver, or is named by a current override (ApproverUnmet).
// Routing (Approver) and the approve command (the service) both ask it.
func MayApprove(org *domain.OrgState, c *domain.Case, pol *policy.Policy, u *domain.User, t time.Time) bool {
	return (u.HasRole(domain.RoleSupervisor) || u.HasRole(domain.RoleManager)) &&
		len(gate.Approval(c, u, org, pol)) == 0 && len(ApproverUnmet(c, u, pol, t)) == 0
}

// ApproverUnmet lists the training requirements for approving c's
// proposed closure that u does not meet at t.
func ApproverUnmet(c *domain.Case, u *domain.User, pol *policy.Policy, t time.Time) []policy.Requirement {
	return Unmet(c, u, pol, WorkApprover, policy.NeedApprover, ApproverWork(c, t), t)
}

// ApproverWork is the facts of c the approver's requirements match on at
// t: the case's, and the proposed outcome.
func ApproverWork(c *domain.Case, t time.Time) policy.Work {
	w := TrainingWork(c, t)
	if c.Closure != nil {
		w.Outcome = c.Closure.Outcome
	}
	return w
}

// Unmet lists the requirements of role for work w on c that u does not
// meet at t: not held, and no override on c current at t naming u for the
// work key.
func Unmet(c *domain.Case, u *domain.User, pol *policy.Policy, work, role string, w policy.Work,
	t time.Time) []policy.Requirement {
	var out []policy.Requirement
	for _, r := range pol.Training.Needs(role, w) {
		if !u.HoldsAt(r.Needs, t) {
			out = append(out, r)
		}
	}
	if len(out) > 0 && c.TrainingOverrideFor(work, u.ID, t) != nil {
		return nil
	}
	return out
}

// TrainingWork is the facts of c the training requirements match on, as
// at t (a victim's age moves with it).
func TrainingWork(c *domain.Case, t time.Time) policy.Work {
	w := policy.Work{Offences: c.OffenceTypes, Victims: len(c.Victims), Suspects: len(c.Suspects)}
	cls := offence.Current()
	for _, o := range c.OffenceTypes {
		if off, ok := cls.Lookup(o); ok {
			w.Groups = append(w.Groups, off.Group)
			w.ChildVictim = w.ChildVictim || off.Child
		}
	}
	for _, v := range c.Victims {
		dob, _ := time.Parse(time.DateOnly, v.DateOfBirth)
		w.ChildVictim = w.ChildVictim || domain.ChildAt(dob, t)
	}
	w.Sensitive = gate.Sensitive(c)
	return w
}
