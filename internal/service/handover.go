package service

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/store"
)

// The hand-on of a leaver's caseload (the manager's journey "a leaver's
// caseload", docs design role-journeys): when an officer leaves, their open
// cases stay theirs, and the watchdog raises "Owner has left" on each, until
// a supervisor or manager of the case's team gives each a new officer in
// charge. The pages list the leaver's open cases with who may take each,
// check every choice at once, then hand each case on in a transaction of
// its own, by AssignOwner's rules and AllocateAction's for its lines of
// enquiry still allocated to people who have left, so that duties,
// victims' duties, targets and escalation ladders pass as any allocation
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
	// time. Overdue is how many open duties are overdue and Dormant how
	// many are long-dormant (overdue by more than DormantAfter), counted
	// apart as the team board counts them: a page that said 37 overdue
	// beside a board saying 7 (and 30 long-dormant) read as two truths.
	NextDuty string    `json:"next_duty,omitempty"`
	NextDue  time.Time `json:"next_due,omitzero"`
	Overdue  int       `json:"overdue"`
	Dormant  int       `json:"long_dormant"`
	// Risks say in words what makes the case urgent: the referral's risk
	// as the team board words it (referralFlags), then what is overdue.
	Risks []string `json:"risks"`
	// Actions are the open lines of enquiry allocated to people who have
	// left, which go with the case to its new officer in charge.
	Actions []HandOnAction `json:"actions"`
	// Officers may take the case (those with Lacks set are refused).
	Officers []HandoverOfficer `json:"officers"`
	// Why the actor may not hand this case on, or "" when they may.
	Why string `json:"why,omitempty"`

	c *domain.Case
}

// Handover is a leaver's open cases in the reader's command, and the
// lines of enquiry still allocated to them on other officers' cases.
type Handover struct {
	LeaverID string         `json:"leaver_id"`
	Name     string         `json:"name"` // the leaver, by rank and name
	Cases    []HandoverCase `json:"cases"`
	// Elsewhere are the open lines of enquiry allocated to the leaver on
	// open cases of the reader's command that someone else owns.
	Elsewhere []LeaverAction `json:"elsewhere"`
}

// LeaverAction is an open line of enquiry allocated to a leaver on a case
// someone else owns. The hand-on does not move it: the case's officer in
// charge runs that investigation and knows who on it should pick the
// enquiry up (a detective sergeant handing on a leaver's own cases would
// not expect to rearrange a colleague's case behind their back), so the
// page names who must reallocate it and links the case's own form. Until
// then its target stays owed by the leaver, and the team board lists it
// under duties owed by people who have left (DutiesOfLeavers).
type LeaverAction struct {
	CaseID   string    `json:"case_id"`
	Ref      string    `json:"ref"`
	ActionID string    `json:"action_id"`
	Number   int       `json:"number"`
	Title    string    `json:"title"`
	Target   time.Time `json:"target,omitzero"`
	// Who names who must reallocate it: the case's officer in charge and
	// the team's supervisor, by rank and name.
	Who string `json:"who"`
	// May is whether the reader may reallocate it themself.
	May bool `json:"may"`
}

