package gate

import (
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
)

// Transfer checks a proposal to move c to team toTeam.
func Transfer(c *domain.Case, toTeam, reason string, org *domain.OrgState) domain.Problems {
	var p domain.Problems
	u, ok := org.Units[toTeam]
	switch {
	case !ok:
		msg(&p, "to_team", "transfer_target", "there is no team %q", toTeam)
	case u.Kind != domain.UnitTeam:
		msg(&p, "to_team", "transfer_target", "%s is not a team: cases are owned by teams", u.Name)
	case toTeam == c.TeamID:
		msg(&p, "to_team", "transfer_target", "the case is already with %s", u.Name)
	}
	if c.Transfer != nil {
		msg(&p, "", "transfer_target", "a transfer to another team is already waiting to be accepted")
	}
	if !c.Status.IsOpen() {
		msg(&p, "", "transfer_target", "a closed case cannot be transferred: reopen it first")
	}
	if len(strings.TrimSpace(reason)) < 5 {
		msg(&p, "reason", "transfer_reason", "say why the case is being transferred")
	}
	return p
}

// Reopen checks a reopening.
func Reopen(c *domain.Case, reason string) domain.Problems {
	var p domain.Problems
	if c.Status != domain.StatusClosed {
		msg(&p, "", "reopen_reason", "%s is not closed", c.Ref)
	}
	if len(strings.TrimSpace(reason)) < 10 {
		msg(&p, "reason", "reopen_reason", "say why the case is being reopened (at least a sentence)")
	}
	return p
}

// VRRReviewer checks that reviewer may decide a Victims' Right to Review
// of c's last closure: senior to the decision-maker and not involved.
func VRRReviewer(c *domain.Case, reviewer *domain.User, org *domain.OrgState) domain.Problems {
	var p domain.Problems
	var last *domain.Closure
	if n := len(c.Closures); n > 0 {
		last = &c.Closures[n-1]
	}
	if last == nil || last.ApprovedBy == "" {
		msg(&p, "", "vrr_rank", "there is no closure decision on %s to review", c.Ref)
		return p
	}
	if dm, ok := org.Users[last.ApprovedBy]; ok && !reviewer.Rank.Above(dm.Rank) {
		msg(&p, "reviewer", "vrr_rank", "the reviewer must be at least one rank above the decision-maker (%s); %s is a %s", dm.Rank, reviewer.Name, reviewer.Rank)
	}
	if Involved(c, reviewer.ID) {
		msg(&p, "reviewer", "vrr_independent", "%s has been involved in this case and cannot review its closure", reviewer.Name)
	}
	return p
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
	for _, r := range c.Reviews {
		if r.By == user {
			return true
		}
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
