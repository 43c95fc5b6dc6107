package gate

import (
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
)

// Transfer checks a proposal to move c to team toTeam.
func Transfer(c *domain.Case, toTeam, reason string, org *domain.OrgState) domain.Problems {
	return check("transfer", Input{Case: c, ToTeam: toTeam, Reason: reason, Org: org})
}

func transferTarget(in *Input, report Report) {
	c := in.Case
	u, ok := in.Org.Units[in.ToTeam]
	switch {
	case !ok:
		report("to_team", "Choose the team to transfer the case to from the list.")
	case u.Kind != domain.UnitTeam:
		report("to_team", "%s is not a team, and cases are owned by teams: choose a team.", u.Name)
	case in.ToTeam == c.TeamID:
		report("to_team", "The case is already with %s: choose another team.", u.Name)
	}
	if c.Transfer != nil {
		report("", "A transfer to another team is already waiting to be accepted: wait for the receiving team to decide.")
	}
	if !c.Status.IsOpen() {
		report("", "A closed case cannot be transferred: reopen it first.")
	}
}

func transferReason(in *Input, report Report) {
	if len(strings.TrimSpace(in.Reason)) < 5 {
		report("reason", "Say why the case is being transferred.")
	}
}
