package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/store"
)

// Caseload is what an officer holds now, for a supervisor choosing whom to
// give work (allocating a referral, accepting a transfer, a review's
// directions): their open cases, their overdue duties and those falling
// due within CaseloadAhead, on any team.
type Caseload struct {
	OpenCases int `json:"open_cases"`
	Overdue   int `json:"overdue_duties"`
	DueWeek   int `json:"due_within_week"`
	// Dormant is how many of Overdue are long-dormant (overdue by more
	// than DormantAfter), which the team board counts apart from today's
	// overdue work: a page beside the board says both, as it does.
	Dormant int `json:"long_dormant"`
}

// Recent is how many of the overdue duties are not long-dormant: the team
// board's "overdue".
func (c Caseload) Recent() int { return c.Overdue - c.Dormant }

// CaseloadAhead is how far ahead a caseload counts the duties falling due: a
// week, the span My work counts too.
const CaseloadAhead = 7 * 24 * time.Hour

// openStatuses are the statuses of a case still being worked.
var openStatuses = []domain.Status{domain.StatusReferral, domain.StatusOpen, domain.StatusClosureProposed}

// Caseloads reads the caseloads of the serving officers of a team (and
// the units above it) who may work its cases, by user id. Only a
// supervisor or manager who can see the team may read them.
func (s *Service) Caseloads(ctx context.Context, a *Actor, teamID string) (map[string]Caseload, error) {
	teams, err := s.boardTeams(ctx, a)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(teams, teamID) {
		return nil, fmt.Errorf("caseloads of a team outside your command: %w", ErrForbidden)
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	within := domain.Org{Units: org.Units}
	out := map[string]Caseload{}
	for id, u := range org.Users {
		if !u.Active || !within.Within(teamID, u.UnitID) ||
			!(u.HasRole(domain.RoleInvestigator) || u.HasRole(domain.RoleSupervisor)) {
			continue
		}
		cases, err := s.st.ListCases(ctx, store.CaseFilter{OwnerID: id, Status: openStatuses})
		if err != nil {
			return nil, fmt.Errorf("caseload of %s: %w", domain.PersonName(u), err)
		}
		duties, err := s.st.UserDuties(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("caseload of %s: %w", domain.PersonName(u), err)
		}
		cl := Caseload{OpenCases: len(cases)}
		for _, d := range duties {
			switch {
			case duty.Overdue(d.Due, now):
				cl.Overdue++
				if d.Due.Before(now.Add(-DormantAfter)) {
					cl.Dormant++
				}
			case d.Due.Before(now.Add(CaseloadAhead)):
				cl.DueWeek++
			}
		}
		out[id] = cl
	}
	return out, nil
}
