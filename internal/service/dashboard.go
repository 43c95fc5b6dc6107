package service

import (
	"context"
	"sort"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
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
	// Totals for the headline figures. OverdueNow counts the duties the
	// teams owe (a transfer to accept is the receiving team's), as the
	// team board does; Orphaned the open cases whose owner has left, and
	// Unallocated those with no owner yet (referrals), as the board lists
	// them apart.
	OpenCases, OverdueNow, Orphaned, Unallocated int
}

// Count is one labelled figure.
type Count struct {
	Label string `json:"label"`
	N     int    `json:"n"`
}

// DashboardMonths is how far back the dashboard's charts go.
const DashboardMonths = 12

// dashboardTTL is how long computed figures are reused by a store that
// keeps none: they read every case, and a manager's view need not be
// fresher than a minute. Kept figures are read on each request.
const dashboardTTL = time.Minute

// dashTeams is the figures of every team, computed in one pass over the
// record; each reader's dashboard adds up the teams they may see.
type dashTeams struct {
	at     time.Time
	months int
	teams  map[string]*dashAcc
}

type dashAcc struct {
	d        Dashboard
	outcomes map[string]int
	teamRow  map[string]int
}

// Dashboard computes the figures over the last months of the cases the
// actor may see. The per-team figures are shared for a minute (and kept
// warm by the server, see WarmDashboard), so a page costs a sum, not a
// pass over every case.
func (s *Service) Dashboard(ctx context.Context, a *Actor, months int) (*Dashboard, error) {
	if err := a.need("see the dashboard", dashboardReaders...); err != nil {
		return nil, err
	}
	all, err := s.dashTeams(ctx, months)
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(all.teams))
	for id := range all.teams {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := newDashAcc(all.at, months)
	for _, id := range ids {
		if a.CanSee(org, &domain.Case{TeamID: id}) {
			out.merge(all.teams[id])
		}
	}
	return out.finish(s), nil
}

// dashboardLimit bounds one computation of the figures, which no
// request waits for once there are figures to show.
const dashboardLimit = 10 * time.Minute

// dashRun is a computation of the figures under way; done closes when d
// or err is set.
type dashRun struct {
	months int
	done   chan struct{}
	d      *dashTeams
	err    error
}

// WarmDashboard recomputes the shared figures when they are about to go
// stale, so no reader waits for the pass over the record.
func (s *Service) WarmDashboard(ctx context.Context, months int) error {
	if _, ok := s.st.(store.Figures); ok {
		return nil // read fresh on each request
	}
	s.dashMu.Lock()
	fresh := s.dash != nil && s.dash.months == months && s.clock.Now().Sub(s.dash.at) < dashboardTTL-15*time.Second
	var run *dashRun
	if !fresh {
		run = s.startDashRun(months)
	}
	s.dashMu.Unlock()
	if fresh {
		return nil
	}
	select {
	case <-run.done:
		return run.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// dashTeams returns the shared figures. Stale ones are returned at once,
// with their time, while fresh ones are computed in the background: at
// 1,000,000 cases the pass takes longer than a request may (issue 20).
// Only with no figures yet does a request wait, and no longer than its
// context allows.
func (s *Service) dashTeams(ctx context.Context, months int) (*dashTeams, error) {
	// Kept figures cost a few rows a team: read them on each request,
	// so a closure just approved counts at once, as of now.
	if fs, ok := s.st.(store.Figures); ok {
		return s.figureDashTeams(ctx, fs, months)
	}
	for {
		s.dashMu.Lock()
		now := s.clock.Now()
		d := s.dash
		if d != nil && d.months == months && now.Sub(d.at) < dashboardTTL && !now.Before(d.at) {
			s.dashMu.Unlock()
			return d, nil
		}
		run := s.startDashRun(months) // one computation at a time: a burst of managers costs one
		s.dashMu.Unlock()
		if d != nil && d.months == months {
			return d, nil
		}
		select {
		case <-run.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if run.err != nil {
			return nil, run.err
		}
		if run.months == months {
			return run.d, nil
		}
	}
}

// startDashRun returns the computation under way, or starts one. The
// caller holds dashMu. The computation outlives the request that started
// it, so that the next one finds its figures.
func (s *Service) startDashRun(months int) *dashRun {
	if r := s.dashRun; r != nil {
		return r
	}
	r := &dashRun{months: months, done: make(chan struct{})}
	s.dashRun = r
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), dashboardLimit)
		defer cancel()
		d, err := s.computeDashTeams(ctx, months)
		if err != nil {
			s.log.Error("dashboard figures", "err", err)
		}
		s.dashMu.Lock()
		if err == nil {
			s.dash = d
		}
		s.dashRun = nil
		r.d, r.err = d, err
		s.dashMu.Unlock()
		close(r.done)
	}()
	return r
}

func newDashAcc(now time.Time, months int) *dashAcc {
	acc := &dashAcc{d: Dashboard{AsOf: now}, outcomes: map[string]int{}, teamRow: map[string]int{}}
	d := &acc.d
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(months - 1), 0)
	for i := 0; i < months; i++ {
		d.Months = append(d.Months, first.AddDate(0, i, 0).Format("2006-01"))
	}
	d.OnTimeMet, d.OnTimeTotal, d.Closed, d.Reopened = make(
		[]int,
		months,
	), make(
		[]int,
		months,
	), make(
		[]int,
		months,
	), make(
		[]int,
		months,
	)
	for _, b := range contactBuckets {
		d.FirstContactLabels = append(d.FirstContactLabels, b.label)
	}
	d.FirstContact = make([]int, len(contactBuckets))
	return acc
}

