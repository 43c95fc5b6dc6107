package service

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// dutyReactor opens, meets and cancels duties after every case command, and
// resolves findings whose cause has gone: the one place duties change.
func (s *Service) dutyReactor(
	c *domain.Case,
	org *domain.OrgState,
	evs []*event.Event,
	now time.Time,
) ([]*event.Event, error) {
	actor := "system:duties"
	if len(evs) > 0 {
		actor = evs[0].Actor
	}
	onlyBookkeeping := true
	for _, e := range evs {
		if domain.ChangesCase(e.Type) {
			onlyBookkeeping = false
		}
	}
	if onlyBookkeeping {
		return nil, nil
	}
	out, err := s.dutyRules().Reconcile(c, org, actor, now)
	if err != nil {
		return nil, fmt.Errorf("duties of %s: %w", c.Ref, err)
	}
	standing := map[string]bool{}
	for _, f := range c.Flags() {
		standing[f.Kind] = true
	}
	// Reconcile's own events may settle a flag (a new duty ends
	// "no open duty"), so look at the case as it will be.
	if len(out) > 0 {
		next := c
		for _, e := range out {
			cp := *e
			if next, err = domain.ApplyCase(clone(next), &cp); err != nil {
				return nil, err
			}
		}
		standing = map[string]bool{}
		for _, f := range next.Flags() {
			standing[f.Kind] = true
		}
	}
	if u, ok := org.Users[c.OwnerID]; ok && !u.Active && c.Status.IsOpen() {
		standing[FindingOrphaned] = true
	}
	if c.Transfer != nil {
		standing[FindingTransferOverdue] = true
	}
	for _, f := range c.Findings {
		if f.Resolved.IsZero() && isWatchdogFinding(f.Kind) && !standing[f.Kind] {
			e, err := domain.NewEvent(domain.EvFindingResolved, actor, c.ID, now, domain.FindingResolved{ID: f.ID})
			if err != nil {
				return nil, err
			}
			out = append(out, e)
		}
	}
	return out, nil
}

func clone(c *domain.Case) *domain.Case {
	cp := *c
	cp.Duties = append([]domain.Duty(nil), c.Duties...)
	cp.Findings = append([]domain.Finding(nil), c.Findings...)
	return &cp
}

// WorkItem is an open duty as a work list shows it.
type WorkItem struct {
	store.DutyRow
	Says    string `json:"says"`
	Overdue bool   `json:"overdue"`
}

func (s *Service) workItems(rows []store.DutyRow, now time.Time) []WorkItem {
	out := make([]WorkItem, len(rows)) // never nil: an empty list is []
	for i, d := range rows {
		key := d.Kind
		switch key {
		case "supervisory_review":
			key = "review"
		case "decision_notice":
			key = "decision_notice_enhanced"
		}
		out[i] = WorkItem{DutyRow: d, Says: s.Policy().Says(key), Overdue: !d.Due.After(now)}
	}
	// Overdue first, then soonest due.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Overdue != out[j].Overdue {
			return out[i].Overdue
		}
		return out[i].Due.Before(out[j].Due)
	})
	return out
}

// MyWork lists every open duty of the actor, overdue first.
func (s *Service) MyWork(ctx context.Context, a *Actor) ([]WorkItem, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	rows, err := s.st.UserDuties(ctx, a.ID())
	if err != nil {
		return nil, fmt.Errorf("my work: %w", err)
	}
	return s.workItems(rows, s.clock.Now()), nil
}

// BoardLimit is the most duties a team board lists: the soonest due, so
// every overdue one while there are fewer than this. TeamBoardCounts says
// how many there are in all, so that a board never leaves any out unsaid.
const BoardLimit = 5000

// TeamBoard lists the open duties of every team the actor supervises or
// manages (their unit and those below it), overdue first: at most
// BoardLimit of them, the soonest due.
func (s *Service) TeamBoard(ctx context.Context, a *Actor) ([]WorkItem, error) {
	teams, err := s.boardTeams(ctx, a)
	if err != nil {
		return nil, err
	}
	rows, err := s.st.TeamDuties(ctx, teams, s.boardLimit)
	if err != nil {
		return nil, fmt.Errorf("team board: %w", err)
	}
	return s.workItems(rows, s.clock.Now()), nil
}

// TeamBoardCounts counts the open duties of the actor's team board and
// those of them overdue, however many the board lists.
func (s *Service) TeamBoardCounts(ctx context.Context, a *Actor) (open, overdue int, err error) {
	teams, err := s.boardTeams(ctx, a)
	if err != nil {
		return 0, 0, err
	}
	open, overdue, err = s.st.TeamDutyCounts(ctx, teams, s.clock.Now())
	if err != nil {
		return 0, 0, fmt.Errorf("team board: %w", err)
	}
	return open, overdue, nil
}

// boardTeams are the teams whose duties the actor's board shows.
func (s *Service) boardTeams(ctx context.Context, a *Actor) ([]string, error) {
	if err := a.need("see the team board", domain.RoleSupervisor, domain.RoleManager); err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	return a.visibleTeams(org, nil), nil
}

// Inbox lists the actor's alerts: escalations and findings.
func (s *Service) Inbox(ctx context.Context, a *Actor) ([]store.InboxItem, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	items, err := s.st.Inbox(ctx, a.ID(), 200)
	if items == nil && err == nil {
		items = []store.InboxItem{}
	}
	return items, err
}
