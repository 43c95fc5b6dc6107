package service

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/store"
)

// The hand-on of a leaver's caseload (the manager's journey "a leaver's
// caseload", docs design role-journeys): when an officer leaves, their open
// cases stay theirs, and the watchdog raises "Owner has left" on each, until
// a supervisor or manager of the case's team gives each a new officer in
// charge. The pages list the leaver's open cases with who may take each,
// check every choice at once, then run AssignOwner case by case, so that
// duties, victims' duties and escalation ladders pass as any allocation
// does.

// ReadHandover is the view that records the read of a leaver's cases.
const ReadHandover = "handover"

// LeaverToHandOn is a person who has left still owning open cases in the
// reader's command, and how many.
type LeaverToHandOn struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"` // by rank and name
	Cases  int    `json:"cases"`
}

// LeaversToHandOn lists the people who have left whose open cases the
// actor may hand on, by name. Supervisors and managers only (ErrForbidden
// for anyone else).
func (s *Service) LeaversToHandOn(ctx context.Context, a *Actor) ([]LeaverToHandOn, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	rows, err := s.OrphanedCases(ctx, a) // boardTeams: supervisors and managers
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	at := map[string]int{}
	var out []LeaverToHandOn
	for _, r := range rows {
		u := org.Users[r.OwnerID]
		if u == nil || !s.mayHandOn(a, org, r) {
			continue
		}
		i, ok := at[u.ID]
		if !ok {
			i = len(out)
			at[u.ID] = i
			out = append(out, LeaverToHandOn{UserID: u.ID, Name: domain.PersonName(u)})
		}
		out[i].Cases++
	}
	slices.SortFunc(out, func(x, y LeaverToHandOn) int { return strings.Compare(x.Name, y.Name) })
	return out, nil
}

// mayHandOn is the assign-owner command's rule on r's case for a, read
// from the row (the case's team), without reading the case.
func (s *Service) mayHandOn(a *Actor, org *domain.OrgState, r store.CaseRow) bool {
	c := &domain.Case{ID: r.ID, Ref: r.Ref, TeamID: r.TeamID, OwnerID: r.OwnerID, Status: r.Status}
	return mustCommand("assign-owner").whole(s.newCheck(a, c, org, s.clock.Now().UTC())) == nil
}

// HandoverOfficer is one officer who may be given a case, with what they
// hold now.
type HandoverOfficer struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Caseload
	// Lacks is the accreditation they lack for the case ("lacks …"),
	// or "": the service refuses them until a manager overrides it.
	Lacks string `json:"lacks,omitempty"`
}

// HandoverCase is one open case of a leaver, as the hand-on lists it.
type HandoverCase struct {
	CaseID  string        `json:"case_id"`
	Ref     string        `json:"ref"`
	Version int64         `json:"version"`
	Status  domain.Status `json:"status"`
	Summary string        `json:"summary"`
	Victims []string      `json:"victims"`
	// NextDuty is the kind of the soonest-due open duty, NextDue its due
	// time, Overdue how many open duties are overdue.
	NextDuty string    `json:"next_duty,omitempty"`
	NextDue  time.Time `json:"next_due,omitzero"`
	Overdue  int       `json:"overdue"`
	// Risks say in words what makes the case urgent: vulnerable victims,
	// enhanced rights, the watchdog's other findings.
	Risks []string `json:"risks"`
	// Officers may take the case (those with Lacks set are refused).
	Officers []HandoverOfficer `json:"officers"`
	// Why the actor may not hand this case on, or "" when they may.
	Why string `json:"why,omitempty"`

	c *domain.Case
}

// Handover is a leaver's open cases in the reader's command.
type Handover struct {
	LeaverID string         `json:"leaver_id"`
	Name     string         `json:"name"` // the leaver, by rank and name
	Cases    []HandoverCase `json:"cases"`
}

