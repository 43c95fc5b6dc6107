package service

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store"
)

// Training needs (issue 21, item 4; docs/training.md): for the teams a
// manager answers for, who holds work the policy's requirements say needs
// an accreditation they lack, whose accreditations lapse soon, and how much
// of each kind of work was done by accredited officers, month by month.
// It reads the organisation and the cases; it changes nothing but the log
// of who read which cases.

// trainingReaders may see training needs: managers and supervisors (for
// their chain of command) and administrators (for their force).
var trainingReaders = []domain.Role{domain.RoleManager, domain.RoleSupervisor, domain.RoleAdmin}

// TrainingExpiryNotice is how far ahead the page lists accreditations
// that lapse (the policy's notice for the watchdog is the same by default).
const TrainingExpiryNotice = 90 * 24 * time.Hour

// TrainingMonths is how many months the share of accredited work covers.
const TrainingMonths = 12

// TrainingPageSize is how many rows a page of each table shows.
const TrainingPageSize = 25

// TrainingNeedsQuery chooses the team (empty: every team the reader may
// see) and the page of each table.
type TrainingNeedsQuery struct {
	Team         string `json:"team,omitempty" query:"team"`
	GapsPage     int    `json:"gaps_page,omitempty" query:"gaps_page"`
	ExpiriesPage int    `json:"expiries_page,omitempty" query:"expiries_page"`
	// All returns every row (the CSV download) rather than a page.
	All bool `json:"all,omitempty" query:"all"`
}

// TrainingNeeds is the page's data.
type TrainingNeeds struct {
	AsOf  time.Time      `json:"as_of"`
	Team  string         `json:"team,omitempty"` // the team chosen, if one was
	Teams []TrainingTeam `json:"teams"`          // the teams the reader may choose
	// Requirements is false when the policy requires no accreditation of
	// anyone: then nothing can be lacking and the page says so.
	Requirements bool `json:"requirements"`

	Gaps      []TrainingGap `json:"gaps"`
	GapsTotal int           `json:"gaps_total"`
	GapsPage  int           `json:"gaps_page"`
	GapsPages int           `json:"gaps_pages"`

	Expiring      []TrainingExpiry `json:"expiring"`
	ExpiringTotal int              `json:"expiring_total"`
	ExpiriesPage  int              `json:"expiries_page"`
	ExpiriesPages int              `json:"expiries_pages"`

	Months []string        `json:"months"` // YYYY-MM, oldest first
	Share  []TrainingShare `json:"share"`
}

// TrainingTeam is a team the reader may choose.
type TrainingTeam struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// TrainingGap is one officer lacking one accreditation their current
// work needs, with the cases that need it.
type TrainingGap struct {
	Team      string   `json:"team"`
	UserID    string   `json:"user_id"`
	Person    string   `json:"person"` // rank and name
	Kind      string   `json:"kind"`
	KindLabel string   `json:"kind_label"`
	As        string   `json:"as"` // policy.NeedOwner, NeedAction or NeedApprover
	Cases     []string `json:"cases"`
	// Overridden counts the pieces of work a manager's current override
	// lets them do without it: still a training need.
	Overridden int `json:"overridden,omitempty"`
	caseIDs    []string
	rank       domain.Rank
	name       string
}

// TrainingExpiry is one accreditation that lapses within the notice.
type TrainingExpiry struct {
	Team      string    `json:"team"`
	UserID    string    `json:"user_id"`
	Person    string    `json:"person"`
	Kind      string    `json:"kind"`
	KindLabel string    `json:"kind_label"`
	Expires   time.Time `json:"expires"` // the last London day it counts
	// Needed: the holder's current work needs it, so it must be renewed or
	// the work reallocated before then.
	Needed bool `json:"needed"`
	rank   domain.Rank
	name   string
}

// TrainingShare is, for one accreditation kind the policy requires, the
// cases needing it that were worked each month and how many of those had
// an owner holding it at the month's end (or at closure, if earlier).
type TrainingShare struct {
	Kind       string `json:"kind"`
	KindLabel  string `json:"kind_label"`
	Worked     []int  `json:"worked"`
	Accredited []int  `json:"accredited"`
}

