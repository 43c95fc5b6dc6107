package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/store"
)

// DormantAfter is how long overdue a duty is before the team board counts
// it as long-dormant backlog (most of it inherited from imported records)
// and lists it apart, so that it does not lead today's work.
const DormantAfter = 365 * 24 * time.Hour

// OfficerDuties is what one officer of the board's teams owes there.
type OfficerDuties struct {
	UserID  string `json:"user_id"`
	Open    int    `json:"open"`    // open duties in all
	Overdue int    `json:"overdue"` // overdue, but not long-dormant
	Dormant int    `json:"dormant"` // overdue by more than DormantAfter
}

// BoardSummary is the team board grouped for a supervisor: each officer's
// duties, most overdue first, and the long-dormant backlog in all.
type BoardSummary struct {
	Officers []OfficerDuties `json:"officers"`
	// Dormant is how many duties are long-dormant, on DormantCases cases.
	Dormant      int       `json:"dormant"`
	DormantCases int       `json:"dormant_cases"`
	Cutoff       time.Time `json:"cutoff"` // duties due before it are long-dormant
}

// TeamBoardSummary groups the open duties of the actor's teams by the
// serving officer accountable for them, each officer's duties read
// through the store's index of them.
func (s *Service) TeamBoardSummary(ctx context.Context, a *Actor) (*BoardSummary, error) {
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	out := &BoardSummary{Cutoff: now.Add(-DormantAfter).UTC()}
	dormantCases := map[string]bool{}
	at := map[string]int{}
	err = s.boardUserDuties(ctx, a, func(u *domain.User, teams []string) bool {
		return u.Active && slices.Contains(teams, u.UnitID)
	}, func(u *domain.User, r store.DutyRow) {
		i, ok := at[u.ID]
		if !ok {
			i = len(out.Officers)
			at[u.ID] = i
			out.Officers = append(out.Officers, OfficerDuties{UserID: u.ID})
		}
		od := &out.Officers[i]
		od.Open++
		switch {
		case r.Due.Before(out.Cutoff):
			od.Dormant++
			out.Dormant++
			dormantCases[r.CaseID] = true
		case duty.Overdue(r.Due, now):
			od.Overdue++
		}
	})
	if err != nil {
		return nil, fmt.Errorf("team board: %w", err)
	}
	out.DormantCases = len(dormantCases)
	slices.SortFunc(out.Officers, func(x, y OfficerDuties) int {
		if x.Overdue != y.Overdue {
			return y.Overdue - x.Overdue
		}
		return strings.Compare(domain.PersonName(org.Users[x.UserID]), domain.PersonName(org.Users[y.UserID]))
	})
	return out, nil
}