// HandoverOf reads the open cases of leaverID in the actor's command, with
// who may take each. Supervisors and managers only; a person who has not
// left is not found here. The read of the cases is recorded.
func (s *Service) HandoverOf(ctx context.Context, a *Actor, leaverID string) (*Handover, error) {
	_, out, err := s.handover(ctx, a, leaverID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(out.Cases))
	for i, c := range out.Cases {
		ids[i] = c.CaseID
	}
	if err := s.RecordRead(ctx, a, ReadHandover, "", ids); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) handover(ctx context.Context, a *Actor, leaverID string) (*domain.OrgState, *Handover, error) {
	if a == nil {
		return nil, nil, ErrUnauthenticated
	}
	teams, err := s.boardTeams(ctx, a) // supervisors and managers
	if err != nil {
		return nil, nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, nil, err
	}
	u := org.Users[leaverID]
	if u == nil || u.Active {
		return nil, nil, fmt.Errorf("leaver %s: %w", leaverID, ErrNotFound)
	}
	rows, err := s.st.ListCases(ctx, store.CaseFilter{OwnerID: u.ID, Status: openStatuses, Limit: 10000})
	if err != nil {
		return nil, nil, err
	}
	now := s.clock.Now().UTC()
	out := &Handover{LeaverID: u.ID, Name: domain.PersonName(u), Cases: []HandoverCase{}}
	loads := map[string]map[string]Caseload{}
	for _, r := range rows {
		if !slices.Contains(teams, r.TeamID) {
			continue
		}
		c, err := s.st.Case(ctx, r.ID)
		if err != nil {
			return nil, nil, err
		}
		hc := handoverCase(c, now)
		perm := s.permissions(a, c, org, now)
		if !perm.Can("assign-owner") {
			hc.Why = perm.Why("assign-owner")
		} else {
			if _, ok := loads[c.TeamID]; !ok {
				if loads[c.TeamID], err = s.Caseloads(ctx, a, c.TeamID); err != nil {
					return nil, nil, err
				}
			}
			for id, cl := range loads[c.TeamID] {
				o := org.Users[id]
				hc.Officers = append(hc.Officers, HandoverOfficer{ID: id, Name: domain.PersonName(o), Caseload: cl,
					Lacks: perm.Unmet("assign-owner", "", id)})
			}
			sort.Slice(hc.Officers, func(i, j int) bool {
				x, y := org.Users[hc.Officers[i].ID], org.Users[hc.Officers[j].ID]
				if x.Rank != y.Rank {
					return x.Rank.Above(y.Rank)
				}
				return hc.Officers[i].Name < hc.Officers[j].Name
			})
		}
		out.Cases = append(out.Cases, hc)
	}
	return org, out, nil
}

// handoverCase is what the hand-on shows of c.
func handoverCase(c *domain.Case, now time.Time) HandoverCase {
	hc := HandoverCase{CaseID: c.ID, Ref: c.Ref, Version: c.Version, Status: c.Status, Summary: c.Summary,
		Victims: []string{}, Risks: []string{}, c: c}
	for _, v := range c.Victims {
		hc.Victims = append(hc.Victims, v.Name)
		switch {
		case v.Vulnerable && v.Enhanced:
			hc.Risks = append(hc.Risks, v.Name+" is vulnerable and entitled to enhanced rights")
		case v.Vulnerable:
			hc.Risks = append(hc.Risks, v.Name+" is vulnerable")
		case v.Enhanced:
			hc.Risks = append(hc.Risks, v.Name+" is entitled to enhanced rights")
		}
	}
	for _, d := range c.Duties {
		if d.Status != domain.DutyOpen {
			continue
		}
		if hc.NextDue.IsZero() || d.Due.Before(hc.NextDue) {
			hc.NextDue, hc.NextDuty = d.Due, d.Kind
		}
		if duty.Overdue(d.Due, now) {
			hc.Overdue++
		}
	}
	if hc.Overdue > 0 {
		hc.Risks = append(hc.Risks, domain.Plural(hc.Overdue, "duty is", "duties are")+" overdue")
	}
	for _, f := range c.Findings {
		// "Owner has left" is why the case is listed at all.
		if f.Resolved.IsZero() && f.Kind != FindingOrphaned {
			hc.Risks = append(hc.Risks, "Watchdog: "+domain.FindingKindLabel(f.Kind))
		}
	}
	return hc
}

// HandOn is the input of Service.CheckHandOn and Service.HandOn: a new
// officer in charge for some or all of a leaver's open cases.
type HandOn struct {
	Cases []HandOnCase `json:"cases"`
	// All is the officer who takes every listed case not given one of
	// its own, or "".
	All string `json:"all,omitempty"`
}

// HandOnCase is one case's choice: the case version the reader saw, and
// the officer (user id) to take it, or "" to leave it for now.
type HandOnCase struct {
	CaseID  string `json:"case_id"`
	Version int64  `json:"version"`
	OwnerID string `json:"owner_id"`
}

// HandOnStep is one case to change hands.
type HandOnStep struct {
	CaseID  string `json:"case_id"`
	Ref     string `json:"ref"`
	Summary string `json:"summary"`
	Version int64  `json:"version"`
	OwnerID string `json:"owner_id"`
	Owner   string `json:"owner"` // by rank and name
}

// HandOnPlan is what a hand-on will do, checked.
type HandOnPlan struct {
	LeaverID string       `json:"leaver_id"`
	Name     string       `json:"name"` // the leaver
	Steps    []HandOnStep `json:"steps"`
	Left     int          `json:"left"` // the leaver's open cases in the command not handed on
}