// HandoverOf reads the open cases of leaverID in the actor's command, with
// who may take each. Supervisors and managers only; a person who has not
// left is not found here. The read of the cases is recorded.
func (s *Service) HandoverOf(ctx context.Context, a *Actor, leaverID string) (*Handover, error) {
	_, out, err := s.handover(ctx, a, leaverID)
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(out.Cases)+len(out.Elsewhere))
	for _, c := range out.Cases {
		ids = append(ids, c.CaseID)
	}
	for _, x := range out.Elsewhere {
		if !slices.Contains(ids, x.CaseID) {
			ids = append(ids, x.CaseID)
		}
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
	out := &Handover{LeaverID: u.ID, Name: domain.PersonName(u), Cases: []HandoverCase{}, Elsewhere: []LeaverAction{}}
	loads := map[string]map[string]Caseload{}
	for _, r := range rows {
		if !slices.Contains(teams, r.TeamID) {
			continue
		}
		c, err := s.st.Case(ctx, r.ID)
		if err != nil {
			return nil, nil, err
		}
		hc := handoverCase(c, org, now)
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
	if out.Elsewhere, err = s.leaverActionsElsewhere(ctx, a, org, u, teams, now); err != nil {
		return nil, nil, err
	}
	return org, out, nil
}

// leaverActionsElsewhere reads, through the index of u's duties (never
// every case), the open lines of enquiry allocated to u on open cases of
// teams that u does not own, in order of case and action.
func (s *Service) leaverActionsElsewhere(ctx context.Context, a *Actor, org *domain.OrgState, u *domain.User,
	teams []string, now time.Time) ([]LeaverAction, error) {
	rows, err := s.st.UserDuties(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := []LeaverAction{}
	cases := map[string]*domain.Case{}
	for _, r := range rows {
		if r.Kind != duty.ActionTarget || !slices.Contains(teams, r.TeamID) {
			continue
		}
		c, ok := cases[r.CaseID]
		if !ok {
			if c, err = s.st.Case(ctx, r.CaseID); err != nil {
				return nil, err
			}
			cases[r.CaseID] = c
		}
		act := c.Action(r.Subject)
		if c.OwnerID == u.ID || !c.Status.IsOpen() || !a.CanSee(org, c) || act == nil || act.AllocatedTo != u.ID ||
			!openAllocated(act) {
			continue
		}
		var who []string
		if o := org.Users[c.OwnerID]; o != nil && o.Active {
			who = append(who, domain.PersonName(o)+", the officer in charge")
		}
		if sup := org.Users[duty.Supervisor(org, c.TeamID)]; sup != nil && sup.ID != c.OwnerID {
			who = append(who, domain.PersonName(sup)+", the team's supervisor")
		}
		out = append(out, LeaverAction{CaseID: c.ID, Ref: c.Ref, ActionID: act.ID, Number: act.Number,
			Title: act.Title, Target: act.Target, Who: domain.JoinOr(who),
			May: s.permissions(a, c, org, now).CanOn("allocate-action", act.ID)})
	}
	slices.SortFunc(out, func(x, y LeaverAction) int {
		if c := strings.Compare(x.Ref, y.Ref); c != 0 {
			return c
		}
		return x.Number - y.Number
	})
	return out, nil
}

// openAllocated is whether act is allocated and not yet resulted: its
// officer still owes the work (a resulted one waits on its reviewer, the
// officer in charge or a supervisor, not on who resulted it).
func openAllocated(act *domain.Action) bool {
	return act.AllocatedTo != "" &&
		(act.State == domain.ActionStateAllocated || act.State == domain.ActionStateReferred)
}

// leftActions are c's open lines of enquiry allocated to anyone who has
// left — the leaver, or another leaver on the same case: a sergeant
// handing the case on expects none of its work to stay with someone who
// cannot do it.
func leftActions(c *domain.Case, org *domain.OrgState) []*domain.Action {
	var out []*domain.Action
	for i := range c.Actions {
		act := &c.Actions[i]
		if u := org.Users[act.AllocatedTo]; openAllocated(act) && (u == nil || !u.Active) {
			out = append(out, act)
		}
	}
	return out
}

// handoverCase is what the hand-on shows of c.
func handoverCase(c *domain.Case, org *domain.OrgState, now time.Time) HandoverCase {
	hc := HandoverCase{CaseID: c.ID, Ref: c.Ref, Version: c.Version, Status: c.Status, Summary: c.Summary,
		Victims: []string{}, Actions: []HandOnAction{}, c: c}
	for _, v := range c.Victims {
		hc.Victims = append(hc.Victims, v.Name)
	}
	cutoff := now.Add(-DormantAfter)
	for _, d := range c.Duties {
		if d.Status != domain.DutyOpen {
			continue
		}
		if hc.NextDue.IsZero() || d.Due.Before(hc.NextDue) {
			hc.NextDue, hc.NextDuty = d.Due, d.Kind
		}
		switch {
		case d.Due.Before(cutoff):
			hc.Dormant++
		case duty.Overdue(d.Due, now):
			hc.Overdue++
		}
	}
	// The referral's risk in the team board's words (one wording, kept
	// with the board's decisions), less "Owner has left": that finding is
	// why the case is listed at all.
	seen := *c
	seen.Findings = slices.DeleteFunc(slices.Clone(c.Findings),
		func(f domain.Finding) bool { return f.Kind == FindingOrphaned })
	hc.Risks = append([]string{}, referralFlags(&seen)...)
	if hc.Overdue > 0 {
		hc.Risks = append(hc.Risks, domain.Plural(hc.Overdue, "duty is", "duties are")+" overdue")
	}
	if hc.Dormant > 0 {
		hc.Risks = append(hc.Risks, domain.Plural(hc.Dormant, "duty is", "duties are")+
			" long-dormant (overdue by more than a year), listed apart on the team board")
	}
	for _, act := range leftActions(c, org) {
		hc.Actions = append(hc.Actions, HandOnAction{ActionID: act.ID, Number: act.Number, Title: act.Title,
			From: domain.PersonName(org.Users[act.AllocatedTo]), Target: act.Target})
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
	// Actions are the case's open lines of enquiry allocated to people
	// who have left: each is reallocated to the new officer in charge,
	// in the same transaction as the case, by AllocateAction's rules.
	Actions []HandOnAction `json:"actions"`
}

// HandOnAction is a line of enquiry that goes with its case.
type HandOnAction struct {
	ActionID string `json:"action_id"`
	Number   int    `json:"number"`
	Title    string `json:"title"`
	From     string `json:"from"` // who has left, by rank and name
	// Target is the target it keeps, or, when the old one has passed,
	// the force's target from today (NewTarget): the officer given it
	// today cannot already be late with it, and the check page says so.
	Target    time.Time `json:"target,omitzero"`
	NewTarget bool      `json:"new_target,omitempty"`
}

// HandOnMiss is a case a hand-on did not hand on, and why.
type HandOnMiss struct {
	CaseID string `json:"case_id"`
	Ref    string `json:"ref"`
	Owner  string `json:"owner"` // whom it was to go to
	Why    string `json:"why"`
}

// HandOnPlan is what a hand-on will do, checked; after HandOn, what it
// did (Steps) and what it did not (Missed).
type HandOnPlan struct {
	LeaverID string       `json:"leaver_id"`
	Name     string       `json:"name"` // the leaver
	Steps    []HandOnStep `json:"steps"`
	Missed   []HandOnMiss `json:"missed,omitempty"`
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

// checkHandOn is CheckHandOn without recording a read: HandOn returns the
// cases it handed on by reference only (doneStep), never their summaries.
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
		n := len(p)
		_, acts := s.handOnEvents(a, hc.c, org, now, owner, "", &p)
		if len(p) == n {
			plan.Steps = append(plan.Steps, HandOnStep{CaseID: hc.CaseID, Ref: hc.Ref, Summary: hc.Summary,
				Version: hc.Version, OwnerID: owner, Owner: domain.PersonName(org.Users[owner]), Actions: acts})
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

// handOnEvents are the events that hand c to owner, with AssignOwner's
// rules, then AllocateAction's command checks, rules and event for each
// open line of enquiry allocated to someone who has left (leftActions),
// to the new owner: the case changes hands with its lines of enquiry or
// not at all, and a line of enquiry no longer stays "Allocated — (left)"
// on a case whose duties the check page said had passed. Every problem
// is added to p on the case's field, named with its reference (and the
// action's number).
func (s *Service) handOnEvents(a *Actor, c *domain.Case, org *domain.OrgState, now time.Time, owner,
	reason string, p *domain.Problems) ([]ev, []HandOnAction) {
	field := HandOnField(c.ID)
	var one domain.Problems
	s.ownerProblems(a, c, org, now, owner, field, &one)
	// An officer who may not own the case is refused once, not again for
	// each line of enquiry.
	ownerOK := len(one) == 0
	out := []ev{{domain.EvOwnerAssigned, domain.OwnerAssigned{OwnerID: owner, Reason: reason}}}
	acts := []HandOnAction{}
	for _, act := range leftActions(c, org) {
		in := AllocateAction{Action: act.ID, To: owner}
		keep := !act.Target.IsZero() && !act.Target.Before(now)
		if keep {
			in.Target = act.Target.In(calendar.London).Format(time.DateOnly)
		}
		var q domain.Problems
		err := mustCommand("allocate-action").run(s.newCheck(a, c, org, now), act.ID, &q)
		if f, ok := AsForbidden(err); ok {
			q.Add(field, "forbidden", f.Error())
		} else if err != nil {
			q.Add(field, "action", err.Error())
		}
		evs := s.allocateAction(a, in)(c, org, now, &q)
		for _, x := range q {
			if !ownerOK {
				break
			}
			x.Field, x.Message = field, fmt.Sprintf("A%d %s: %s", act.Number, act.Title, x.Message)
			one = append(one, x)
		}
		h := HandOnAction{ActionID: act.ID, Number: act.Number, Title: act.Title,
			From: domain.PersonName(org.Users[act.AllocatedTo]), NewTarget: !keep}
		if len(evs) == 1 {
			if e, ok := evs[0].payload.(domain.ActionAllocated); ok {
				// The command takes a target as a date (the end of its
				// day); the one kept is kept to the minute.
				if keep {
					e.Target = act.Target.UTC()
					evs[0].payload = e
				}
				h.Target = e.Target
			}
		}
		out = append(out, evs...)
		acts = append(acts, h)
	}
	for _, q := range one {
		if !strings.Contains(q.Message, c.Ref) {
			q.Message = c.Ref + ": " + q.Message
		}
		*p = append(*p, q)
	}
	return out, acts
}

// HandOn checks in (CheckHandOn: any problem changes nothing), then hands
// each chosen case on in a transaction of its own: its new officer in
// charge and its lines of enquiry (handOnEvents), or nothing. A case
// refused at its turn (changed by someone else since the check, or no
// longer the reader's to hand on) is listed in Missed with why, and the
// rest go on: a supervisor is shown what was done and what was not, and
// chooses again for those. An error that is no refusal (the record
// cannot be written) stops the hand-on there; the plan returned still
// says what was done, with the error.
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
		_, err := s.workflow(ctx, a, st.CaseID, st.Version, "assign-owner", "", func(c *domain.Case,
			org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
			evs, _ := s.handOnEvents(a, c, org, now, st.OwnerID, reason, p)
			return evs
		})
		if err == nil {
			done.Steps = append(done.Steps, doneStep(st))
			continue
		}
		done.Left++
		why, refused := handOnWhy(err)
		done.Missed = append(done.Missed, HandOnMiss{CaseID: st.CaseID, Ref: st.Ref, Owner: st.Owner, Why: why})
		if !refused {
			for _, rest := range plan.Steps[i+1:] {
				done.Left++
				done.Missed = append(done.Missed, HandOnMiss{CaseID: rest.CaseID, Ref: rest.Ref, Owner: rest.Owner,
					Why: "Not tried: the hand-on stopped at the error on " + st.Ref + "."})
			}
			return done, fmt.Errorf("hand on %s: %w", st.Ref, err)
		}
	}
	return done, nil
}

// doneStep is a case handed on as HandOn returns it: by reference, whom
// it went to and which lines of enquiry went with it, without its summary
// or the enquiries' titles. HandOn records no read (the check page that
// showed them did), and a supervisor may post the hand-on without seeing
// that page, so what it returns must not be a reading of the case.
func doneStep(st HandOnStep) HandOnStep {
	st.Summary = ""
	acts := make([]HandOnAction, len(st.Actions))
	for i, x := range st.Actions {
		x.Title = ""
		acts[i] = x
	}
	st.Actions = acts
	return st
}

// handOnWhy says why a case was not handed on, and whether that was a
// refusal of that case alone (the hand-on goes on to the next).
func handOnWhy(err error) (string, bool) {
	if ps, ok := domain.AsProblems(err); ok {
		msgs := make([]string, len(ps))
		for i, q := range ps {
			msgs[i] = q.Message
		}
		return strings.Join(msgs, " "), true
	}
	if f, ok := AsForbidden(err); ok {
		return f.Error(), true
	}
	switch {
	case errors.Is(err, ErrConflict):
		return "Someone changed the case after you checked your answers, so it was left as it was: " +
			"open it, then choose again.", true
	case errors.Is(err, ErrNotFound):
		return "You can no longer see the case: it may have moved out of your command.", true
	}
	return "It could not be saved: try again.", false
}