// TrainingNeeds reads the training needs of the teams the actor may see
// (or of one of them), recording the read of the cases shown.
func (s *Service) TrainingNeeds(ctx context.Context, a *Actor, in TrainingNeedsQuery) (*TrainingNeeds, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("see training needs", trainingReaders...); err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	teams := trainingTeams(a, org)
	out := &TrainingNeeds{AsOf: s.clock.Now().UTC(), Teams: teams, Team: in.Team}
	chosen := map[string]bool{}
	for _, t := range teams {
		if in.Team == "" || in.Team == t.ID {
			chosen[t.ID] = true
		}
	}
	if in.Team != "" && !chosen[in.Team] {
		var p domain.Problems
		p.Add("team", "unknown_team", "Choose a team from the list: you do not answer for that one.")
		return nil, p.Err()
	}
	for _, list := range s.Policy().Training.Requirements {
		out.Requirements = out.Requirements || len(list) > 0
	}
	if err := s.trainingFiguresKept(ctx, org, chosen, out); err != nil {
		return nil, err
	}
	out.Gaps, out.GapsPage, out.GapsPages = pageOf(out.Gaps, in.GapsPage, in.All)
	out.Expiring, out.ExpiriesPage, out.ExpiriesPages = pageOf(out.Expiring, in.ExpiriesPage, in.All)
	// Empty lists are [] in JSON, as the API's schema says, never null.
	out.Teams, out.Gaps = nonNil(out.Teams), nonNil(out.Gaps)
	out.Expiring, out.Share = nonNil(out.Expiring), nonNil(out.Share)
	var shown []string
	for _, g := range out.Gaps {
		for _, id := range g.caseIDs {
			if !slices.Contains(shown, id) {
				shown = append(shown, id)
			}
		}
	}
	if err := s.LogRead(ctx, a, "training.needs", shown, ""); err != nil {
		return nil, err
	}
	return out, nil
}

// trainingKept is one computation of the figures, reused while nothing
// they depend on changes: the cases (their fingerprint), the organisation
// (the store replaces its cached state on any change, accreditations
// included), the policy, the teams — and for at most a minute, since the
// clock moves expiries, overrides and months. Decoding every case costs
// about 0.4 ms a case (BenchmarkTrainingNeeds), so paging through a
// table, or downloading it after viewing, should not pay it again.
type trainingKept struct {
	print store.CasesPrint
	org   *domain.OrgState
	pol   *policy.Policy
	at    time.Time
	out   TrainingNeeds
}

const trainingTTL = time.Minute

type trainingCache struct {
	mu      sync.Mutex
	entries map[string]trainingKept
}

var trainingCaches sync.Map // *Service → *trainingCache

// trainingFiguresKept fills out's figures for the chosen teams, from the
// cache when it holds them.
func (s *Service) trainingFiguresKept(ctx context.Context, org *domain.OrgState, chosen map[string]bool,
	out *TrainingNeeds) error {
	pol := s.Policy()
	fp, ok := s.st.(store.CasesFingerprinter)
	if !ok {
		return s.trainingFigures(ctx, org, &pol.Training, chosen, out)
	}
	print, err := fp.CasesFingerprint(ctx)
	if err != nil {
		return err
	}
	teams := make([]string, 0, len(chosen))
	for id := range chosen {
		teams = append(teams, id)
	}
	sort.Strings(teams)
	key := strings.Join(teams, ",")
	v, _ := trainingCaches.LoadOrStore(s, &trainingCache{entries: map[string]trainingKept{}})
	c := v.(*trainingCache)
	c.mu.Lock()
	k, hit := c.entries[key]
	c.mu.Unlock()
	now := out.AsOf
	if hit && k.print == print && k.org == org && k.pol == pol && !now.Before(k.at) && now.Sub(k.at) < trainingTTL {
		out.AsOf, out.Gaps, out.GapsTotal, out.Expiring, out.ExpiringTotal = k.out.AsOf, k.out.Gaps,
			k.out.GapsTotal, k.out.Expiring, k.out.ExpiringTotal
		out.Months, out.Share = k.out.Months, k.out.Share
		return nil
	}
	if err := s.trainingFigures(ctx, org, &pol.Training, chosen, out); err != nil {
		return err
	}
	c.mu.Lock()
	if len(c.entries) >= 64 {
		c.entries = map[string]trainingKept{}
	}
	c.entries[key] = trainingKept{print: print, org: org, pol: pol, at: now, out: *out}
	c.mu.Unlock()
	return nil
}

