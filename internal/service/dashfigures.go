package service

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// figureDashTeams makes the dashboard's figures per team from the counts
// the store keeps (store.Figures): a few rows a team, and the duties due
// since the start of today, however many cases there are (issue 20). It
// gives what scanDashTeams's pass over every case gives.
func (s *Service) figureDashTeams(ctx context.Context, fs store.Figures, months int) (*dashTeams, error) {
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	all, err := fs.TeamFigures(ctx)
	if err != nil {
		return nil, err
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	due, err := fs.DueBetween(ctx, today, now)
	if err != nil {
		return nil, err
	}
	out := &dashTeams{at: now, months: months, teams: map[string]*dashAcc{}}
	first := store.MonthIndex(now) - (months - 1)
	teamAcc := out.team
	// overdue[case team][duty team]: the count at each month's end; the
	// last month's end is now.
	overdue := map[string]map[string][]int{}
	row := func(team, dutyTeam string) []int {
		if overdue[team] == nil {
			overdue[team] = map[string][]int{}
		}
		if overdue[team][dutyTeam] == nil {
			overdue[team][dutyTeam] = make([]int, months)
		}
		return overdue[team][dutyTeam]
	}
	for team, figs := range all {
		for fig, n := range figs {
			if strings.HasPrefix(fig, store.FigBoard) {
				continue // the board's, under the duty's team
			}
			s.addFigure(teamAcc, team, org, fig, n, first, months, today, func(dutyTeam string) []int {
				return row(team, dutyTeam)
			})
		}
	}
	// Overdue duties count under the team that owes them (as the team
	// board counts them), the rest under the case's team.
	for _, d := range due {
		if !d.Due.After(now) {
			teamAcc(d.DutyTeam).d.OverdueNow++
		}
		if d.Due.Before(now) {
			row(d.CaseTeam, d.DutyTeam)[months-1]++
		}
	}
	teamName := func(id string) string {
		if u := org.Units[id]; u != nil {
			return u.Name
		}
		return id
	}
	for _, rows := range overdue {
		ids := make([]string, 0, len(rows))
		for id := range rows {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			r := rows[id]
			for _, n := range r {
				if n != 0 {
					addInts(teamAcc(id).overdueRow(teamName(id)), r)
					break
				}
			}
		}
	}
	return out, nil
}

// team is the figures of team id, new ones at first.
func (o *dashTeams) team(id string) *dashAcc {
	acc := o.teams[id]
	if acc == nil {
		acc = newDashAcc(o.at, o.months)
		o.teams[id] = acc
	}
	return acc
}

// addFigure adds figure fig's count n, kept under team, to teamAcc(team)
// (an overdue duty to its owing team's). first is the month index of
// the dashboard's first month; row gives the overdue counts of a duty
// team, by month.
func (s *Service) addFigure(teamAcc func(string) *dashAcc, team string, org *domain.OrgState, fig string, n, first,
	months int, today time.Time, row func(dutyTeam string) []int) {
	acc := teamAcc(team)
	d := &acc.d
	inWindow := func(month string) int {
		t, err := time.Parse("2006-01", month)
		if err != nil {
			return -1
		}
		if m := store.MonthIndex(t) - first; m >= 0 && m < months {
			return m
		}
		return -1
	}
	name, arg, _ := strings.Cut(fig, ":")
	switch name + ":" {
	case store.FigOwner:
		d.OpenCases += n
		if arg == "" {
			d.Unallocated += n
		} else if u := org.Users[arg]; u == nil || !u.Active {
			d.Orphaned += n
		}
	case store.FigNever + ":":
		d.NeverContacted += n
	case store.FigContact:
		if b, err := strconv.Atoi(arg); err == nil && b >= 0 && b < len(d.FirstContact) {
			d.FirstContact[b] += n
		}
	case store.FigOutcome:
		acc.outcomes[arg] += n
	case store.FigClosed, store.FigReopened, store.FigMet, store.FigOnTime:
		m := inWindow(arg)
		if m < 0 {
			return
		}
		map[string][]int{store.FigClosed: d.Closed, store.FigReopened: d.Reopened, store.FigMet: d.OnTimeTotal,
			store.FigOnTime: d.OnTimeMet}[name+":"][m] += n
	case store.FigOverdue:
		// A delta from its month on: each past month's end counts the
		// deltas up to it; the current month's end is now (the open
		// duties due, below).
		dutyTeam, month, _ := strings.Cut(arg, "|")
		t, err := time.Parse("2006-01", month)
		if err != nil {
			return
		}
		r := row(dutyTeam)
		for m := max(store.MonthIndex(t)-first, 0); m < months-1; m++ {
			r[m] += n
		}
	case store.FigDue:
		dutyTeam, day, _ := strings.Cut(arg, "|")
		if day < store.DayKey(today) {
			teamAcc(dutyTeam).d.OverdueNow += n
			row(dutyTeam)[months-1] += n
		}
	}
}
