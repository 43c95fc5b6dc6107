package service

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store"
)

// The watchdog over accreditations (issue 21, docs/training.md): when an
// accreditation that work an officer holds needs (by the policy's training
// requirements) will lapse within the policy's notice, their line manager
// owes a duty to refresh it or reallocate the work, due at the close of
// the last working day it counts; once it has lapsed with the work still
// held, a finding stands until the work moves or it is renewed. The duty
// is one of the clock's (duty.Rules.AsOf), so every write to the case and
// every sweep reconcile it the same way.

// DutyAccreditationExpiry is the duty kind; FindingAccreditationLapsed the
// finding. The strings are stable.
const (
	DutyAccreditationExpiry    = "accreditation_expiry"
	FindingAccreditationLapsed = domain.FindingAccreditationLapsed
)

// heldNeed is one accreditation kind a holder's work on a case needs, and
// how it stands.
type heldNeed struct {
	user   *domain.User
	kind   string
	what   string    // the work, as what they do (workDoing)
	last   time.Time // the last day it counts (London midnight); zero: held without lapse
	lapsed bool      // it counted once and no longer does
}

// heldNeeds lists what the people holding work on c (its owner, the
// officers of its allocated actions) need of the training requirements
// and hold with an expiry, or held and let lapse, as at now. Work a
// current override covers is left out; so is a kind never held (a gap for
// the training-needs page, not a lapse).
func heldNeeds(c *domain.Case, org *domain.OrgState, pol *policy.Policy, now time.Time) []heldNeed {
	if !c.Status.IsOpen() || len(pol.Training.Requirements) == 0 {
		return nil
	}
	type held struct{ user, work string }
	var works []held
	if c.OwnerID != "" {
		works = append(works, held{c.OwnerID, workOwner})
	}
	for _, a := range c.Actions {
		if a.AllocatedTo != "" && (a.State == domain.ActionStateAllocated || a.State == domain.ActionStateReferred) {
			works = append(works, held{a.AllocatedTo, workAction + a.ID})
		}
	}
	var out []heldNeed
	for _, h := range works {
		u := org.Users[h.user]
		if u == nil || !u.Active || c.TrainingOverrideFor(h.work, u.ID, now) != nil {
			continue
		}
		role, w, _ := workFor(c, h.work, now)
		what := workDoing(c, h.work)
		for _, r := range pol.Training.Needs(role, w) {
			n, ok := standing(u, r.Needs, now)
			if !ok {
				continue
			}
			n.what = what
			out = append(out, n)
		}
	}
	return out
}

// standing is how u's accreditations of kind stand at now: the latest
// last day among the current ones (ok with a zero last day when one never
// lapses: nothing to watch), or, with none current, whether one lapsed.
func standing(u *domain.User, kind string, now time.Time) (heldNeed, bool) {
	n := heldNeed{user: u, kind: kind}
	var current, ever bool
	var lapsedLast time.Time
	for _, a := range u.Accreditations {
		if a.Kind != kind || !a.Withdrawn.IsZero() {
			continue
		}
		if a.CurrentAt(now) {
			if a.Expires.IsZero() {
				return heldNeed{}, false // held without lapse
			}
			current = true
			if a.Expires.After(n.last) {
				n.last = a.Expires
			}
		} else if !a.Expires.IsZero() && !now.Before(a.Expires.AddDate(0, 0, 1)) {
			ever = true
			if a.Expires.After(lapsedLast) {
				lapsedLast = a.Expires
			}
		}
	}
	switch {
	case current:
		return n, true
	case ever:
		n.last, n.lapsed = lapsedLast, true
		return n, true
	}
	return heldNeed{}, false
}

// lastWorkingDayEnd is the close of the last working day on or before
// day (a London date): when a refresh or reallocation is due.
func (s *Service) lastWorkingDayEnd(day time.Time) time.Time {
	d := day.In(clock.London)
	d = time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, clock.London)
	for i := 0; i < 14 && !s.cal.IsWorkingDay(d); i++ {
		d = d.AddDate(0, 0, -1)
	}
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, clock.London).Add(-time.Nanosecond).UTC()
}

// lineManager is who answers for u's training: the nearest supervisor
// above them (not themselves), or the force's fallback.
func lineManager(org *domain.OrgState, u *domain.User) string {
	sup := duty.Supervisor(org, u.UnitID)
	if sup == u.ID {
		if unit, ok := org.Units[u.UnitID]; ok {
			sup = duty.Supervisor(org, unit.ParentID)
		}
	}
	if !activeUser(org, sup) || sup == u.ID {
		sup = duty.Fallback(org)
	}
	return sup
}

