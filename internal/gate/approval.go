package gate

import (
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/policy"
)

// Approval checks that approver may approve c's proposed closure.
func Approval(c *domain.Case, approver *domain.User, org *domain.OrgState, pol *policy.Policy) domain.Problems {
	if c.Closure == nil {
		// Not a rule broken but nothing to decide: the approval rules
		// all read the proposal.
		var p domain.Problems
		msg(&p, "", "approval", "no closure has been proposed on %s", c.Ref)
		return p
	}
	return check("approval", Input{Case: c, Approver: approver, Org: org, Policy: pol})
}

func secondPerson(in *Input, report Report) {
	if c := in.Case; in.Approver.ID == c.Closure.ProposedBy || in.Approver.ID == c.OwnerID {
		report("", "a closure must be approved by a different person from the one who proposed it or owns the case")
	}
}

func approverRank(in *Input, report Report) {
	if need := RequiredRank(in.Case, in.Policy); !in.Approver.Rank.AtLeast(need) {
		report("", "closing with outcome %s on this case needs approval by a %s or above; you are a %s",
			in.Case.Closure.Outcome, need, in.Approver.Rank)
	}
}

func approverChain(in *Input, report Report) {
	if !(domain.Org{Units: in.Org.Units}).Within(in.Case.TeamID, in.Approver.UnitID) {
		report("", "you are not in the chain of command of the team that owns %s", in.Case.Ref)
	}
}

// Sensitive reports whether a closure needs the higher approver: a child
// victim or a named suspect (../shared/domain.md §3).
func Sensitive(c *domain.Case) bool {
	for _, v := range c.Victims {
		if v.Enhanced {
			return true
		}
	}
	for _, s := range c.Suspects {
		if s.Named() {
			return true
		}
	}
	return false
}

// RequiredRank is the lowest rank that may approve c's proposed closure.
func RequiredRank(c *domain.Case, pol *policy.Policy) domain.Rank {
	if c.Closure == nil {
		return domain.RankSergeant
	}
	o := pol.Outcome(c.Closure.Outcome)
	if o == nil {
		return domain.RankChiefConstable
	}
	if Sensitive(c) {
		return o.ApproverSensitive
	}
	return o.Approver
}
