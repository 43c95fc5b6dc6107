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
		report("to_team", "there is no team %q", in.ToTeam)
	case u.Kind != domain.UnitTeam:
		report("to_team", "%s is not a team: cases are owned by teams", u.Name)
	case in.ToTeam == c.TeamID:
		report("to_team", "the case is already with %s", u.Name)
	}
	if c.Transfer != nil {
		report("", "a transfer to another team is already waiting to be accepted")
	}
	if !c.Status.IsOpen() {
		report("", "a closed case cannot be transferred: reopen it first")
	}
}

func transferReason(in *Input, report Report) {
	if len(strings.TrimSpace(in.Reason)) < 5 {
		report("reason", "say why the case is being transferred")
	}
}