// pageOf returns page n (1-based, clamped) of xs, and the number of pages;
// all returns every row as one page.
func pageOf[T any](xs []T, n int, all bool) ([]T, int, int) {
	pages := max(1, (len(xs)+TrainingPageSize-1)/TrainingPageSize)
	if all {
		return xs, 1, 1
	}
	n = min(max(n, 1), pages)
	lo := (n - 1) * TrainingPageSize
	return xs[lo:min(lo+TrainingPageSize, len(xs))], n, pages
}

func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}

// trainingTeams are the teams the actor answers for: those within their
// unit, or every team of their force for an administrator.
func trainingTeams(a *Actor, org *domain.OrgState) []TrainingTeam {
	o := domain.Org{Units: org.Units}
	var out []TrainingTeam
	for _, u := range org.Units {
		if u.Kind != domain.UnitTeam {
			continue
		}
		ok := a.System || o.Within(u.ID, a.User.UnitID) && a.has(domain.RoleManager, domain.RoleSupervisor) ||
			a.User.HasRole(domain.RoleAdmin) && o.ForceOf(u.ID) == a.force(org)
		if ok {
			out = append(out, TrainingTeam{ID: u.ID, Name: u.Name})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Name < out[j].Name || out[i].Name == out[j].Name && out[i].ID < out[j].ID
	})
	return out
}

