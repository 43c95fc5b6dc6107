package duty

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/policy"
)

// Duty kinds. A kind names what is owed; its deadline comes from policy.
const (
	AllocateReferral   = "allocate_referral"
	InvestigationPlan  = "investigation_plan"
	FirstVictimContact = "first_victim_contact"
	ContactPlan        = "contact_plan"
	SupportReferral    = "support_referral"
	VictimUpdate       = "victim_update"
	DecisionNotice     = "decision_notice"
	SupervisoryReview  = "supervisory_review"
	ActionTarget       = "action_target"
	ActionReview       = "action_review"
	TransferAccept     = "transfer_accept"
	ClosureApproval    = "closure_approval"
	ClosureSentBack    = "closure_sent_back"
	BreakGlassReview   = "break_glass_review"
	VRRAcknowledge     = "vrr_acknowledge"
	VRRReview          = "vrr_review"
	FindingResponse    = "finding_response"
)

// notWaivable are the duties no one may waive; the value says what to do
// instead. Two kinds:
//
// Allocation and supervision keep an open case owing something: waived,
// one would not come back for the same cycle, and once anything else owed
// (a transfer, a plan) was met the case would owe nothing — the property
// test found exactly that. Unsupervised cases are also the failure
// Holdfast exists for.
//
// Decisions are met only by the decision itself: while the case still
// awaits it (a closure proposed, a transfer proposed, a victim's request
// for review, an emergency access unreviewed, an audit finding
// unanswered, an action resulted, a possible link) a waiver would leave
// the case saying it awaits someone's word with nobody owing it. Most are
// owed by a named higher rank or by an auditor, and a supervisor's waiver
// would also be a lower rank overruling them.
var notWaivable = map[string]string{
	AllocateReferral:   "allocate the referral to an officer, or transfer the case",
	SupervisoryReview:  "record the review",
	ClosureApproval:    "the approver approves the closure or sends it back",
	TransferAccept:     "the receiving team's supervisor accepts or rejects the transfer",
	VRRAcknowledge:     "the manager acknowledges the review request and names its reviewer",
	VRRReview:          "the named reviewer decides the review request",
	BreakGlassReview:   "an auditor reviews the emergency access",
	FindingResponse:    "the person the finding names answers it",
	ActionReview:       "review the action's result",
	domain.DutyLinkRev: "decide whether the cases are linked",
}

// Waivable reports whether a supervisor may waive a duty of kind and, if
// not, what to do instead.
func Waivable(kind string) (bool, string) {
	instead, no := notWaivable[kind]
	return !no, instead
}

// Overdue is the watchdog's rule for a deadline: a duty due at due is
// overdue at asOf once asOf has reached it (the store's due-duty queries
// say the same, due_at <= asOf). Audit triage judges by it too, so a
// reason that depends on a duty never fires before the duty is late.
func Overdue(due, asOf time.Time) bool { return !due.IsZero() && !due.After(asOf) }

// NoticeDeadline is when v must be told of the decision she is owed word
// of (zero if none): the policy's period for an enhanced or a standard
// victim from the decision (Victims' Code Right 6). The decision_notice
// duty is due then.
func NoticeDeadline(v *domain.Victim, p *policy.Policy, cal policy.Calendar) time.Time {
	if v.NoticeDue == nil {
		return time.Time{}
	}
	key := "decision_notice_standard"
	if v.Enhanced {
		key = "decision_notice_enhanced"
	}
	due := p.Due(key, v.NoticeDue.At, cal)
	// A Right to Review's outcome must be communicated within the review's
	// own time from the request (the VRR scheme: 30 working days), where
	// that is sooner and still after the decision.
	for _, o := range v.NoticeDue.Each {
		if o.ReviewAsked.IsZero() {
			continue
		}
		if by := p.Due(VRRReview, o.ReviewAsked, cal); by.After(o.At) && by.Before(due) {
			due = by
		}
	}
	return due
}

// Want is a duty the case's state says must be open.
type Want struct {
	Kind        string
	Subject     string
	Accountable string
	TeamID      string
	Due         time.Time
	Detail      string // what it is about, where the kind does not say (Duty.Detail)
}

func (w Want) key() string { return w.Kind + "/" + w.Subject }

// Rules is what deciding duties needs besides the case.
type Rules struct {
	Policy   *policy.Policy
	Calendar policy.Calendar
	// AsOf adds the duties that fall due by the clock rather than by the
	// case's own state (issue 21: an accreditation the work needs
	// lapsing, service/training_watch.go), as at now. Nil: none.
	AsOf func(c *domain.Case, org *domain.OrgState, now time.Time) []Want
}