var contactBuckets = []struct {
	label string
	max   time.Duration
}{{"within 1 day", store.ContactBuckets[0]}, {"1–3 days", store.ContactBuckets[1]}, {"3–10 days", store.ContactBuckets[2]},
	{"10–30 days", store.ContactBuckets[3]}, {"over 30 days", store.ContactBuckets[4]}}

func addInts(dst, src []int) {
	for i := range src {
		dst[i] += src[i]
	}
}

func (acc *dashAcc) merge(o *dashAcc) {
	d, x := &acc.d, &o.d
	d.OpenCases += x.OpenCases
	d.OverdueNow += x.OverdueNow
	d.Orphaned += x.Orphaned
	d.Unallocated += x.Unallocated
	d.NeverContacted += x.NeverContacted
	addInts(d.OnTimeMet, x.OnTimeMet)
	addInts(d.OnTimeTotal, x.OnTimeTotal)
	addInts(d.Closed, x.Closed)
	addInts(d.Reopened, x.Reopened)
	addInts(d.FirstContact, x.FirstContact)
	for k, n := range o.outcomes {
		acc.outcomes[k] += n
	}
	for i, name := range x.Teams {
		acc.overdueRow(name)
		addInts(d.OverdueByTeam[acc.teamRow[name]], x.OverdueByTeam[i])
	}
}

func (acc *dashAcc) overdueRow(name string) []int {
	row, ok := acc.teamRow[name]
	if !ok {
		row = len(acc.d.Teams)
		acc.teamRow[name] = row
		acc.d.Teams = append(acc.d.Teams, name)
		acc.d.OverdueByTeam = append(acc.d.OverdueByTeam, make([]int, len(acc.d.Months)))
	}
	return acc.d.OverdueByTeam[row]
}

func (acc *dashAcc) finish(s *Service) *Dashboard {
	d := acc.d
	d.Outcomes = nil
	for k, n := range acc.outcomes {
		label := k
		if o := s.Policy().Outcome(k); o != nil {
			label = k + " " + o.Title
		}
		d.Outcomes = append(d.Outcomes, Count{label, n})
	}
	sort.Slice(d.Outcomes, func(i, j int) bool {
		if d.Outcomes[i].N != d.Outcomes[j].N {
			return d.Outcomes[i].N > d.Outcomes[j].N
		}
		return d.Outcomes[i].Label < d.Outcomes[j].Label
	})
	return &d
}

// computeDashTeams adds up the figures per team the store keeps, or
// without them makes one pass over the record.
func (s *Service) computeDashTeams(ctx context.Context, months int) (*dashTeams, error) {
	if fs, ok := s.st.(store.Figures); ok {
		return s.figureDashTeams(ctx, fs, months)
	}
	return s.scanDashTeams(ctx, months)
}

// scanDashTeams makes one pass over the record, into figures per team:
// what the kept figures must equal (the tests' oracle).
func (s *Service) scanDashTeams(ctx context.Context, months int) (*dashTeams, error) {
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	out := &dashTeams{at: now, months: months, teams: map[string]*dashAcc{}}
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(months - 1), 0)
	ends := make([]time.Time, months)
	for i := range ends {
		ends[i] = first.AddDate(0, i+1, 0)
		if ends[i].After(now) {
			ends[i] = now
		}
	}
	// A duty met counts in its month even if the clock now reads earlier
	// (set back after it): it happened, and the kept figures count it.
	monthOf := func(t time.Time) int {
		if t.Before(first) {
			return -1
		}
		if m := (t.Year()-first.Year())*12 + int(t.Month()-first.Month()); m < months {
			return m
		}
		return -1
	}
	teamName := func(id string) string {
		if u := org.Units[id]; u != nil {
			return u.Name
		}
		return id
	}
	// Duties met or cancelled are in the duty history, not the documents
	// (domain.Case.Duties): they are counted from it, under the team that
	// has the case now, as those in the documents are. Overdue duties are
	// counted under the team that owes them, as the team board counts.
	teamAcc := out.team
	countDuty := func(acc *dashAcc, du *domain.Duty) {
		d := &acc.d
		owes := teamAcc(du.TeamID)
		if du.Status == domain.DutyOpen && !du.Due.After(now) {
			owes.d.OverdueNow++
		}
		for m, end := range ends {
			open := !du.Opened.After(end) && (du.Closed.IsZero() || du.Closed.After(end))
			if open && du.Due.Before(end) {
				owes.overdueRow(teamName(du.TeamID))[m]++
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
	err = s.st.ScanCases(ctx, func(c *domain.Case) error {
		acc := teamAcc(c.TeamID)
		d := &acc.d
		if c.Status != domain.StatusClosed {
			d.OpenCases++
			if c.OwnerID == "" {
				d.Unallocated++
			} else if u := org.Users[c.OwnerID]; u == nil || !u.Active {
				d.Orphaned++
			}
		}
		for i := range c.Duties {
			countDuty(acc, &c.Duties[i])
		}
		for _, v := range c.Victims {
			if v.ContactCount == 0 {
				d.NeverContacted++
				continue
			}
			wait := v.FirstContact.Sub(v.AddedAt)
			for i, b := range contactBuckets {
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
			acc.outcomes[cl.Outcome]++
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
	if h, ok := s.st.(store.DutyHistory); ok {
		// The store joins each duty to its case's team, so the pass keeps
		// nothing per case: a map of every case id cost 1,000,000 cases
		// over 300 MB (docs/benchmarks.md).
		err = h.ScanClosedDutiesByTeam(ctx, func(teamID string, du *domain.Duty) error {
			countDuty(teamAcc(teamID), du)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
