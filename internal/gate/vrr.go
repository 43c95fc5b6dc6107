package gate

import "github.com/holdfast/holdfast/internal/domain"

// VRRReviewer checks that reviewer may decide a Victims' Right to Review
// of c's last closure: senior to the decision-maker and not involved.
func VRRReviewer(c *domain.Case, reviewer *domain.User, org *domain.OrgState) domain.Problems {
	return check("vrr", Input{Case: c, Reviewer: reviewer, Org: org})
}

// decided is c's last approved closure: the decision a review is of.
func decided(c *domain.Case) *domain.Closure {
	if n := len(c.Closures); n > 0 && c.Closures[n-1].ApprovedBy != "" {
		return &c.Closures[n-1]
	}
	return nil
}

func vrrRank(in *Input, report Report) {
	last := decided(in.Case)
	if last == nil {
		report("", "There is no closure decision on %s to review.", in.Case.Ref)
		return
	}
	if dm, ok := in.Org.Users[last.ApprovedBy]; ok && !in.Reviewer.Rank.Above(dm.Rank) {
		report("reviewer", "The reviewer must be at least one rank above the decision-maker, %s, and %s is %s: "+
			"choose someone more senior.", domain.PersonName(dm), domain.PersonName(in.Reviewer),
			domain.RankNoun(in.Reviewer.Rank))
	}
}

// vrrIndependent: with no decision to review, vrr_rank has said so and
// there is nothing to be independent of.
func vrrIndependent(in *Input, report Report) {
	if decided(in.Case) != nil && Involved(in.Case, in.Reviewer.ID) {
		report("reviewer", "%s has been involved in this case and cannot review its closure: choose someone who "+
			"has not.", domain.PersonName(in.Reviewer))
	}
}

// Involved reports whether user took part in the case: owned it, proposed
// or approved a closure, reviewed it, or worked or filed an action.
func Involved(c *domain.Case, user string) bool {
	if c.OwnerID == user {
		return true
	}
	for _, cl := range c.Closures {
		if cl.ProposedBy == user || cl.ApprovedBy == user {
			return true
		}
	}
	if c.ReviewedBy(user) { // the reviews are out of the document
		return true
	}
	for _, a := range c.Actions {
		if a.AllocatedTo == user || a.ResultedBy == user || a.FiledBy == user || a.RaisedBy == user {
			return true
		}
	}
	for _, t := range c.Transfers {
		if t.ProposedBy == user || t.DecidedBy == user {
			return true
		}
	}
	return false
}