// Message names who got what: "4 cases handed to DC Amy Lloyd and 1 to
// DS Jack Hughes", the most first.
func (p *HandOnPlan) Message() string {
	count := map[string]int{}
	var names []string
	for _, st := range p.Steps {
		if count[st.Owner] == 0 {
			names = append(names, st.Owner)
		}
		count[st.Owner]++
	}
	sort.SliceStable(names, func(i, j int) bool { return count[names[i]] > count[names[j]] })
	parts := make([]string, len(names))
	for i, n := range names {
		if i == 0 {
			parts[i] = domain.Plural(count[n], "case", "cases") + " handed to " + n
		} else {
			parts[i] = fmt.Sprintf("%d to %s", count[n], n)
		}
	}
	return domain.JoinAnd(parts)
}

// HandOnField is the form field of a case's choice, where its problems
// are reported.
func HandOnField(caseID string) string { return "owner-" + caseID }

// CheckHandOn checks every choice of in against AssignOwner's rules, and
// reports every problem at once; it changes nothing. The actor must be in
// the chain of command that may assign each chosen case's owner.
//
// The plan names each case with its summary, which the check page shows:
// that read is recorded, as HandoverOf's is.
func (s *Service) CheckHandOn(ctx context.Context, a *Actor, leaverID string, in HandOn) (*HandOnPlan, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	plan, err := s.checkHandOn(ctx, a, leaverID, in)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(plan.Steps))
	for i, st := range plan.Steps {
		ids[i] = st.CaseID
	}
	if err := s.RecordRead(ctx, a, ReadHandover, "", ids); err != nil {
		return nil, err
	}
	return plan, nil
}

// checkHandOn is CheckHandOn without recording a read: HandOn shows
// nothing of the cases it checks.
func (s *Service) checkHandOn(ctx context.Context, a *Actor, leaverID string, in HandOn) (*HandOnPlan, error) {
	org, h, err := s.handover(ctx, a, leaverID)
	if err != nil {
		return nil, err
	}
	if err := checkInput(in); err != nil {
		return nil, err
	}
	now := s.clock.Now().UTC()
	var p domain.Problems
	byID := map[string]HandOnCase{}
	for _, c := range in.Cases {
		byID[c.CaseID] = c
	}
	listed := map[string]bool{}
	plan := &HandOnPlan{LeaverID: h.LeaverID, Name: h.Name, Steps: []HandOnStep{}}
	for _, hc := range h.Cases {
		listed[hc.CaseID] = true
		ch, sent := byID[hc.CaseID]
		owner := ch.OwnerID
		if owner == "" && hc.Why == "" && (sent || len(in.Cases) == 0) {
			owner = in.All
		}
		if owner == "" {
			plan.Left++
			continue
		}
		field := HandOnField(hc.CaseID)
		if hc.Why != "" {
			p.Add(field, "forbidden", hc.Ref+": "+hc.Why)
			continue
		}
		if sent && ch.Version != hc.Version {
			p.Add(field, "stale", fmt.Sprintf("%s has changed since you opened this page: check it and choose again.",
				hc.Ref))
			continue
		}
		var one domain.Problems
		s.ownerProblems(a, hc.c, org, now, owner, field, &one)
		for _, q := range one {
			if !strings.Contains(q.Message, hc.Ref) {
				q.Message = hc.Ref + ": " + q.Message
			}
			p = append(p, q)
		}
		if len(one) == 0 {
			plan.Steps = append(plan.Steps, HandOnStep{CaseID: hc.CaseID, Ref: hc.Ref, Summary: hc.Summary,
				Version: hc.Version, OwnerID: owner, Owner: domain.PersonName(org.Users[owner])})
		}
	}
	for _, c := range in.Cases {
		if !listed[c.CaseID] {
			p.Add("", "not_listed", fmt.Sprintf("A case you chose is not one of %s's open cases in your command: "+
				"open the page again.", h.Name))
			break
		}
	}
	if len(p) == 0 && len(plan.Steps) == 0 {
		p.Add("all", "required", "Choose a new officer in charge for at least one case, or one officer to take "+
			"them all.")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return plan, nil
}

// HandOn checks in (CheckHandOn: any problem changes nothing), then gives
// each chosen case its new officer in charge by AssignOwner, one case at a
// time. A case changed by someone else between the check and its turn
// stops the hand-on there: the plan returned says what was done.
func (s *Service) HandOn(ctx context.Context, a *Actor, leaverID string, in HandOn) (*HandOnPlan, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	plan, err := s.checkHandOn(ctx, a, leaverID, in)
	if err != nil {
		return nil, err
	}
	done := &HandOnPlan{LeaverID: plan.LeaverID, Name: plan.Name, Steps: []HandOnStep{}, Left: plan.Left}
	reason := fmt.Sprintf("Handed on from %s, who has left", plan.Name)
	for i, st := range plan.Steps {
		_, err := s.AssignOwner(ctx, a, st.CaseID, AssignOwner{Version: st.Version, OwnerID: st.OwnerID,
			Reason: reason})
		if err != nil {
			done.Left += len(plan.Steps) - i
			return done, fmt.Errorf("hand on %s: %w", st.Ref, err)
		}
		done.Steps = append(done.Steps, st)
	}
	return done, nil
}
