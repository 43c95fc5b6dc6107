package service

import (
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
)

// Actor is an authenticated person (or the system) making a call. It is
// rebuilt from the stored user on every request, so leaving or losing a
// role takes effect at once.
type Actor struct {
	User   domain.User
	System bool // the watchdog or the importer, acting for the force
}

// SystemActor acts for the force itself: the watchdog, migrations, imports.
func SystemActor(name string) *Actor {
	return &Actor{
		User:   domain.User{ID: "system:" + name, Username: "system:" + name, Name: "Holdfast " + name, Active: true},
		System: true,
	}
}

// ID is the actor's user id as recorded in events.
func (a *Actor) ID() string { return a.User.ID }

func (a *Actor) has(roles ...domain.Role) bool {
	if a.System {
		return true
	}
	for _, r := range roles {
		if a.User.HasRole(r) {
			return true
		}
	}
	return false
}

// forceWide roles see every case in their force: they audit, inspect or
// link across teams by the nature of the job.
var forceWide = []domain.Role{domain.RoleAuditor, domain.RoleInspector, domain.RoleAnalyst}

// caseWriters may change a case in their chain of command.
var caseWriters = []domain.Role{domain.RoleInvestigator, domain.RoleSupervisor, domain.RoleManager}

// CanSee reports need-to-know: the case's team is the actor's unit or below
// it, or the actor's role grants force-wide sight.
func (a *Actor) CanSee(org *domain.OrgState, c *domain.Case) bool {
	if a.System {
		return true
	}
	o := domain.Org{Units: org.Units}
	if o.Within(c.TeamID, a.User.UnitID) && a.has(append(caseWriters, domain.RoleVictimLiaison)...) {
		return true
	}
	// The receiving chain must see a case offered to it, to decide on it.
	if c.Transfer != nil && o.Within(c.Transfer.ToTeam, a.User.UnitID) && a.has(supervisors...) {
		return true
	}
	return a.has(forceWide...) && o.ForceOf(c.TeamID) == o.ForceOf(a.User.UnitID)
}

// inChain reports whether the case's team is in the actor's chain of command.
func (a *Actor) inChain(org *domain.OrgState, teamID string) bool {
	if a.System {
		return true
	}
	return domain.Org{Units: org.Units}.Within(teamID, a.User.UnitID)
}

// mayDo checks that the actor holds one of roles and the case is in their
// chain of command (sight through a force-wide role is read-only). doing
// completes "Only … can …" ("add notes").
func (a *Actor) mayDo(org *domain.OrgState, c *domain.Case, doing string, roles ...domain.Role) error {
	if !a.has(roles...) {
		return &Forbidden{Rule: "role", Doing: infinitive(doing), Message: fmt.Sprintf("Only %s on this case's "+
			"team, or above it, can %s.", domain.RolesPhrase(roles), infinitive(doing))}
	}
	if !a.inChain(org, c.TeamID) {
		return &Forbidden{Rule: "chain_of_command", Message: fmt.Sprintf("%s is outside your team's chain of "+
			"command: only %s on its team, or above it, can %s.", c.Ref, domain.RolesPhrase(roles), infinitive(doing))}
	}
	return nil
}

// need checks that the actor holds one of roles; doing completes "Only …
// can …".
func (a *Actor) need(doing string, roles ...domain.Role) error {
	if !a.has(roles...) {
		return &Forbidden{Rule: "role", Doing: infinitive(doing), Message: fmt.Sprintf("Only %s can %s.",
			domain.RolesPhrase(roles), infinitive(doing))}
	}
	return nil
}

// doings turn the names some commands give themselves into what follows
// "Only … can …".
var doings = map[string]string{
	"opening a referral":                  "open referrals",
	"creating a unit":                     "add units",
	"adding a user":                       "add users",
	"recording a leaver":                  "record leavers",
	"answering an audit finding":          "answer audit findings",
	"create audit":                        "plan audits",
	"assign audit review":                 "assign audit reviews",
	"sign off audit review":               "sign off audit reviews",
	"submit audit review":                 "submit audit reviews",
	"updating a case":                     "correct a case",
	"assigning an owner":                  "assign a case's owner",
	"reopening a case":                    "reopen cases",
	"deciding a review request":           "decide review requests",
	"triage closed cases":                 "triage closed cases",
	"see suspects linked across cases":    "see suspects linked across cases",
	"reading the security log":            "read the security log",
	"resetting two-step sign-in":          "reset two-step sign-in",
	"resetting a password":                "reset a password",
	"checking a sign-in lock":             "check a sign-in lock",
	"unlocking a sign-in":                 "unlock a sign-in",
	"listing another person's API tokens": "list another person's API tokens",
}

func infinitive(doing string) string {
	if d, ok := doings[doing]; ok {
		return d
	}
	return doing
}

// namedWorker checks the person a command names to do work on a case of
// teamID (ref), adding to p under field why they could not: they must
// serve, hold one of roles, and have need-to-know (the team is their unit
// or below it), or the work lands on someone who gets 404 on the case.
func namedWorker(p *domain.Problems, org *domain.OrgState, teamID, ref, id, field, work string,
	roles ...domain.Role) *domain.User {
	u := org.Users[id]
	switch {
	case u == nil || !u.Active:
		p.Add(field, "unknown_user", "Choose a serving officer from the list.")
		return nil
	case !(domain.Org{Units: org.Units}).Within(teamID, u.UnitID):
		p.Add(field, "cannot_see", fmt.Sprintf("%s cannot see %s, which is outside their team's chain of command, "+
			"so cannot %s: choose someone in that chain.", domain.PersonName(u), ref, work))
	case !(&Actor{User: *u}).has(roles...):
		p.Add(field, "cannot_do", fmt.Sprintf("%s cannot %s: only %s can. Choose someone else.",
			domain.PersonName(u), work, domain.RolesPhrase(roles)))
	}
	return u
}