// Wanted lists the duties c's state calls for, in a stable order.
func (r Rules) Wanted(c *domain.Case, org *domain.OrgState) []Want {
	var out []Want
	p, cal := r.Policy, r.Calendar
	add := func(kind, polKey, subject, who, team string, anchor time.Time) {
		out = append(
			out,
			Want{Kind: kind, Subject: subject, Accountable: who, TeamID: team, Due: p.Due(polKey, anchor, cal)},
		)
	}
	// A reopened case starts afresh: what its open state owes runs from
	// the reopening, not from the first investigation's dates (which would
	// make it overdue by years the moment it reopens).
	from := func(t time.Time) time.Time {
		if c.ReopenedAt.After(t) {
			return c.ReopenedAt
		}
		return t
	}
	sup := Supervisor(org, c.TeamID)
	// What the Victims' Code owes a victim runs from when the victim is
	// recorded, allocated or not: the officer in charge owes it, and while
	// the referral waits for one (or its officer has left) the supervisor
	// who holds it does, as they owe its allocation. On allocation
	// Reconcile hands each duty over with its due time and its place on
	// the escalation ladder.
	victims := func(who string) {
		for i := range c.Victims {
			v := &c.Victims[i]
			if v.ContactCount == 0 {
				add(FirstVictimContact, FirstVictimContact, v.ID, who, c.TeamID, from(v.AddedAt))
			} else {
				last := from(v.LastContact())
				if v.Plan != nil && v.Plan.EveryDays > 0 {
					out = append(out, Want{Kind: VictimUpdate, Subject: v.ID, Accountable: who, TeamID: c.TeamID,
						Due: last.AddDate(0, 0, v.Plan.EveryDays)})
				} else {
					add(VictimUpdate, VictimUpdate, v.ID, who, c.TeamID, last)
				}
			}
			if v.Plan == nil {
				add(ContactPlan, ContactPlan, v.ID, who, c.TeamID, from(v.AddedAt))
			}
			if v.Enhanced && v.LastContact(domain.ContactSupportReferral).IsZero() {
				add(SupportReferral, SupportReferral, v.ID, who, c.TeamID, from(v.AddedAt))
			}
		}
	}
	if c.Status.IsOpen() {
		if c.OwnerID == "" {
			add(AllocateReferral, AllocateReferral, "", sup, c.TeamID, from(c.OpenedAt))
			victims(sup)
		} else {
			owner := c.OwnerID
			if c.Plan == "" {
				add(InvestigationPlan, InvestigationPlan, "", owner, c.TeamID, from(c.AllocatedAt))
			}
			// Reopened since the last review, the case wants a first
			// review of its new investigation.
			if c.ReviewCount == 0 || c.ReopenedAt.After(c.LastReviewAt) {
				add(SupervisoryReview, "first_review", "", sup, c.TeamID, from(c.AllocatedAt))
			} else {
				add(SupervisoryReview, "review", "", sup, c.TeamID, c.LastReviewAt)
			}
			// A victim is never owed contact by someone who has left, or
			// who was moved out of the case's chain and so can no longer
			// open it: the supervisor holds her duties, as for a referral
			// nobody has been given, until the case has a serving officer
			// again (a reassignment hands them on with their ladder).
			if serves(org, c, owner) {
				victims(owner)
			} else {
				victims(sup)
			}
			for i := range c.Actions {
				a := &c.Actions[i]
				switch a.State {
				case domain.ActionStateRaised:
					add(ActionTarget, ActionTarget, a.ID, owner, c.TeamID, from(a.RaisedAt))
				case domain.ActionStateAllocated, domain.ActionStateReferred:
					w := Want{Kind: ActionTarget, Subject: a.ID, Accountable: a.AllocatedTo, TeamID: c.TeamID, Due: a.Target}
					if a.Target.IsZero() || a.Target.Before(c.ReopenedAt) {
						w.Due = p.Due(ActionTarget, from(a.RaisedAt), cal)
					}
					out = append(out, w)
				case domain.ActionStateResulted:
					// A second pair of eyes: never the officer who resulted it.
					who, why := actionReviewer(org, c, a)
					out = append(out, Want{Kind: ActionReview, Subject: a.ID, Accountable: who, TeamID: c.TeamID,
						Due: p.Due(ActionReview, from(a.ResultedAt), cal), Detail: why})
				}
			}
		}
		if t := c.Transfer; t != nil {
			add(TransferAccept, TransferAccept, t.ID, Supervisor(org, t.ToTeam), t.ToTeam, t.ProposedAt)
		}
		if cl := c.Closure; cl.Open() {
			add(ClosureApproval, ClosureApproval, cl.ID, Approver(org, c, p, c.UpdatedAt), c.TeamID, cl.ProposedAt)
		} else if w, ok := sentBack(c, p, cal); ok {
			out = append(out, w)
		}
	}
	for i := range c.Victims {
		v := &c.Victims[i]
		if v.NoticeDue == nil {
			continue
		}
		// The officer in charge tells the victim; with none, or one who
		// has left or been moved out of the case's chain, the supervisor,
		// so word is never owed by someone who cannot open the case.
		who := c.OwnerID
		if !serves(org, c, who) {
			who = sup
		}
		out = append(out, Want{Kind: DecisionNotice, Subject: v.ID, Accountable: who, TeamID: c.TeamID,
			Due: NoticeDeadline(v, p, cal)})
	}
	if v := c.PendingVRR(); v != nil {
		mgr := Manager(org, c.TeamID, p.Escalation.ManagerMinRank)
		if v.AckAt.IsZero() {
			add(VRRAcknowledge, VRRAcknowledge, v.ID, mgr, c.TeamID, v.At)
		}
		who := v.Reviewer
		if who == "" {
			who = mgr
		}
		add(VRRReview, VRRReview, v.ID, who, c.TeamID, v.At)
	}
	for _, g := range c.BreakGlass {
		if g.ReviewedBy != "" {
			continue
		}
		by := "Someone"
		if u := org.Users[g.By]; u != nil {
			by = domain.PersonName(u)
		}
		out = append(out, Want{Kind: BreakGlassReview, Subject: g.ID, Accountable: Auditor(org, c.TeamID),
			TeamID: c.TeamID, Due: p.Due(BreakGlassReview, g.At, cal),
			Detail: by + " opened the case in an emergency: " + g.Reason})
	}
	// A possible link to another case, found in the POLE index: the owner
	// (or, with none, the supervisor) reviews it (domain/links.go).
	for _, l := range c.Links {
		if l.Outcome != domain.LinkPending || !c.Status.IsOpen() {
			continue // a closed case's side is alerted; the open side reviews
		}
		who := c.OwnerID
		if who == "" {
			who = sup
		}
		out = append(out, Want{Kind: domain.DutyLinkRev, Subject: l.ID, Accountable: who, TeamID: c.TeamID,
			Due: p.Due(domain.DutyLinkRev, l.RaisedAt, cal)})
	}
	out = append(out, r.auditWants(c)...)
	return out
}

