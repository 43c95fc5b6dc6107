package domain

import (
	"fmt"
	"strings"
)

// Rank is a police rank (or a staff grade) in the order that approval rules
// compare. Staff grades sit below constable for approval purposes.
type Rank string

const (
	RankStaff                Rank = "staff"
	RankConstable            Rank = "constable"
	RankSergeant             Rank = "sergeant"
	RankInspector            Rank = "inspector"
	RankChiefInspector       Rank = "chief_inspector"
	RankSuperintendent       Rank = "superintendent"
	RankChiefSuperintendent  Rank = "chief_superintendent"
	RankAssistantChief       Rank = "assistant_chief_constable"
	RankDeputyChiefConstable Rank = "deputy_chief_constable"
	RankChiefConstable       Rank = "chief_constable"
)

var rankOrder = map[Rank]int{
	RankStaff: 0, RankConstable: 1, RankSergeant: 2, RankInspector: 3,
	RankChiefInspector: 4, RankSuperintendent: 5, RankChiefSuperintendent: 6,
	RankAssistantChief: 7, RankDeputyChiefConstable: 8, RankChiefConstable: 9,
}

// Ranks lists every rank, lowest first.
func Ranks() []Rank {
	out := make([]Rank, len(rankOrder))
	for r, i := range rankOrder {
		out[i] = r
	}
	return out
}

// ParseRank accepts the snake_case name of a rank. Its error is a sentence
// for people (an import's problem list, the CLI, a form): every rank's code
// with its label, never a Go list.
func ParseRank(s string) (Rank, error) {
	r := Rank(s)
	if _, ok := rankOrder[r]; !ok {
		return "", fmt.Errorf("%s is not a rank: give %s", quoted(s), RankChoices())
	}
	return r, nil
}

// RankChoices is every rank as it is typed, with its label, lowest first:
// "staff (police staff), constable (detective constable), … or
// chief_constable (chief constable)".
func RankChoices() string {
	var xs []string
	for _, r := range Ranks() {
		xs = append(xs, string(r)+" ("+strings.ToLower(RankLabel(r))+")")
	}
	return JoinOr(xs)
}

// AtLeast reports whether r is the same as or senior to min.
func (r Rank) AtLeast(min Rank) bool { return rankOrder[r] >= rankOrder[min] }

// Above reports whether r is strictly senior to other.
func (r Rank) Above(other Rank) bool { return rankOrder[r] > rankOrder[other] }

// Role is what a user may do, independent of rank.
type Role string

const (
	RoleInvestigator  Role = "investigator"
	RoleSupervisor    Role = "supervisor"
	RoleManager       Role = "manager"
	RoleAuditor       Role = "auditor"
	RoleAnalyst       Role = "analyst"
	RoleVictimLiaison Role = "victim_liaison"
	RoleInspector     Role = "inspector" // external inspectorate: read-only figures
	RoleAdmin         Role = "administrator"
)

// Roles lists every role.
func Roles() []Role {
	return []Role{
		RoleInvestigator,
		RoleSupervisor,
		RoleManager,
		RoleAuditor,
		RoleAnalyst,
		RoleVictimLiaison,
		RoleInspector,
		RoleAdmin,
	}
}

// ParseRole accepts a role name; its error is a sentence, as ParseRank's.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles() {
		if string(r) == s {
			return r, nil
		}
	}
	return "", fmt.Errorf("%s is not a role: give %s", quoted(s), RoleChoices())
}

// RoleChoices is every role as it is typed: "investigator, supervisor, …
// or administrator" (the codes are the roles' names).
func RoleChoices() string {
	var xs []string
	for _, r := range Roles() {
		xs = append(xs, string(r))
	}
	return JoinOr(xs)
}

// quoted is what was typed, in quotation marks: "nothing" when it was empty.
func quoted(s string) string {
	if strings.TrimSpace(s) == "" {
		return "Nothing"
	}
	return "“" + s + "”"
}
