package gate

import (
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/policy"
)

// Approval checks that approver may approve c's proposed closure.
func Approval(c *domain.Case, approver *domain.User, org *domain.OrgState, pol *policy.Policy) domain.Problems {
	if c.Closure == nil {
		// Not a rule broken but nothing to decide: the approval rules
		// all read the proposal.
		var p domain.Problems
		msg(&p, "", "approval", "No closure has been proposed on %s.", c.Ref)
		return p
	}
	return check("approval", Input{Case: c, Approver: approver, Org: org, Policy: pol})
}

func secondPerson(in *Input, report Report) {
	if c := in.Case; in.Approver.ID == c.Closure.ProposedBy || in.Approver.ID == c.OwnerID {
		report("", "A closure must be approved by someone other than the officer who proposed it or owns the case: "+
			"ask another supervisor of the right rank.")
	}
}

func approverRank(in *Input, report Report) {
	if need := RequiredRank(in.Case, in.Policy); !in.Approver.Rank.AtLeast(need) {
		report("", "%s, and you are %s: ask %s or above in the case's chain of command to approve it.",
			RankRule(in.Case, in.Policy), domain.RankNoun(in.Approver.Rank), domain.RankNoun(need))
	}
}

func approverChain(in *Input, report Report) {
	if !(domain.Org{Units: in.Org.Units}).Within(in.Case.TeamID, in.Approver.UnitID) {
		report("", "You are not in the chain of command of the team that holds %s: ask a supervisor there.",
			in.Case.Ref)
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

// RankRule says who approves c's proposed closure, as a sentence without
// its full stop: "Closures with outcome 14 on this case are approved by an
// inspector or above".
func RankRule(c *domain.Case, pol *policy.Policy) string {
	outcome := ""
	if c.Closure != nil {
		outcome = " with outcome " + c.Closure.Outcome
	}
	why := ""
	if Sensitive(c) {
		why = " (a child victim or a named suspect)"
	}
	return fmt.Sprintf("Closures%s on this case%s are approved by %s or above", outcome, why,
		domain.RankNoun(RequiredRank(c, pol)))
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
