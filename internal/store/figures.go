package store

import (
	"context"
	"strconv"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
)

// The dashboard's and the team board's figures are counts the write path
// keeps (issue 20): reading them costs a few rows per team, not a pass
// over every case. Each case adds to its team's figures; a figure is
// named by one of these prefixes and what follows it.
const (
	FigOwner    = "owner:"    // + owner id: open cases (not closed) of that owner
	FigNever    = "never"     // victims never contacted
	FigContact  = "contact:"  // + bucket (ContactBuckets): victims by wait for first contact
	FigOutcome  = "outcome:"  // + outcome code: closures approved
	FigClosed   = "closed:"   // + YYYY-MM: closures approved that month
	FigReopened = "reopened:" // + YYYY-MM: of those, the ones undone since
	FigMet      = "met:"      // + YYYY-MM: duties met that month
	FigOnTime   = "ontime:"   // + YYYY-MM: of those, the ones met by their due time
	// FigOverdue + duty team + "|" + YYYY-MM: +1 at the first month whose
	// end found the duty overdue, -1 at the first whose end found it met
	// or cancelled; a month's overdue count is the sum up to it.
	FigOverdue = "overdue:"
	// FigDue + duty team + "|" + YYYY-MM-DD: open duties due that day.
	FigDue = "due:"
	// FigBoard + YYYY-MM-DD, kept under the duty's own team (the board's
	// teams are its duties'): open duties due that day.
	FigBoard = "board:"
)

// ContactBuckets are the upper bounds of the waits for a first contact
// the dashboard groups victims by; the last has no bound.
var ContactBuckets = []time.Duration{24 * time.Hour, 72 * time.Hour, 240 * time.Hour, 720 * time.Hour, 1 << 62}

// MonthKey and DayKey name the month and day of t in figure names.
func MonthKey(t time.Time) string { return t.UTC().Format("2006-01") }
func DayKey(t time.Time) string   { return t.UTC().Format("2006-01-02") }

// Figures reads the kept figures.
type Figures interface {
	// TeamFigures reads every team's figures: team id, figure, count.
	TeamFigures(ctx context.Context) (map[string]map[string]int, error)
	// DueBetween lists the open duties due from from to to, both
	// included, with their case's team: the part of a day the daily
	// figures do not yet split at now.
	DueBetween(ctx context.Context, from, to time.Time) ([]DueDuty, error)
}

// DueDuty is an open duty's due time with its own and its case's team.
type DueDuty struct {
	CaseTeam, DutyTeam string
	Due                time.Time
}

// AddFigure receives a figure a case adds n to, under the case's team, or
// under another as UnderTeam names it.
type AddFigure func(figure string, n int)

// UnderTeam names figure as counted under team, whatever the case's team.
func UnderTeam(team, figure string) string { return "@" + team + "|" + figure }

// LiveFigures adds what case c's document counts towards: its open
// state, its victims, its closures and the duties its document holds.
func LiveFigures(c *domain.Case, add AddFigure) {
	if c.Status != domain.StatusClosed {
		add(FigOwner+c.OwnerID, 1)
	}
	for i := range c.Duties {
		DutyFigures(&c.Duties[i], add)
	}
	for i := range c.Victims {
		v := &c.Victims[i]
		if v.ContactCount == 0 {
			add(FigNever, 1)
			continue
		}
		wait := v.FirstContact.Sub(v.AddedAt)
		for b, max := range ContactBuckets {
			if wait <= max {
				add(FigContact+strconv.Itoa(b), 1)
				break
			}
		}
	}
	for i, cl := range c.Closures {
		if cl.ApprovedAt.IsZero() {
			continue
		}
		add(FigOutcome+cl.Outcome, 1)
		m := MonthKey(cl.ApprovedAt)
		add(FigClosed+m, 1)
		if i < len(c.Closures)-1 || c.Status != domain.StatusClosed {
			add(FigReopened+m, 1)
		}
	}
}

// DutyFigures adds what duty du counts towards, open or closed.
func DutyFigures(du *domain.Duty, add AddFigure) {
	if du.Status == domain.DutyOpen {
		add(FigDue+du.TeamID+"|"+DayKey(du.Due), 1)
		add(UnderTeam(du.TeamID, FigBoard+DayKey(du.Due)), 1)
	}
	if du.Status == domain.DutyMet && !du.Closed.IsZero() {
		m := MonthKey(du.Closed)
		add(FigMet+m, 1)
		if !du.Closed.After(du.Due) {
			add(FigOnTime+m, 1)
		}
	}
	// Overdue at the end E of month m when opened <= E, due < E and not
	// closed by E: from month a to month b, b excluded.
	a := max(monthAtOrAfter(du.Opened), monthIndex(du.Due))
	if du.Closed.IsZero() {
		add(FigOverdue+du.TeamID+"|"+monthName(a), 1)
		return
	}
	if b := monthAtOrAfter(du.Closed); b > a {
		add(FigOverdue+du.TeamID+"|"+monthName(a), 1)
		add(FigOverdue+du.TeamID+"|"+monthName(b), -1)
	}
}

// monthIndex counts months from year 0: the month t falls in, whose end
// is the first month end after t.
func monthIndex(t time.Time) int {
	t = t.UTC()
	return t.Year()*12 + int(t.Month()) - 1
}

// monthAtOrAfter is the first month whose end is at or after t.
func monthAtOrAfter(t time.Time) int {
	t = t.UTC()
	m := monthIndex(t)
	if t.Equal(time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)) {
		m--
	}
	return m
}

// MonthIndex is monthIndex for readers of the figures.
func MonthIndex(t time.Time) int { return monthIndex(t) }

func monthName(m int) string {
	return time.Date(m/12, time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
}
