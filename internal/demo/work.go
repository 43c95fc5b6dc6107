package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/service"
)

// milestone moves the case's story on.
func (sc *simCase) milestone(m milestone) error {
	g, r := sc.g, sc.rng
	now := sc.now()
	open := sc.c.Status == domain.StatusOpen
	switch m.kind {
	case msIntake:
		return sc.intake()
	case msActions:
		if !open {
			return nil
		}
		return sc.raiseInitial()
	case msSuspect:
		if !open || m.i >= len(sc.c.Suspects) {
			return nil
		}
		s := sc.c.Suspects[m.i]
		if m.status == domain.SuspectInterviewed && s.Status != domain.SuspectArrested {
			return nil
		}
		a := sc.ownerActor()
		return sc.do("suspect "+string(m.status), func(v int64) (*domain.Case, error) {
			return g.svc.SetSuspectStatus(g.ctx, a, sc.c.ID, service.SetSuspectStatus{Version: v, Suspect: s.ID,
				Status: m.status, Explanation: m.text})
		})
	case msTransfer:
		if !open || sc.closing || sc.c.Transfer != nil || sc.c.OwnerID == "" {
			return nil
		}
		to := sc.p.transferTo
		if to == nil || to.id == sc.c.TeamID {
			return nil
		}
		reason := pick(r, []string{
			"Linked by phone and vehicle to a network investigation held by " + to.name,
			"The victim has moved into " + to.name + "'s area and the suspects are there",
			"Allegations now include offences that " + to.name + " investigates",
			"Online offending identified: " + to.name + " holds the linked enquiries",
		})
		a := sc.ownerActor()
		return sc.do("propose transfer", func(v int64) (*domain.Case, error) {
			return g.svc.ProposeTransfer(
				g.ctx,
				a,
				sc.c.ID,
				service.ProposeTransfer{Version: v, ToTeam: to.id, Reason: reason},
			)
		})
	case msClose:
		return sc.tryClose()
	case msCloseReview:
		return sc.closureReview()
	case msPropose:
		return sc.propose()
	case msVRR:
		if sc.c.Status != domain.StatusClosed || sc.c.PendingVRR() != nil || len(sc.c.Victims) == 0 {
			return nil
		}
		v := sc.c.Victims[0].ID
		return sc.do("request review", func(ver int64) (*domain.Case, error) {
			return g.svc.RequestVRR(g.ctx, sc.liaison(), sc.c.ID, service.RequestVRR{Version: ver, VictimID: v})
		})
	case msReopen:
		if sc.c.Status != domain.StatusClosed || sc.c.PendingVRR() != nil {
			return nil
		}
		a := sc.team().lead.actor
		if m.text == "audit" {
			a = g.staff[domain.RoleAuditor].actor
		}
		reason := pick(r, reopenReasons[m.text])
		if m.text == "audit" {
			reason = fmt.Sprintf(reason, sc.c.Outcome)
		}
		if err := sc.do("reopen", func(v int64) (*domain.Case, error) {
			return g.svc.Reopen(g.ctx, a, sc.c.ID, service.Reopen{Version: v, Reason: reason})
		}); err != nil {
			return err
		}
		return sc.afterReopen(reason)
	case msAddVictim:
		if !sc.c.Status.IsOpen() {
			return nil
		}
		first, last := pick(r, girlFirst), pick(r, surnames)
		v := service.NewVictim{
			Name:        first + " " + last,
			DateOfBirth: now.AddDate(-13-r.IntN(4), -r.IntN(12), 0).In(clock.London).Format(time.DateOnly),
			Contact:     fmt.Sprintf("Via mother (%s %s), %s", pick(r, parentFirst), last, landline(r)),
			Vulnerable:  true,
		}
		a := sc.ownerActor()
		return sc.do("add victim", func(ver int64) (*domain.Case, error) {
			v.Version = ver
			return g.svc.AddVictim(g.ctx, a, sc.c.ID, v)
		})
	case msPlantNotice:
		if !open {
			return nil
		}
		for _, s := range sc.c.Suspects {
			if !s.Named() {
				continue
			}
			st, why := domain.SuspectArrested, ""
			if s.Interviewed() || s.Status == domain.SuspectArrested {
				st, why = domain.SuspectNFA, "Released without charge pending digital forensics"
			}
			id, a := s.ID, sc.ownerActor()
			return sc.do("suspect "+string(st), func(v int64) (*domain.Case, error) {
				return g.svc.SetSuspectStatus(
					g.ctx,
					a,
					sc.c.ID,
					service.SetSuspectStatus{Version: v, Suspect: id, Status: st,
						Explanation: why},
				)
			})
		}
		return nil
	case msRaise:
		if !open {
			return nil
		}
		a, in := sc.ownerActor(), service.NewAction{Title: m.text, Priority: "high"}
		return sc.do("raise action", func(v int64) (*domain.Case, error) {
			in.Version = v
			return g.svc.RaiseAction(g.ctx, a, sc.c.ID, in)
		})
	}
	return nil
}

