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

// BoardPageSize is how many duties one page of the team board lists.
const BoardPageSize = 50

// BoardPage is one page of the team board: its duties, soonest due first
// (so every overdue one before the rest), and the cursors of the pages
// either side ("" where there is none).
type BoardPage struct {
	Items []WorkItem `json:"items"`
	Next  string     `json:"next,omitempty"`
	Prev  string     `json:"prev,omitempty"`
}

// BoardPageIn asks for a page of the team board: the one after the cursor
// After, or before the cursor Before (both as BoardPage gave them), or the
// first.
type BoardPageIn struct {
	After  string `json:"after,omitempty" query:"after"`
	Before string `json:"before,omitempty" query:"before"`
}

// FormatBoardCursor is the cursor of a duty: its due time and its id.
func FormatBoardCursor(c store.DutyCursor) string {
	return c.Due.UTC().Format(time.RFC3339Nano) + "~" + c.ID
}

// ParseBoardCursor reads a cursor FormatBoardCursor wrote. A cursor is typed
// by nobody, but it comes back in a URL, so anything is refused cleanly.
func ParseBoardCursor(s string) (store.DutyCursor, error) {
	due, id, ok := strings.Cut(s, "~")
	if !ok || id == "" || len(s) > 200 {
		return store.DutyCursor{}, fmt.Errorf("%q is not a place in the team board", s)
	}
	t, err := time.Parse(time.RFC3339Nano, due)
	if err != nil || t.Year() < 1900 || t.Year() > 9999 {
		return store.DutyCursor{}, fmt.Errorf("%q is not a place in the team board", s)
	}
	return store.DutyCursor{Due: t.UTC(), ID: id}, nil
}

// TeamBoardPage reads one page of the team board (TeamBoard's duties, a
// page at a time, from the store), names the victims its duties are owed
// to and records the read of its cases.
func (s *Service) TeamBoardPage(ctx context.Context, a *Actor, in BoardPageIn) (*BoardPage, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	teams, err := s.boardTeams(ctx, a)
	if err != nil {
		return nil, err
	}
	f, err := s.finder()
	if err != nil {
		return nil, err
	}
	var p domain.Problems
	q := store.DutyPageFilter{TeamIDs: teams, Limit: BoardPageSize + 1}
	for _, x := range []struct {
		field, cursor string
		into          **store.DutyCursor
	}{{"after", in.After, &q.After}, {"before", in.Before, &q.Before}} {
		if x.cursor == "" || (x.field == "before" && q.After != nil) {
			continue
		}
		c, err := ParseBoardCursor(x.cursor)
		if err != nil {
			p.Add(x.field, "cursor", "The link to this page of the team board is damaged: start again from "+
				"the first page.")
			continue
		}
		*x.into = &c
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	rows, err := f.TeamDutyPage(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("team board: %w", err)
	}
	more := len(rows) > BoardPageSize
	if more {
		rows = rows[:BoardPageSize]
	}
	if q.Before != nil {
		slices.Reverse(rows)
	}
	out := &BoardPage{}
	if len(rows) > 0 {
		first := store.DutyCursor{Due: rows[0].Due, ID: rows[0].ID}
		last := store.DutyCursor{Due: rows[len(rows)-1].Due, ID: rows[len(rows)-1].ID}
		switch {
		case q.Before != nil:
			out.Next = FormatBoardCursor(last)
			if more {
				out.Prev = FormatBoardCursor(first)
			}
		default:
			if more {
				out.Next = FormatBoardCursor(last)
			}
			if q.After != nil {
				out.Prev = FormatBoardCursor(first)
			}
		}
	}
	// One at a time: the store's order (due, then id) is the board's, and
	// workItems would sort ties differently from the cursor.
	for _, r := range rows {
		out.Items = append(out.Items, s.workItems([]store.DutyRow{r}, s.clock.Now())...)
	}
	if err := s.nameVictims(ctx, out.Items); err != nil {
		return nil, err
	}
	if err := s.RecordRead(ctx, a, ReadTeam, "", itemCases(out.Items)); err != nil {
		return nil, err
	}
	return out, nil
}

// OrphanedCases lists the open cases of the actor's command whose owner has
// left or is inactive (the team board's list), from the store's few
// inactive users, never every case.
func (s *Service) OrphanedCases(ctx context.Context, a *Actor) ([]store.CaseRow, error) {
	teams, err := s.boardTeams(ctx, a)
	if err != nil {
		return nil, err
	}
	rows, err := s.st.OrphanedCases(ctx)
	if err != nil {
		return nil, err
	}
	var out []store.CaseRow
	for _, r := range rows {
		if slices.Contains(teams, r.TeamID) {
			out = append(out, r)
		}
	}
	return out, nil
}

// LeaverDuties is what one case owes through people who have left: the
// duties are still theirs, so nobody does them until a supervisor hands
// them on.
type LeaverDuties struct {
	CaseID  string `json:"case_id"`
	CaseRef string `json:"case_ref"`
	Duties  int    `json:"duties"`
	Overdue int    `json:"overdue"`
}

// DutiesOfLeavers lists, case by case in order of reference, the open
// duties of the actor's teams owed by people who have left or are
// inactive — on any case, closed ones too, whoever owns it — read through
// the store's few inactive users, never every duty. (A board said "Cases
// whose owner has left (0)" above 23 duties owed by leavers, all on
// closed cases.)
func (s *Service) DutiesOfLeavers(ctx context.Context, a *Actor) ([]LeaverDuties, error) {
	now := s.clock.Now()
	at := map[string]int{}
	out := []LeaverDuties{}
	err := s.boardUserDuties(ctx, a, func(u *domain.User, _ []string) bool { return !u.Active },
		func(_ *domain.User, r store.DutyRow) {
			i, ok := at[r.CaseID]
			if !ok {
				i = len(out)
				at[r.CaseID] = i
				out = append(out, LeaverDuties{CaseID: r.CaseID, CaseRef: r.CaseRef})
			}
			out[i].Duties++
			if duty.Overdue(r.Due, now) {
				out[i].Overdue++
			}
		})
	if err != nil {
		return nil, fmt.Errorf("duties of leavers: %w", err)
	}
	slices.SortFunc(out, func(x, y LeaverDuties) int { return strings.Compare(x.CaseRef, y.CaseRef) })
	return out, nil
}

// boardUserDuties calls each with the open duties on the actor's board
// teams of each user who, given those teams, is wanted: read user by user
// through the store's index of their duties, never every duty.
func (s *Service) boardUserDuties(ctx context.Context, a *Actor, want func(u *domain.User, teams []string) bool,
	each func(u *domain.User, r store.DutyRow)) error {
	teams, err := s.boardTeams(ctx, a)
	if err != nil {
		return err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return err
	}
	for id, u := range org.Users {
		if !want(u, teams) {
			continue
		}
		rows, err := s.st.UserDuties(ctx, id)
		if err != nil {
			return fmt.Errorf("duties of %s: %w", domain.PersonName(u), err)
		}
		for _, r := range rows {
			if slices.Contains(teams, r.TeamID) {
				each(u, r)
			}
		}
	}
	return nil
}