// trainingFigures fills the gaps, expiries and shares for the chosen
// teams in one pass over the cases.
func (s *Service) trainingFigures(ctx context.Context, org *domain.OrgState, tr *policy.Training,
	chosen map[string]bool, out *TrainingNeeds) error {
	now := out.AsOf
	teamName := func(id string) string {
		if u := org.Units[id]; u != nil {
			return u.Name
		}
		return id
	}
	// Officers of the chosen teams: the people the page is about.
	members := map[string]*domain.User{}
	for _, u := range org.Users {
		if u.Active && chosen[u.UnitID] {
			members[u.ID] = u
		}
	}
	// Kinds whose share is charted: every kind a requirement of a case's
	// owner names (the work is the case; actions and approvals are parts
	// of it, counted in the gaps).
	var kinds []string
	for _, role := range []string{policy.NeedOwner} {
		for _, r := range tr.Requirements[role] {
			if !slices.Contains(kinds, r.Needs) {
				kinds = append(kinds, r.Needs)
			}
		}
	}
	sort.Strings(kinds)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(TrainingMonths - 1), 0)
	for i := 0; i < TrainingMonths; i++ {
		out.Months = append(out.Months, first.AddDate(0, i, 0).Format("2006-01"))
	}
	share := map[string]*TrainingShare{}
	for _, k := range kinds {
		share[k] = &TrainingShare{Kind: k, KindLabel: tr.KindLabel(k), Worked: make([]int, TrainingMonths),
			Accredited: make([]int, TrainingMonths)}
	}
	gaps := map[[3]string]*TrainingGap{} // user, kind, role
	needed := map[[2]string]bool{}       // user, kind: their current work needs it
	// lack records the requirements of one piece of work (workFor's key)
	// on c that u, who holds it, does not meet.
	lack := func(u *domain.User, work string, c *domain.Case) {
		role, w, _ := workFor(c, work, now)
		for _, r := range tr.Needs(role, w) {
			needed[[2]string{u.ID, r.Needs}] = true
			if u.HoldsAt(r.Needs, now) {
				continue
			}
			k := [3]string{u.ID, r.Needs, role}
			g := gaps[k]
			if g == nil {
				g = &TrainingGap{Team: teamName(u.UnitID), UserID: u.ID, Person: domain.PersonName(u), Kind: r.Needs,
					KindLabel: tr.KindLabel(r.Needs), As: role, rank: u.Rank, name: u.Name}
				gaps[k] = g
			}
			if o := c.TrainingOverrideFor(work, u.ID, now); o != nil {
				g.Overridden++
			}
			if !slices.Contains(g.caseIDs, c.ID) {
				g.caseIDs = append(g.caseIDs, c.ID)
				g.Cases = append(g.Cases, c.Ref)
			}
		}
	}
	err := s.st.ScanCases(ctx, func(c *domain.Case) error {
		if c.Status.IsOpen() {
			if u := members[c.OwnerID]; u != nil {
				lack(u, workOwner, c)
			}
			for i := range c.Actions {
				act := &c.Actions[i]
				if u := members[act.AllocatedTo]; u != nil && (act.State == domain.ActionStateAllocated ||
					act.State == domain.ActionStateReferred) {
					lack(u, workAction+act.ID, c)
				}
			}
			if c.Status == domain.StatusClosureProposed {
				for _, d := range c.Duties {
					if d.Kind != duty.ClosureApproval || d.Status != domain.DutyOpen {
						continue
					}
					// The approver usually sits above the team (an
					// inspector, say): a chosen team's case counts
					// its approver wherever they sit.
					u := members[d.Accountable]
					if u == nil && chosen[c.TeamID] {
						if x := org.Users[d.Accountable]; x != nil && x.Active {
							u = x
						}
					}
					if u != nil {
						lack(u, workApprover, c)
					}
				}
			}
		}
		if !chosen[c.TeamID] || c.OwnerID == "" || c.AllocatedAt.IsZero() || len(kinds) == 0 {
			return nil
		}
		// The share: the case counts in each month it was held by its
		// owner, judged by whether they held the kind at the month's end.
		owner := org.Users[c.OwnerID]
		needs := tr.Needs(policy.NeedOwner, trainingWork(c, now))
		for m := range out.Months {
			start := first.AddDate(0, m, 0)
			end := first.AddDate(0, m+1, 0)
			if !c.AllocatedAt.Before(end) || (!c.ClosedAt.IsZero() && c.ClosedAt.Before(start)) || start.After(now) {
				continue
			}
			at := end.Add(-time.Nanosecond)
			if !c.ClosedAt.IsZero() && c.ClosedAt.Before(at) {
				at = c.ClosedAt
			}
			if at.After(now) {
				at = now
			}
			var counted []string
			for _, r := range needs {
				if slices.Contains(counted, r.Needs) {
					continue
				}
				counted = append(counted, r.Needs)
				sh := share[r.Needs]
				sh.Worked[m]++
				if owner != nil && owner.HoldsAt(r.Needs, at) {
					sh.Accredited[m]++
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("training needs: %w", err)
	}
	for _, g := range gaps {
		sort.Strings(g.Cases)
		out.Gaps = append(out.Gaps, *g)
	}
	sort.Slice(out.Gaps, func(i, j int) bool {
		a, b := &out.Gaps[i], &out.Gaps[j]
		return peopleOrder(a.Team, a.rank, a.name, b.Team, b.rank, b.name, a.KindLabel+a.As, b.KindLabel+b.As)
	})
	out.GapsTotal = len(out.Gaps)
	horizon := now.Add(TrainingExpiryNotice)
	for _, u := range members {
		for _, acc := range u.Accreditations {
			if !acc.CurrentAt(now) || acc.Expires.IsZero() || acc.Expires.After(horizon) {
				continue
			}
			out.Expiring = append(out.Expiring, TrainingExpiry{Team: teamName(u.UnitID), UserID: u.ID,
				Person: domain.PersonName(u), Kind: acc.Kind, KindLabel: tr.KindLabel(acc.Kind),
				Expires: acc.Expires, Needed: needed[[2]string{u.ID, acc.Kind}], rank: u.Rank, name: u.Name})
		}
	}
	sort.Slice(out.Expiring, func(i, j int) bool {
		a, b := &out.Expiring[i], &out.Expiring[j]
		if !a.Expires.Equal(b.Expires) {
			return a.Expires.Before(b.Expires)
		}
		return peopleOrder(a.Team, a.rank, a.name, b.Team, b.rank, b.name, a.KindLabel, b.KindLabel)
	})
	out.ExpiringTotal = len(out.Expiring)
	for _, k := range kinds {
		out.Share = append(out.Share, *share[k])
	}
	return nil
}

// peopleOrder sorts by team, then the most senior first, then name, then
// the tie-breaker.
func peopleOrder(ta string, ra domain.Rank, na, tb string, rb domain.Rank, nb, xa, xb string) bool {
	switch {
	case ta != tb:
		return ta < tb
	case ra != rb:
		return ra.Above(rb)
	case na != nb:
		return strings.ToLower(na) < strings.ToLower(nb)
	}
	return xa < xb
}

// ExpiresLabel is the London day an accreditation last counts, as pages
// show dates.
func (e TrainingExpiry) ExpiresLabel() string {
	return e.Expires.In(clock.London).Format("2 January 2006")
}