var reopenReasons = map[string][]string{
	"audit": {
		"Audit of outcome-%s closures: the victim's account was not taken to ABE standard and a vehicle named in it was never traced",
		"Audit of outcome-%s closures: a line of enquiry on a second phone was identified but not followed before closure",
		"Audit of outcome-%s closures: the suspect is linked by phone to two later referrals; the closure did not consider them",
	},
	"supervisor": {
		"The victim has made a further disclosure naming a second suspect",
		"New intelligence links the suspect's address to another child's missing episodes",
		"Digital forensics returned after closure with images relevant to the allegation",
	},
}

// afterReopen does what a reopened case needs at once: an owner, a fresh
// review with directions, and word to the victims.
func (sc *simCase) afterReopen(reason string) error {
	g, r := sc.g, sc.rng
	t := sc.team()
	if o, ok := g.officers[sc.c.OwnerID]; !ok || !o.active {
		to := sc.choose(t.available(sc.now(), false), nil)
		if err := sc.do("assign owner", func(v int64) (*domain.Case, error) {
			return g.svc.AssignOwner(g.ctx, t.lead.actor, sc.c.ID, service.AssignOwner{Version: v, OwnerID: to.id,
				Reason: "Reopened: the previous officer has left"})
		}); err != nil {
			return err
		}
	}
	dirs := sc.directions(1 + r.IntN(2))
	rv := sc.reviewer().actor
	if err := sc.do("review reopened case", func(v int64) (*domain.Case, error) {
		return g.svc.RecordReview(g.ctx, rv, sc.c.ID, service.RecordReview{Version: v,
			Summary: "Case reopened: " + reason + ". Directions set; next review in 28 days.", Directions: dirs})
	}); err != nil {
		return err
	}
	for _, v := range sc.c.Victims {
		if err := sc.contact(v.ID, domain.ContactUpdate, sc.ownerActor(), "Told the investigation has been reopened and why; contact plan confirmed"); err != nil {
			return err
		}
	}
	sc.closing = false
	sc.add(milestone{at: officeHours(r, sc.now().Add(days(21+50*r.Float64()))), kind: msClose})
	return nil
}

func (sc *simCase) contact(victimID, kind string, a *service.Actor, note string) error {
	g := sc.g
	method := pick(sc.rng, contactMethods)
	if v := sc.c.Victim(victimID); v != nil && v.Plan != nil {
		method = v.Plan.Method
	}
	return sc.do("contact victim ("+kind+")", func(ver int64) (*domain.Case, error) {
		return g.svc.RecordContact(g.ctx, a, sc.c.ID, service.RecordContact{Version: ver, Victim: victimID, Kind: kind,
			Method: method, Note: note})
	})
}

// directions picks up to n lines of enquiry the case does not have yet.
func (sc *simCase) directions(n int) []string {
	var out []string
	for _, i := range sc.rng.Perm(len(directions)) {
		if len(out) == n {
			break
		}
		d, dup := directions[i], false
		for _, a := range sc.c.Actions {
			dup = dup || a.Title == d
		}
		if !dup {
			out = append(out, d)
		}
	}
	return out
}