// trainingWants are the accreditation_expiry duties c owes at now
// (duty.Rules.AsOf): one per holder and kind whose notice has begun.
func (s *Service) trainingWants(c *domain.Case, org *domain.OrgState, now time.Time) []duty.Want {
	pol := s.Policy()
	var out []duty.Want
	seen := map[string]bool{}
	for _, n := range heldNeeds(c, org, pol, now) {
		if now.Before(pol.Training.NoticeFrom(n.last)) {
			continue
		}
		subject := n.user.ID + "/" + n.kind
		if seen[subject] {
			continue
		}
		seen[subject] = true
		verb := "lapses after " + n.last.In(clock.London).Format("2 January 2006")
		if n.lapsed {
			verb = "lapsed after " + n.last.In(clock.London).Format("2 January 2006")
		}
		out = append(out, duty.Want{Kind: DutyAccreditationExpiry, Subject: subject,
			Accountable: lineManager(org, n.user), TeamID: c.TeamID, Due: s.lastWorkingDayEnd(n.last),
			Detail: fmt.Sprintf("%s %s %s, and they need it to %s: refresh it or reallocate the work.",
				domain.Possessive(domain.PersonName(n.user)), pol.Training.KindLabel(n.kind), verb, n.what)})
	}
	return out
}

// lapses are the accreditation_lapsed causes standing on c at now.
func (s *Service) lapses(c *domain.Case, org *domain.OrgState, now time.Time) (cause, bool) {
	pol := s.Policy()
	for _, n := range heldNeeds(c, org, pol, now) {
		if n.lapsed {
			return cause{since: n.last.AddDate(0, 0, 1).UTC(), mustAct: lineManager(org, n.user),
				detail: fmt.Sprintf("%s %s lapsed after %s, and they need it to %s: refresh it or reallocate the work",
					domain.Possessive(domain.PersonName(n.user)), pol.Training.KindLabel(n.kind),
					n.last.In(clock.London).Format("2 January 2006"), n.what)}, true
		}
	}
	return cause{}, false
}

// trainingCases are the open cases on which someone whose accreditation
// is within its notice (or lapsed) holds work: the sweep reads only
// these. A holder is found by the org's record, their cases by the case
// list (owners) and the duties index (allocated actions).
func (s *Service) trainingCases(ctx context.Context, org *domain.OrgState, asOf time.Time) (map[string]string,
	error) {
	pol := s.Policy()
	if len(pol.Training.Requirements) == 0 {
		return nil, nil
	}
	out := map[string]string{}
	ids := make([]string, 0, len(org.Users))
	for id, u := range org.Users {
		if !u.Active {
			continue
		}
		for _, a := range u.Accreditations {
			if a.Withdrawn.IsZero() && !a.Expires.IsZero() && !asOf.Before(pol.Training.NoticeFrom(a.Expires)) {
				ids = append(ids, id)
				break
			}
		}
	}
	sort.Strings(ids)
	for _, id := range ids {
		rows, err := s.st.ListCases(ctx, casesOwnedBy(id))
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			if r.Status.IsOpen() {
				out[r.ID] = r.Ref
			}
		}
		duties, err := s.st.UserDuties(ctx, id)
		if err != nil {
			return nil, err
		}
		for _, d := range duties {
			if d.Kind == duty.ActionTarget {
				out[d.CaseID] = d.CaseRef
			}
		}
	}
	return out, nil
}

// casesOwnedBy is the case list's filter for every case id owns.
func casesOwnedBy(id string) store.CaseFilter { return store.CaseFilter{OwnerID: id} }

// training is the sweep's look at c for the watch: whether its duties
// must be reconciled as at the sweep (an accreditation duty to open or
// settle), with the lapsed finding added to findings when one stands.
func (r *sweepRun) training(c *domain.Case, org *domain.OrgState, findings map[string]cause) bool {
	if why, ok := r.s.lapses(c, org, r.asOf); ok {
		findings[FindingAccreditationLapsed] = why
	}
	want := map[string]bool{}
	for _, w := range r.s.trainingWants(c, org, r.asOf) {
		want[w.Subject] = true
		if d := openDuty(c, DutyAccreditationExpiry, w.Subject); d == nil || d.Accountable != w.Accountable ||
			!d.Due.Equal(w.Due.UTC()) {
			return true
		}
	}
	for _, d := range c.Duties {
		if d.Kind == DutyAccreditationExpiry && d.Status == domain.DutyOpen && !want[d.Subject] {
			return true // refreshed, or the work moved: settle it
		}
	}
	return false
}

func openDuty(c *domain.Case, kind, subject string) *domain.Duty {
	for i := range c.Duties {
		if d := &c.Duties[i]; d.Kind == kind && d.Subject == subject && d.Status == domain.DutyOpen {
			return d
		}
	}
	return nil
}