// Auditor is who in the force's audit team reviews an emergency access to
// a case of team: a serving auditor of its force (the lowest id, so the
// choice is stable), or the force's fallback.
func Auditor(org *domain.OrgState, team string) string {
	o := domain.Org{Units: org.Units}
	force, id := o.ForceOf(team), ""
	for _, u := range org.Users {
		if u.Active && u.HasRole(domain.RoleAuditor) && o.ForceOf(u.UnitID) == force && (id == "" || u.ID < id) {
			id = u.ID
		}
	}
	if id == "" {
		return Fallback(org)
	}
	return id
}

// Reconcile returns the events that bring c's open duties in line with
// what its state calls for: duties no longer called for are met (or
// cancelled, when a decision ended them), new ones are opened.
func (r Rules) Reconcile(c *domain.Case, org *domain.OrgState, actor string, now time.Time) ([]*event.Event, error) {
	want := r.Wanted(c, org)
	if r.AsOf != nil {
		want = append(want, r.AsOf(c, org, now)...)
	}
	byKey := map[string]Want{}
	for _, w := range want {
		byKey[w.key()] = w
	}
	var evs []*event.Event
	kept := map[string]bool{}
	// handed is each open duty now owed by someone else (or another team)
	// with the same due time: the same obligation changing hands. Its
	// successor keeps its place on the escalation ladder, so those told
	// already stay told and the steps to come fall when they would have;
	// restarting it would tell the new holder of a duty long overdue at
	// once and every rank above them in the same sweep, as if it were
	// theirs from the start.
	handed := map[string]domain.Duty{}
	// A waiver stands for the obligation as it was waived: the same duty
	// with the same due time is not opened again; a later cycle is.
	for _, d := range c.Duties {
		// A waiver of a kind the rule refuses (recorded before the rule
		// said so) stands for nothing: the duty is owed again.
		if w, ok := byKey[d.Kind+"/"+d.Subject]; ok && d.Status == domain.DutyWaived && w.Due.Equal(d.Due) &&
			notWaivable[d.Kind] == "" {
			kept[w.key()] = true
		}
	}
	for _, d := range c.Duties {
		if d.Status != domain.DutyOpen {
			continue
		}
		key := d.Kind + "/" + d.Subject
		w, ok := byKey[key]
		if ok && !kept[key] && w.Due.Equal(d.Due) && w.Accountable == d.Accountable && w.TeamID == d.TeamID {
			kept[key] = true
			continue
		}
		if ok && w.Due.Equal(d.Due) {
			handed[key] = d
		}
		status, reason := domain.DutyMet, ""
		switch {
		case ok && w.Accountable != d.Accountable:
			status, reason = domain.DutyCancelled, "now owed by someone else"
		case !c.Status.IsOpen() && !domain.OutlivesClosure(d.Kind):
			status, reason = domain.DutyCancelled, "ended by the closure decision"
		case d.Kind == ActionTarget && actionCancelled(c, d.Subject):
			status, reason = domain.DutyCancelled, "the action was cancelled"
		}
		e, err := domain.NewEvent(
			domain.EvDutyClosed,
			actor,
			c.ID,
			now,
			domain.DutyClosed{ID: d.ID, Status: status, Reason: reason},
		)
		if err != nil {
			return nil, err
		}
		evs = append(evs, e)
	}
	n := c.DutyCount
	for _, w := range want {
		if kept[w.key()] {
			continue
		}
		kept[w.key()] = true
		n++
		d := domain.Duty{
			ID:          fmt.Sprintf("%s.d%d", c.ID, n),
			Kind:        w.Kind,
			Subject:     w.Subject,
			Accountable: w.Accountable,
			TeamID:      w.TeamID,
			Due:         w.Due.UTC(),
			Status:      domain.DutyOpen,
			Opened:      now,
			NextAt:      w.Due.UTC(),
			Detail:      w.Detail,
		}
		if prev, ok := handed[w.key()]; ok {
			d.Escalation, d.NextAt = prev.Escalation, prev.NextAt
		}
		e, err := domain.NewEvent(domain.EvDutyOpened, actor, c.ID, now, domain.DutyOpened{Duty: d})
		if err != nil {
			return nil, err
		}
		evs = append(evs, e)
	}
	return evs, nil
}