func (sc *simCase) raiseInitial() error {
	g, r := sc.g, sc.rng
	keys := []string{"strategy_meeting", "abe_interview"}
	for _, s := range sc.c.Suspects {
		if s.Named() {
			keys = append(keys, "suspect_arrest")
			break
		}
	}
	if sc.p.network != nil {
		keys = append(keys, "associates")
	}
	for _, i := range r.Perm(4)[:min(1, r.IntN(5)/3)] {
		keys = append(keys, []string{"devices", "cctv", "hotels_taxis", "missing_episodes"}[i])
	}
	a := sc.ownerActor()
	for _, k := range keys {
		for _, sa := range g.pol.StandardActions {
			if sa.Key != k {
				continue
			}
			in := service.NewAction{Title: sa.Title, Priority: sa.Priority}
			if err := sc.do("raise action", func(v int64) (*domain.Case, error) {
				in.Version = v
				return g.svc.RaiseAction(g.ctx, a, sc.c.ID, in)
			}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (sc *simCase) takeAccounts(a *service.Actor) error {
	for _, v := range sc.c.Victims {
		if v.AccountTaken {
			continue
		}
		if err := sc.contact(v.ID, domain.ContactAccount, a, "Account recorded: video-recorded (ABE) interview with a trained interviewer"); err != nil {
			return err
		}
	}
	return nil
}

// --- duties -----------------------------------------------------------------

// fulfil does what a duty asks.
func (sc *simCase) fulfil(d domain.Duty) error {
	g, r := sc.g, sc.rng
	switch d.Kind {
	case duty.AllocateReferral:
		t := sc.team()
		to := sc.p.owner
		if to == nil || !to.active {
			to = sc.choose(t.available(sc.now(), r.IntN(12) == 0), nil)
		}
		if err := sc.do("allocate", func(v int64) (*domain.Case, error) {
			return g.svc.AssignOwner(g.ctx, t.lead.actor, sc.c.ID, service.AssignOwner{Version: v, OwnerID: to.id,
				Reason: "Allocated for investigation"})
		}); err != nil {
			return err
		}
		now := sc.now()
		sc.add(milestone{at: now.Add(time.Duration(10+r.IntN(240)) * time.Minute), kind: msActions})
		return nil
	case duty.InvestigationPlan:
		a, plan := sc.ownerActor(), pick(r, planTemplates)
		return sc.do("set plan", func(v int64) (*domain.Case, error) {
			return g.svc.SetPlan(g.ctx, a, sc.c.ID, service.SetPlan{Version: v, Plan: plan})
		})
	case duty.FirstVictimContact:
		return sc.contact(
			d.Subject,
			domain.ContactNeedsAssessment,
			sc.ownerActor(),
			"First contact made; needs assessment completed with the child and carer",
		)
	case duty.SupportReferral:
		return sc.contact(
			d.Subject,
			domain.ContactSupportReferral,
			sc.liaison(),
			"Referred, with consent, to the ISVA service and the local child exploitation support project",
		)
	case duty.ContactPlan:
		every := pick(r, []int{14, 14, 21, 28, 28, 28, 28, 28})
		method := pick(r, contactMethods)
		a, id := sc.contactActor(), d.Subject
		return sc.do("agree contact plan", func(v int64) (*domain.Case, error) {
			return g.svc.AgreeContactPlan(
				g.ctx,
				a,
				sc.c.ID,
				service.AgreeContactPlan{Version: v, Victim: id, EveryDays: every,
					Method: method},
			)
		})
	case duty.VictimUpdate:
		return sc.contact(d.Subject, domain.ContactUpdate, sc.contactActor(), pick(r, updateNotes))
	case duty.DecisionNotice:
		note := "Told of the decision"
		if v := sc.c.Victim(d.Subject); v != nil && v.NoticeDue != nil {
			note = "Told: " + v.NoticeDue.Decision
		}
		return sc.contact(d.Subject, domain.ContactDecision, sc.contactActor(), note)
	case duty.SupervisoryReview:
		return sc.review()
	case duty.ActionTarget:
		return sc.workAction(d.Subject)
	case duty.ActionReview:
		return sc.fileAction(d.Subject)
	case duty.TransferAccept:
		return sc.decideTransfer()
	case duty.ClosureApproval:
		return sc.approve()
	case duty.VRRAcknowledge:
		return sc.acknowledgeVRR()
	case duty.VRRReview:
		if v := sc.c.PendingVRR(); v != nil && v.AckAt.IsZero() {
			return sc.acknowledgeVRR()
		}
		return sc.decideVRR()
	}
	return nil
}

var updateNotes = []string{
	"Update given: enquiries continuing; no change to bail; support from the ISVA in place",
	"Update: phone download still awaited; explained the delay",
	"Update given as agreed; the child is settled at school; no new concerns",
	"Update: suspect's address searched; explained what happens next",
	"Spoke to carer; update on the investigation; safety plan reviewed",
}

func (sc *simCase) review() error {
	g, r := sc.g, sc.rng
	var dirs []string
	if !sc.closing && sc.c.Status == domain.StatusOpen && len(sc.c.Actions) < 7 {
		p := 0.12
		if sc.c.ReviewCount == 0 {
			p = 0.35
		}
		if r.Float64() < p {
			dirs = sc.directions(1 + r.IntN(2))
		}
	}
	open, filed := 0, 0
	for _, a := range sc.c.Actions {
		if a.Ended() {
			filed++
		} else {
			open++
		}
	}
	summary := fmt.Sprintf(
		"Reviewed the file: %s open, %d ended; victim contact in line with the plan; risk assessment reviewed.",
		domain.Plural(open, "line of enquiry", "lines of enquiry"),
		filed,
	)
	if len(dirs) > 0 {
		summary += " New directions set."
	}
	if sc.c.ReviewCount == 0 {
		summary = "First review: investigation plan agreed; safeguarding in place through the strategy discussion. " + summary
	}
	a := sc.reviewer().actor
	return sc.do("review", func(v int64) (*domain.Case, error) {
		return g.svc.RecordReview(
			g.ctx,
			a,
			sc.c.ID,
			service.RecordReview{Version: v, Summary: summary, Directions: dirs},
		)
	})
}

func (sc *simCase) workAction(id string) error {
	g, r := sc.g, sc.rng
	act := sc.c.Action(id)
	if act == nil {
		return nil
	}
	t := sc.team()
	switch act.State {
	case domain.ActionStateRaised:
		if sc.closing && r.IntN(2) == 0 {
			a := t.lead.actor
			if t.lead.id == sc.c.OwnerID {
				a = t.dept.di.actor
			}
			reason := pick(r, []string{"No longer proportionate: the evidence it sought has been obtained another way",
				"Overtaken by the CPS decision; recorded for disclosure"})
			return sc.do("cancel action", func(v int64) (*domain.Case, error) {
				return g.svc.CancelAction(
					g.ctx,
					a,
					sc.c.ID,
					service.CancelAction{Version: v, Action: id, Reason: reason},
				)
			})
		}
		to := sc.g.officers[sc.c.OwnerID]
		if to == nil || !to.active || r.IntN(10) < 4 {
			to = sc.choose(t.available(sc.now(), false), nil)
		}
		return sc.allocate(id, to)
	case domain.ActionStateAllocated, domain.ActionStateReferred:
		o := g.officers[act.AllocatedTo]
		if o == nil || !o.active || o.team != t && o.team != nil {
			return sc.allocate(id, sc.g.officers[sc.c.OwnerID])
		}
		res := pick(r, actionResults[""])
		if rs, ok := actionResults[g.actionKey[act.Title]]; ok {
			res = pick(r, rs)
		}
		if err := sc.do("result action", func(v int64) (*domain.Case, error) {
			return g.svc.ResultAction(g.ctx, o.actor, sc.c.ID, service.ResultAction{Version: v,
				Action: id, Result: res, Outcome: resultOutcome(res)})
		}); err != nil {
			return err
		}
		if g.actionKey[act.Title] == "abe_interview" {
			return sc.takeAccounts(o.actor)
		}
	}
	return nil
}

func (sc *simCase) allocate(id string, to *officer) error {
	g := sc.g
	// Only an officer who can see the case may be given its work (an owner
	// from the old team, after a transfer, no longer can).
	if to == nil || !to.active || to.team != nil && to.team != sc.team() {
		to = sc.choose(sc.team().available(sc.now(), true), nil)
	}
	target := officeHours(sc.rng, sc.now().Add(days(7+14*sc.rng.Float64()))).In(clock.London).Format(time.DateOnly)
	a := sc.ownerActor()
	return sc.do("allocate action", func(v int64) (*domain.Case, error) {
		return g.svc.AllocateAction(g.ctx, a, sc.c.ID, service.AllocateAction{Version: v, Action: id, To: to.id,
			Target: target})
	})
}

func (sc *simCase) fileAction(id string) error {
	g, r := sc.g, sc.rng
	act := sc.c.Action(id)
	if act == nil || act.State != domain.ActionStateResulted {
		return nil
	}
	// The team's sergeant reviews and files the result (MIRSAP's receiver,
	// the only one the service lets file it), or the inspector above when
	// the sergeant resulted it.
	t := sc.team()
	a := t.lead.actor
	if act.ResultedBy == t.lead.id {
		a = t.dept.di.actor
	}
	if !sc.closing && r.IntN(25) == 0 {
		dir := "Result is incomplete: obtain a statement and exhibit the material, then re-submit"
		if err := sc.do("refer back", func(v int64) (*domain.Case, error) {
			return g.svc.ReferBackAction(g.ctx, a, sc.c.ID, service.ReferBackAction{Version: v, Action: id, Direction: dir})
		}); err != nil {
			return err
		}
		return sc.allocate(id, g.officers[act.AllocatedTo])
	}
	return sc.do("file action", func(v int64) (*domain.Case, error) {
		return g.svc.FileAction(g.ctx, a, sc.c.ID, service.FileAction{Version: v, Action: id})
	})
}

func (sc *simCase) decideTransfer() error {
	g, r := sc.g, sc.rng
	tr := sc.c.Transfer
	if tr == nil {
		return nil
	}
	to := g.teamByID[tr.ToTeam]
	if r.IntN(8) == 0 {
		reason := "Does not meet the team's criteria: no link to the network under investigation; stays with " + sc.team().name
		return sc.do("reject transfer", func(v int64) (*domain.Case, error) {
			return g.svc.RejectTransfer(
				g.ctx,
				to.lead.actor,
				sc.c.ID,
				service.RejectTransfer{Version: v, Reason: reason},
			)
		})
	}
	owner := sc.choose(to.available(sc.now(), false), nil)
	if err := sc.do("accept transfer", func(v int64) (*domain.Case, error) {
		return g.svc.AcceptTransfer(g.ctx, to.lead.actor, sc.c.ID, service.AcceptTransfer{Version: v, OwnerID: owner.id})
	}); err != nil {
		return err
	}
	// Lines of enquiry held by the old team come across with the case.
	for _, a := range sc.c.Actions {
		if a.State != domain.ActionStateAllocated && a.State != domain.ActionStateReferred {
			continue
		}
		if o := g.officers[a.AllocatedTo]; o == nil || o.team != to {
			if err := sc.allocate(a.ID, owner); err != nil {
				return err
			}
		}
	}
	return nil
}

// --- closing ----------------------------------------------------------------

// ready reports whether nothing stands between the case and a closure
// proposal but the paperwork.
func (sc *simCase) ready() bool {
	c := sc.c
	if c.Status != domain.StatusOpen || c.Transfer != nil || c.OwnerID == "" {
		return false
	}
	if o := sc.g.officers[c.OwnerID]; o == nil || !o.active {
		return false
	}
	for _, a := range c.Actions {
		if !a.Ended() {
			return false
		}
	}
	for _, m := range sc.ms {
		if m.kind == msSuspect || m.kind == msIntake || m.kind == msActions {
			return false
		}
	}
	return true
}

func (sc *simCase) tryClose() error {
	g, r := sc.g, sc.rng
	if !sc.c.Status.IsOpen() || sc.c.Closure.Open() {
		return nil
	}
	sc.closing = true
	if !sc.ready() {
		sc.add(milestone{at: officeHours(r, sc.now().Add(days(1+2*r.Float64()))), kind: msClose})
		return nil
	}
	owner := sc.ownerActor()
	for _, s := range sc.c.Suspects {
		if !s.Named() || s.Interviewed() || s.Explanation != "" || s.Status == domain.SuspectDeceased {
			continue
		}
		id, st := s.ID, s.Status
		why := pick(
			r,
			[]string{"Not traced despite enquiries: believed to have left the UK; circulated as wanted on PNC",
				"Not interviewed: identification rests on a nickname the victim could not confirm; no other evidence links him"},
		)
		if err := sc.do("explain suspect", func(v int64) (*domain.Case, error) {
			return g.svc.SetSuspectStatus(g.ctx, owner, sc.c.ID, service.SetSuspectStatus{Version: v, Suspect: id, Status: st,
				Explanation: why})
		}); err != nil {
			return err
		}
	}
	if err := sc.takeAccounts(owner); err != nil {
		return err
	}
	outcome := sc.outcome()
	view := victimViews[outcome]
	for _, v := range sc.c.Victims {
		id := v.ID
		a := sc.contactActor()
		if err := sc.do("record victim's view", func(ver int64) (*domain.Case, error) {
			return g.svc.RecordVictimView(g.ctx, a, sc.c.ID, service.RecordVictimView{Version: ver, Victim: id, View: view})
		}); err != nil {
			return err
		}
		if err := sc.contact(id, domain.ContactUpdate, owner, "Explained the proposed outcome and the right to ask for a review"); err != nil {
			return err
		}
	}
	sc.proposal = outcome
	sc.add(milestone{at: officeHours(r, sc.now().Add(days(1+2*r.Float64()))), kind: msCloseReview})
	return nil
}

// closureReview is the supervisor's look at the file before it is put up
// for closure.
func (sc *simCase) closureReview() error {
	g, r := sc.g, sc.rng
	if !sc.ready() || sc.proposal == "" {
		return sc.tryClose()
	}
	rv := sc.reviewer().actor
	if err := sc.do("closure review", func(v int64) (*domain.Case, error) {
		return g.svc.RecordReview(g.ctx, rv, sc.c.ID, service.RecordReview{Version: v,
			Summary: fmt.Sprintf("Closure review: every line of enquiry ended, suspects accounted for, victims told. "+
				"Agree outcome %s.", sc.proposal)})
	}); err != nil {
		return err
	}
	sc.add(milestone{at: sc.now().Add(time.Duration(60+r.IntN(240)) * time.Minute), kind: msPropose})
	return nil
}

// propose puts the case up for closure.
func (sc *simCase) propose() error {
	g := sc.g
	if !sc.ready() || sc.proposal == "" {
		return sc.tryClose()
	}
	if sc.c.ReviewCount == 0 || sc.c.LastReviewAt.Before(sc.c.LastSignificant) {
		sc.add(milestone{at: sc.now().Add(days(1)), kind: msCloseReview})
		return nil
	}
	outcome := sc.proposal
	sc.proposal = ""
	in := service.ClosureProposal{Outcome: outcome, Rationale: sc.rationale(outcome, victimViews[outcome])}
	owner := sc.ownerActor()
	return sc.do("propose closure", func(v int64) (*domain.Case, error) {
		in.Version = v
		return g.svc.ProposeClosure(g.ctx, owner, sc.c.ID, in)
	})
}

func (sc *simCase) outcome() string {
	r := sc.rng
	named, charged := false, false
	for _, s := range sc.c.Suspects {
		named = named || s.Named()
		charged = charged || s.Status == domain.SuspectCharged
	}
	switch {
	case charged:
		return "1"
	case r.IntN(40) == 0:
		return "20"
	case r.IntN(40) == 0:
		return "21"
	case named && r.IntN(5) < 3:
		return "15"
	case named:
		return "16"
	case r.IntN(5) < 3:
		return "18"
	}
	return "14"
}

var victimViews = map[string]string{
	"1":  "Relieved the suspect has been charged; wants to be kept informed of court dates and special measures.",
	"14": "Does not want to take it further; wants the support from the ISVA to continue.",
	"15": "Supports a prosecution but understands the evidence is not enough at present; wants to be told if anything new comes to light.",
	"16": "Does not support further police action and has asked for the investigation to stop; support continues.",
	"18": "Understands no suspect could be identified; wants to be told if anyone is.",
	"20": "Agrees with the youth offending service taking this forward.",
	"21": "Accepts the decision after talking it through with the ISVA.",
}

var whyNoneRemain = map[string]string{
	"1":  "Charged on CPS advice; remaining work is for the prosecution file, held by the case progression unit.",
	"14": "The suspect could not be identified and the victim does not support further action; every identifying line was exhausted.",
	"15": "CPS early advice: not enough evidence for a realistic prospect of conviction; every line of enquiry has been completed.",
	"16": "The victim has withdrawn support; an evidence-led prosecution was considered and is not viable without her account.",
	"18": "All identifying enquiries (CCTV, phones, vehicles, associates) completed without identifying a suspect.",
	"20": "The suspect is a child; the youth offending service is taking the matter forward under a safeguarding plan.",
	"21": "Further investigation would not lead to formal action; decision recorded with the inspector's rationale.",
}

func (sc *simCase) rationale(outcome, view string) domain.Rationale {
	var lines []string
	for _, a := range sc.c.Actions {
		lines = append(lines, fmt.Sprintf("%d %s (%s)", a.Number, a.Title, strings.ToLower(domain.ActionStateLabel(a.State))))
	}
	var sus []string
	for _, s := range sc.c.Suspects {
		name := s.Name
		if name == "" {
			name = "unidentified male"
		}
		st := domain.SuspectStatusLabel(s.Status) // as the officer would write it, not the code
		if s.Explanation != "" {
			st += ": " + s.Explanation
		}
		sus = append(sus, name+" — "+st)
	}
	if len(sus) == 0 {
		sus = []string{"No suspect was identified"}
	}
	return domain.Rationale{
		// The answer alone: the page shows it under its own label.
		LinesConsidered: strings.Join(lines, "; ") + ".",
		WhyNoneRemain:   whyNoneRemain[outcome],
		SuspectsStatus:  strings.Join(sus, "; ") + ".",
		VictimView:      view,
	}
}

// approve decides a closure proposal: the first officer of the rank the
// policy requires, in the case's chain and not involved in proposing it.
func (sc *simCase) approve() error {
	g, r := sc.g, sc.rng
	if !sc.c.Closure.Open() {
		return nil
	}
	now := sc.now()
	owner := sc.ownerActor()
	for _, v := range sc.c.Victims {
		// The closure gate's own figure when no plan says otherwise.
		every := sc.g.pol.Gates.VictimContact.N
		if v.Plan != nil {
			every = v.Plan.EveryDays
		}
		if now.Sub(v.LastContact()) > days(float64(every)-1.5) {
			if err := sc.contact(v.ID, domain.ContactUpdate, owner, "Update: the closure proposal is with a senior officer for approval"); err != nil {
				return err
			}
		}
	}
	org, err := g.svc.Org(g.ctx, g.watchdog)
	if err != nil {
		return err
	}
	t := sc.team()
	var approver *officer
	for _, o := range []*officer{t.lead, t.dept.di, t.dept.dci, g.supt} {
		if o.active && len(gate.Approval(sc.c, &o.actor.User, org, g.pol)) == 0 {
			approver = o
			break
		}
	}
	if approver == nil {
		return fmt.Errorf("demo: case %s: nobody may approve closing with outcome %s", sc.c.Ref, sc.c.Closure.Outcome)
	}
	if sc.rejected == 0 && r.IntN(20) == 0 {
		sc.rejected++
		reason := "Record the victim's view in her own words and say why the phone download does not change the position"
		if err := sc.do("reject closure", func(v int64) (*domain.Case, error) {
			return g.svc.RejectClosure(g.ctx, approver.actor, sc.c.ID, service.RejectClosure{Version: v, Reason: reason})
		}); err != nil {
			return err
		}
		sc.add(milestone{at: officeHours(r, now.Add(days(2+5*r.Float64()))), kind: msClose})
		return nil
	}
	if err := sc.do("approve closure", func(v int64) (*domain.Case, error) {
		return g.svc.ApproveClosure(g.ctx, approver.actor, sc.c.ID, service.ApproveClosure{Version: v})
	}); err != nil {
		return err
	}
	sc.closing = false
	// What may follow a closure: a victim's request for review, an audit,
	// or new evidence.
	switch x := r.Float64(); {
	case (sc.c.Outcome == "15" || sc.c.Outcome == "16") && x < 0.15:
		sc.add(milestone{at: officeHours(r, now.Add(days(7+60*r.Float64()))), kind: msVRR})
	case x > 0.98 && sc.c.Reopened == 0:
		sc.add(milestone{at: officeHours(r, now.Add(days(20+200*r.Float64()))), kind: msReopen, text: "audit"})
	case x > 0.965 && sc.c.Reopened == 0:
		sc.add(milestone{at: officeHours(r, now.Add(days(10+250*r.Float64()))), kind: msReopen, text: "supervisor"})
	}
	return nil
}

func (sc *simCase) acknowledgeVRR() error {
	g := sc.g
	v := sc.c.PendingVRR()
	if v == nil || !v.AckAt.IsZero() {
		return nil
	}
	org, err := g.svc.Org(g.ctx, g.watchdog)
	if err != nil {
		return err
	}
	t := sc.team()
	var reviewer *officer
	for _, o := range []*officer{t.dept.dci, g.supt, g.chsupt} {
		if o.active && len(gate.VRRReviewer(sc.c, &o.actor.User, org)) == 0 {
			reviewer = o
			break
		}
	}
	if reviewer == nil {
		return fmt.Errorf("demo: case %s: nobody may review the closure", sc.c.Ref)
	}
	a := t.dept.dci.actor
	return sc.do("acknowledge review request", func(ver int64) (*domain.Case, error) {
		return g.svc.AcknowledgeVRR(g.ctx, a, sc.c.ID, service.AcknowledgeVRR{Version: ver, Reviewer: reviewer.id})
	})
}

func (sc *simCase) decideVRR() error {
	g, r := sc.g, sc.rng
	v := sc.c.PendingVRR()
	if v == nil {
		return nil
	}
	o := g.officers[v.Reviewer]
	if o == nil || !o.active {
		return nil
	}
	victim := v.VictimID
	if r.IntN(3) == 0 {
		reasons := "Lines of enquiry remained on the suspect's phone and vehicle; the decision to take no further action was premature"
		if err := sc.do("uphold review", func(ver int64) (*domain.Case, error) {
			return g.svc.DecideVRR(g.ctx, o.actor, sc.c.ID, service.DecideVRR{Version: ver, Decision: "upheld",
				Reasons: reasons})
		}); err != nil {
			return err
		}
		return sc.afterReopen("Victims' Right to Review upheld")
	}
	reasons := "The decision was reasonable on the evidence: every line of enquiry was completed and the CPS advice followed"
	if err := sc.do("decide review", func(ver int64) (*domain.Case, error) {
		return g.svc.DecideVRR(g.ctx, o.actor, sc.c.ID, service.DecideVRR{Version: ver, Decision: "not_upheld",
			Reasons: reasons})
	}); err != nil {
		return err
	}
	return sc.contact(victim, domain.ContactDecision, sc.liaison(), "Told the outcome of the review and the reasons")
}

// plantHolds reports whether the planted error is in the record as the
// printout will say: a closure meant to sit unapproved is proposed only
// once the case is ready to close, which may be after the simulation ends
// (the case is then open, with nothing proposed), or it was decided since.
func (sc *simCase) plantHolds() bool {
	if sc.p.plant == PlantClosureUnapproved {
		return sc.c.Closure.Open()
	}
	return true
}

func (sc *simCase) plantDetail() string {
	p := sc.p
	on := p.from.In(clock.London).Format("2 Jan 2006")
	switch p.plant {
	case PlantReviewOverdue:
		return "no supervisory review since before " + on
	case PlantVictimNotUpdated:
		return "the victim has not been updated since before " + on
	case PlantVictimNotTold:
		return "the victim was not told of a decision about the suspect made on " + p.from.Add(days(1)).
			In(clock.London).
			Format("2 Jan 2006")
	case PlantOrphaned:
		return "the officer in the case left on " + on + " and nobody took it on"
	case PlantTransferNotAccepted:
		return "transfer to " + p.transferTo.name + " proposed on " + on + ", never accepted"
	case PlantNoContactPlan:
		return "a victim added on " + on + " has no agreed contact plan"
	case PlantActionOverdue:
		return "a line of enquiry raised on " + p.from.Add(-days(2)).
			In(clock.London).
			Format("2 Jan 2006") +
			" is past its target, no result"
	case PlantReferralUnallocated:
		return "referral received " + on + ", still not allocated"
	case PlantClosureUnapproved:
		return "closure proposed from " + on + ", not yet approved"
	}
	return ""
}
