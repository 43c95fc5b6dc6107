package service

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
)

// dashboardReaders see force-level figures.
var dashboardReaders = []domain.Role{domain.RoleManager, domain.RoleInspector, domain.RoleAuditor, domain.RoleAdmin}

// Dashboard is the manager's view of whether the force is keeping its
// promises: each series is plain data the web draws and tabulates.
type Dashboard struct {
	AsOf   time.Time `json:"as_of"`
	Months []string  `json:"months"` // YYYY-MM, oldest first
	Teams  []string  `json:"teams"`  // team names, in the order of the rows below
	// OverdueByTeam[t][m]: duties of team t overdue at the end of month m.
	OverdueByTeam [][]int `json:"overdue_by_team"`
	// OnTime[m]: of the duties met in month m, the share met by their due time.
	OnTimeMet   []int `json:"on_time_met"`
	OnTimeTotal []int `json:"on_time_total"`
	// FirstContact buckets the working time from a victim being recorded to
	// the first contact: labels and counts.
	FirstContactLabels []string `json:"first_contact_labels"`
	FirstContact       []int    `json:"first_contact"`
	NeverContacted     int      `json:"never_contacted"`
	// Outcomes counts closures approved, by Home Office outcome code.
	Outcomes []Count `json:"outcomes"`
	// Closed[m]: closures approved in month m; Reopened[m]: of those, the
	// ones later undone by reopening.
	Closed   []int `json:"closed"`
	Reopened []int `json:"reopened"`
	// Totals for the headline figures.
	OpenCases, OverdueNow, Orphaned int
}

// Count is one labelled figure.
type Count struct {
	Label string `json:"label"`
	N     int    `json:"n"`
}

// dashboardTTL is how long computed figures are reused: they read every
// case, and a manager's view need not be fresher than a minute.
const dashboardTTL = time.Minute

type dashKey struct {
	unit   string
	roles  string
	months int
}

type dashEntry struct {
	d  *Dashboard
	at time.Time
}

// Dashboard computes the figures over the last months of the cases the
// actor may see. Figures are shared for a minute between people who see
// the same cases (same unit and roles).
func (s *Service) Dashboard(ctx context.Context, a *Actor, months int) (*Dashboard, error) {
	if err := a.need("see the dashboard", dashboardReaders...); err != nil {
		return nil, err
	}
	key := dashKey{unit: a.User.UnitID, roles: fmt.Sprint(a.User.Roles), months: months}
	now := s.clock.Now()
	s.dashMu.Lock()
	defer s.dashMu.Unlock() // one computation at a time: a burst of managers costs one
	if e, ok := s.dash[key]; ok && now.Sub(e.at) < dashboardTTL && !now.Before(e.at) {
		return e.d, nil
	}
	d, err := s.dashboard(ctx, a, months)
	if err != nil {
		return nil, err
	}
	if s.dash == nil {
		s.dash = map[dashKey]dashEntry{}
	}
	s.dash[key] = dashEntry{d, now}
	return d, nil
}

func (s *Service) dashboard(ctx context.Context, a *Actor, months int) (*Dashboard, error) {
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	d := &Dashboard{AsOf: now}
	ends := make([]time.Time, months)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(months - 1), 0)
	for i := range ends {
		start := first.AddDate(0, i, 0)
		d.Months = append(d.Months, start.Format("2006-01"))
		ends[i] = start.AddDate(0, 1, 0)
		if ends[i].After(now) {
			ends[i] = now
		}
	}
	monthOf := func(t time.Time) int {
		if t.Before(first) || t.After(now) {
			return -1
		}
		return (t.Year()-first.Year())*12 + int(t.Month()-first.Month())
	}
	teamRow := map[string]int{}
	d.OnTimeMet, d.OnTimeTotal, d.Closed, d.Reopened = make([]int, months), make([]int, months), make([]int, months), make([]int, months)
	buckets := []struct {
		label string
		max   time.Duration
	}{{"within 1 day", 24 * time.Hour}, {"1–3 days", 72 * time.Hour}, {"3–10 days", 240 * time.Hour}, {"10–30 days", 720 * time.Hour}, {"over 30 days", 1 << 62}}
	for _, b := range buckets {
		d.FirstContactLabels = append(d.FirstContactLabels, b.label)
	}
	d.FirstContact = make([]int, len(buckets))
	outcomes := map[string]int{}
	err = s.st.ScanCases(ctx, func(c *domain.Case) error {
		if !a.CanSee(org, c) {
			return nil
		}
		if c.Status != domain.StatusClosed {
			d.OpenCases++
			if u := org.Users[c.OwnerID]; u == nil || !u.Active {
				d.Orphaned++
			}
		}
		for _, du := range c.Duties {
			if du.Status == domain.DutyOpen && !du.Due.After(now) {
				d.OverdueNow++
			}
			for m, end := range ends {
				open := !du.Opened.After(end) && (du.Closed.IsZero() || du.Closed.After(end))
				if open && du.Due.Before(end) {
					row, ok := teamRow[du.TeamID]
					if !ok {
						row = len(d.Teams)
						teamRow[du.TeamID] = row
						name := du.TeamID
						if u := org.Units[du.TeamID]; u != nil {
							name = u.Name
						}
						d.Teams = append(d.Teams, name)
						d.OverdueByTeam = append(d.OverdueByTeam, make([]int, months))
					}
					d.OverdueByTeam[row][m]++
				}
			}
			if du.Status == domain.DutyMet {
				if m := monthOf(du.Closed); m >= 0 {
					d.OnTimeTotal[m]++
					if !du.Closed.After(du.Due) {
						d.OnTimeMet[m]++
					}
				}
			}
		}
		for _, v := range c.Victims {
			if len(v.Contacts) == 0 {
				d.NeverContacted++
				continue
			}
			wait := v.Contacts[0].At.Sub(v.AddedAt)
			for i, b := range buckets {
				if wait <= b.max {
					d.FirstContact[i]++
					break
				}
			}
		}
		for i, cl := range c.Closures {
			if cl.ApprovedAt.IsZero() {
				continue
			}
			outcomes[cl.Outcome]++
			if m := monthOf(cl.ApprovedAt); m >= 0 {
				d.Closed[m]++
				if i < len(c.Closures)-1 || c.Status != domain.StatusClosed {
					d.Reopened[m]++
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k, n := range outcomes {
		label := k
		if o := s.pol.Outcome(k); o != nil {
			label = k + " " + o.Title
		}
		d.Outcomes = append(d.Outcomes, Count{label, n})
	}
	sort.Slice(d.Outcomes, func(i, j int) bool { return d.Outcomes[i].N > d.Outcomes[j].N })
	return d, nil
}