// serves reports whether id is an active user whose unit is the case's
// team or above it and who holds a case-work role: someone who can open
// the case and record what it owes a victim. An officer in charge moved
// to another team keeps the case until it is reassigned, but cannot see
// it; one whose investigator role was taken away still sees it but can
// record nothing on it.
func serves(org *domain.OrgState, c *domain.Case, id string) bool {
	u := org.Users[id]
	return u != nil && u.Active && (domain.Org{Units: org.Units}).Within(c.TeamID, u.UnitID) &&
		slices.ContainsFunc(domain.CaseworkRoles, u.HasRole)
}

// actionReviewer is who reviews a resulted action: the case's supervisor,
// who reads a result before it is filed (MIRSAP's receiver and office
// manager, ../shared/domain.md §4) and whom the case pages offer "File"
// and "Refer back" — not the officer in charge, who was owed it before
// while the sergeant did it, so it never reached the sergeant's My work.
// A second pair of eyes: if the supervisor resulted it themselves, the
// next supervisor in the chain who did not (or a manager, or the force's
// fallback), and the second value says why. The escalation ladder runs
// from whoever holds it (service/sweep.go, ladder).
func actionReviewer(org *domain.OrgState, c *domain.Case, a *domain.Action) (string, string) {
	if sup := Supervisor(org, c.TeamID); sup != a.ResultedBy {
		return sup, ""
	}
	by := "The team's supervisor"
	if u := org.Users[a.ResultedBy]; u != nil {
		by = domain.PersonName(u) + ", the team's supervisor,"
	}
	return SupervisorExcept(org, c.TeamID, a.ResultedBy), fmt.Sprintf("%s resulted action A%d, so it needs a "+
		"second pair of eyes: it is routed to the next supervisor in the chain of command.", by, a.Number)
}

// Recused is who must never be asked to see to d, by its holder or by any
// step of its escalation: for the review of a resulted action, the officer
// who resulted it (a second pair of eyes); "" for any other duty.
func Recused(c *domain.Case, d domain.Duty) string {
	if d.Kind != ActionReview {
		return ""
	}
	if a := c.Action(d.Subject); a != nil {
		return a.ResultedBy
	}
	return ""
}

// SupervisorExcept is Supervisor passing over the people in not: the
// nearest active supervisor in team's chain who is none of them, else the
// nearest such manager, else the force's fallback.
func SupervisorExcept(org *domain.OrgState, team string, not ...string) string {
	but := func(role domain.Role) func(u *domain.User) bool {
		return func(u *domain.User) bool { return u.HasRole(role) && !slices.Contains(not, u.ID) }
	}
	if id := nearest(org, team, but(domain.RoleSupervisor)); id != "" {
		return id
	}
	if id := nearest(org, team, but(domain.RoleManager)); id != "" {
		return id
	}
	return Fallback(org)
}

// sentBack is the duty a closure sent back owes the officer in charge: do
// what the approver asked, then propose it again (meeting the duty). It
// is due from when the closure was sent back: the moment its approval
// duty ended.
func sentBack(c *domain.Case, p *policy.Policy, cal policy.Calendar) (Want, bool) {
	n := len(c.Closures)
	if !c.Status.IsOpen() || c.OwnerID == "" || n == 0 || c.Closures[n-1].Rejected == "" {
		return Want{}, false
	}
	cl := c.Closures[n-1]
	at := cl.ProposedAt
	if e := c.ApprovalEnded; e != nil && e.Subject == cl.ID {
		at = e.At
	}
	return Want{Kind: ClosureSentBack, Subject: cl.ID, Accountable: c.OwnerID, TeamID: c.TeamID,
		Due:    p.Due(ClosureSentBack, at, cal),
		Detail: fmt.Sprintf("The closure with outcome %s was sent back: %s", cl.Outcome, cl.Rejected)}, true
}

func actionCancelled(c *domain.Case, id string) bool {
	a := c.Action(id)
	return a != nil && a.State == domain.ActionStateCancelled
}

// Supervisor is who supervises team: an active supervisor in the team, or
// failing that the nearest one above it; with no supervisor in the chain,
// the nearest manager in it; with none either, the force's fallback (see
// Fallback). So a duty it is given to is owed by somebody.
func Supervisor(org *domain.OrgState, team string) string {
	if id := nearest(org, team, func(u *domain.User) bool { return u.HasRole(domain.RoleSupervisor) }); id != "" {
		return id
	}
	if id := nearest(org, team, func(u *domain.User) bool { return u.HasRole(domain.RoleManager) }); id != "" {
		return id
	}
	return Fallback(org)
}

// Manager is the nearest active manager of at least min rank at or above
// team; with none in the chain, the force's fallback (see Fallback).
func Manager(org *domain.OrgState, team string, min domain.Rank) string {
	if id := nearest(org, team, func(u *domain.User) bool { return u.HasRole(domain.RoleManager) && u.Rank.AtLeast(min) }); id != "" {
		return id
	}
	return Fallback(org)
}

// Fallback is who answers for what the chain of command leaves to nobody:
// a team with no active supervisor or manager above it must not open a
// duty owed by nobody, nor escalate one to nobody. It is the force's most
// senior active manager in any unit, else an active administrator; among
// equals the lowest user ID, so the choice is stable. It is "" only when
// the force has neither — and then no command could be made at all.
func Fallback(org *domain.OrgState) string {
	var mgr, admin *domain.User
	for _, u := range org.Users {
		if !u.Active {
			continue
		}
		if u.HasRole(domain.RoleManager) &&
			(mgr == nil || u.Rank.Above(mgr.Rank) || (!mgr.Rank.Above(u.Rank) && u.ID < mgr.ID)) {
			mgr = u
		}
		if u.HasRole(domain.RoleAdmin) && (admin == nil || u.ID < admin.ID) {
			admin = u
		}
	}
	switch {
	case mgr != nil:
		return mgr.ID
	case admin != nil:
		return admin.ID
	}
	return ""
}

// nearest is the first active user matching ok at team or up its chain of
// units, the lowest ID among several in one unit; "" if none.
func nearest(org *domain.OrgState, team string, ok func(*domain.User) bool) string {
	for unit := team; unit != ""; {
		var ids []string
		for _, u := range org.Users {
			if u.Active && u.UnitID == unit && ok(u) {
				ids = append(ids, u.ID)
			}
		}
		if len(ids) > 0 {
			sort.Strings(ids)
			return ids[0]
		}
		un, found := org.Units[unit]
		if !found {
			break
		}
		unit = un.ParentID
	}
	return ""
}
