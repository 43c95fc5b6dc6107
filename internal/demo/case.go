package demo

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/service"
)

// simCase is one investigation as the generator works it. Its choices
// come from its own random source, so they do not depend on what other
// cases did in the same window.
type simCase struct {
	g   *gen
	idx int
	p   *casePlan
	rng *rand.Rand
	c   *domain.Case

	opener   *officer
	victims  []service.NewVictim
	ms       []milestone
	when     map[string]time.Time // duty id → when it will be done (zero: never)
	closing  bool
	proposal string // the outcome the file is being prepared for
	rejected int
	tok      uint64
	woken    bool
}

type msKind int

const (
	msIntake msKind = iota
	msActions
	msSuspect
	msTransfer
	msClose       // get the file ready for closure
	msCloseReview // the supervisor's closure review
	msPropose     // propose the closure
	msVRR
	msReopen
	msAddVictim
	msPlantNotice
	msRaise
)

type milestone struct {
	at     time.Time
	kind   msKind
	i      int
	status domain.SuspectStatus
	text   string
}

func newSimCase(g *gen, idx int, p *casePlan) *simCase {
	return &simCase{
		g:    g,
		idx:  idx,
		p:    p,
		rng:  rand.New(rand.NewPCG(p.seed, uint64(idx)+1)),
		when: map[string]time.Time{},
	}
}

func (sc *simCase) now() time.Time { return sc.g.clk.Now() }

func (sc *simCase) add(m milestone) {
	i := sort.Search(len(sc.ms), func(i int) bool { return sc.ms[i].at.After(m.at) })
	sc.ms = append(sc.ms, milestone{})
	copy(sc.ms[i+1:], sc.ms[i:])
	sc.ms[i] = m
}

// do runs one command against the case's current version. Another case's
// command can move this one on (a person matched across cases raises a
// link on both), as it would under an officer's open form: like the
// officer, the generator reloads the case and acts once more.
func (sc *simCase) do(what string, fn func(v int64) (*domain.Case, error)) error {
	c, err := fn(sc.c.Version)
	if errors.Is(err, service.ErrConflict) {
		if cur, rerr := sc.g.rec.Case(sc.g.ctx, sc.c.ID); rerr == nil {
			sc.c = cur
			c, err = fn(cur.Version)
		}
	}
	if err != nil {
		return fmt.Errorf("demo: case %s (%s): %s: %w", sc.c.Ref, sc.c.Status, what, err)
	}
	sc.c = c
	sc.g.cmd()
	return nil
}

func (sc *simCase) team() *team { return sc.g.teamByID[sc.c.TeamID] }

func (sc *simCase) ownerActor() *service.Actor {
	if o, ok := sc.g.officers[sc.c.OwnerID]; ok && o.active {
		return o.actor
	}
	return sc.team().lead.actor
}

// reviewer is the team's supervisor, or the inspector above when the
// supervisor owns the case.
func (sc *simCase) reviewer() *officer {
	t := sc.team()
	if t.lead.id != sc.c.OwnerID {
		return t.lead
	}
	return t.dept.di
}

func (sc *simCase) liaison() *service.Actor { return sc.g.staff[domain.RoleVictimLiaison].actor }

// contactActor is who keeps in touch with victims: mostly the officer in
// the case, sometimes the victim liaison officer.
func (sc *simCase) contactActor() *service.Actor {
	if sc.rng.IntN(3) == 0 {
		return sc.liaison()
	}
	return sc.ownerActor()
}

// choose picks a colleague, avoiding skip when there is anyone else.
func (sc *simCase) choose(from []*officer, skip *officer) *officer {
	var ok []*officer
	for _, o := range from {
		if o != skip {
			ok = append(ok, o)
		}
	}
	if len(ok) == 0 {
		ok = from
	}
	if len(ok) == 0 {
		return sc.team().dsInv
	}
	return ok[sc.rng.IntN(len(ok))]
}

// frozen: the case's officer has left and nobody noticed.
func (sc *simCase) frozen(at time.Time) bool {
	return sc.p.plant == PlantOrphaned && !at.Before(sc.p.from)
}

// --- when things get done ---------------------------------------------------

// span is the fraction of the time a duty allows that passes, at the
// earliest and latest, before it is done.
var span = map[string][2]float64{
	duty.AllocateReferral: {0.02, 0.45}, duty.InvestigationPlan: {0.1, 0.8}, duty.FirstVictimContact: {0.02, 0.6},
	duty.ContactPlan: {0.05, 0.7}, duty.SupportReferral: {0.05, 0.7}, duty.VictimUpdate: {0.75, 0.97},
	duty.DecisionNotice: {0.02, 0.6}, duty.SupervisoryReview: {0.7, 0.97}, duty.ActionReview: {0.05, 0.7},
	duty.TransferAccept: {0.05, 0.7}, duty.ClosureApproval: {0.05, 0.4}, duty.VRRAcknowledge: {0.1, 0.8},
	duty.VRRReview: {0.3, 0.9},
}

// plan decides when the duty will be done: inside its time, in office
// hours; now and then, long ago, a little late; never, if the case carries
// a planted error that neglects it.
func (sc *simCase) plan(d *domain.Duty) time.Time {
	now := sc.now()
	start := now
	if d.Opened.After(start) {
		start = d.Opened
	}
	lohi, ok := span[d.Kind]
	if d.Kind == duty.ActionTarget {
		lohi, ok = [2]float64{0.35, 0.95}, true
		if a := sc.c.Action(d.Subject); a != nil && a.State == domain.ActionStateRaised {
			lohi = [2]float64{0, 0.3}
		}
	}
	if !ok {
		return time.Time{}
	}
	// History stops at the start of today (HistoryEnd): what falls due
	// later today is done before then, or it would turn overdue, unmeant,
	// while the demo is used.
	due := d.Due
	if due.Before(sc.g.dayEnd) && due.After(sc.g.now) {
		due = sc.g.now
	}
	var at time.Time
	if room := due.Sub(start); room < 2*window {
		at = start.Add(room / 4)
	} else {
		at = start.Add(time.Duration(float64(room) * (lohi[0] + (lohi[1]-lohi[0])*sc.rng.Float64())))
		if oh := officeHours(sc.rng, at); oh.After(start) && oh.Before(due.Add(-window)) {
			at = oh
		}
		if lateOK[d.Kind] && d.Due.Before(sc.g.now.Add(-days(30))) && sc.p.plant == "" && sc.rng.Float64() < 0.03 {
			at = officeHours(sc.rng, d.Due.Add(time.Duration(3+sc.rng.IntN(90))*time.Hour))
		}
	}
	if sc.neglects(d, at) {
		return time.Time{}
	}
	return at
}

// lateOK are the duties that are, now and then, done late in history.
var lateOK = map[string]bool{duty.InvestigationPlan: true, duty.FirstVictimContact: true, duty.ContactPlan: true,
	duty.SupportReferral: true, duty.VictimUpdate: true, duty.DecisionNotice: true, duty.SupervisoryReview: true,
	duty.ActionTarget: true, duty.ActionReview: true}

func (sc *simCase) neglects(d *domain.Duty, at time.Time) bool {
	p := sc.p
	after := !at.Before(p.from)
	switch p.plant {
	case PlantReviewOverdue:
		return d.Kind == duty.SupervisoryReview && after
	case PlantVictimNotUpdated:
		return (d.Kind == duty.VictimUpdate || d.Kind == duty.DecisionNotice) && after
	case PlantVictimNotTold:
		return d.Kind == duty.DecisionNotice && after
	case PlantTransferNotAccepted:
		return d.Kind == duty.TransferAccept
	case PlantNoContactPlan:
		return d.Kind == duty.ContactPlan && after
	case PlantActionOverdue:
		if d.Kind != duty.ActionTarget {
			return false
		}
		a := sc.c.Action(d.Subject)
		return a != nil && a.State != domain.ActionStateRaised && !a.RaisedAt.Before(p.from.Add(-days(3)))
	case PlantReferralUnallocated:
		return d.Kind == duty.AllocateReferral
	case PlantClosureUnapproved:
		return d.Kind == duty.ClosureApproval && after
	case PlantOrphaned:
		return after
	}
	return false
}

func (sc *simCase) when1(d *domain.Duty) (time.Time, bool) {
	t, ok := sc.when[d.ID]
	if !ok {
		t = sc.plan(d)
		sc.when[d.ID] = t
	}
	return t, !t.IsZero()
}

// replanAll forgets when open duties were to be done: someone else owes them.
func (sc *simCase) replanAll() {
	for _, d := range sc.c.Duties {
		if d.Status == domain.DutyOpen {
			delete(sc.when, d.ID)
		}
	}
}

// next is when the case next needs attention (zero: never).
func (sc *simCase) next() time.Time {
	var best time.Time
	if len(sc.ms) > 0 {
		best = sc.ms[0].at
	}
	if sc.c != nil {
		for i := range sc.c.Duties {
			d := &sc.c.Duties[i]
			if d.Status != domain.DutyOpen {
				continue
			}
			if at, ok := sc.when1(d); ok && (best.IsZero() || at.Before(best)) {
				best = at
			}
		}
	}
	if !best.IsZero() && sc.frozen(best) {
		return time.Time{}
	}
	if c := sc.now(); !best.IsZero() && best.Before(c) {
		best = c
	}
	return best
}

// step does everything the case needs before end.
func (sc *simCase) step(end time.Time) error {
	for n := 0; n < 400; n++ {
		now := sc.now()
		if sc.frozen(now) {
			return nil
		}
		var best time.Time
		var bd *domain.Duty
		useMs := len(sc.ms) > 0 && sc.ms[0].at.Before(end)
		if useMs {
			best = sc.ms[0].at
		}
		for i := range sc.c.Duties {
			d := &sc.c.Duties[i]
			if d.Status != domain.DutyOpen {
				continue
			}
			if at, ok := sc.when1(d); ok && at.Before(end) && (!useMs && bd == nil || at.Before(best)) {
				best, bd, useMs = at, d, false
			}
		}
		switch {
		case bd != nil:
			d := *bd
			if err := sc.fulfil(d); err != nil {
				return err
			}
			if cur := sc.c.Duty(d.ID); cur != nil && cur.Status == domain.DutyOpen {
				// Not done this time: come back to it.
				sc.when[d.ID] = now.Add(time.Duration(2+sc.rng.IntN(20)) * time.Hour)
			}
		case useMs:
			m := sc.ms[0]
			sc.ms = sc.ms[1:]
			if err := sc.milestone(m); err != nil {
				return err
			}
		default:
			return nil
		}
	}
	return fmt.Errorf("demo: case %s: too much to do in one window", sc.c.Ref)
}

// --- opening ----------------------------------------------------------------

func (g *gen) open(sc *simCase) error {
	p, r := sc.p, sc.rng
	t := p.team
	if cands := t.available(p.at, true); r.IntN(4) > 0 && len(cands) > 0 {
		sc.opener = cands[r.IntN(len(cands))]
	} else {
		sc.opener = t.lead
	}
	// The children at the heart of the referral.
	nv := 1
	switch x := r.Float64(); {
	case x > 0.98:
		nv = 4
	case x > 0.93:
		nv = 3
	case x > 0.72:
		nv = 2
	}
	if p.network != nil && nv == 1 && r.IntN(2) == 0 {
		nv = 2
	}
	girl := r.IntN(100) < 84
	age := 12 + r.IntN(6)
	for i := 0; i < nv; i++ {
		first := pick(r, girlFirst)
		if !girl && i == 0 || i > 0 && r.IntN(8) == 0 {
			first = pick(r, boyFirst)
		}
		a := age
		if i > 0 {
			a = 12 + r.IntN(6)
		}
		birth := p.at.AddDate(-a, -r.IntN(12), -r.IntN(28))
		last := pick(r, surnames)
		sc.victims = append(
			sc.victims,
			service.NewVictim{Name: first + " " + last, DateOfBirth: birth.In(clock.London).Format(time.DateOnly),
				Contact: fmt.Sprintf(
					"Via %s (%s %s), %s",
					pick(r, []string{"mother", "mother", "father", "foster carer", "grandmother"}),
					pick(r, parentFirst),
					last,
					landline(r),
				),
				Vulnerable: true},
		)
	}
	who := "girl"
	if !girl {
		who = "boy"
	}
	summary := fmt.Sprintf(pick(r, referralTemplates), age, who, pick(r, towns), pick(r, premises), pick(r, streets))
	if p.network != nil {
		summary += "; " + p.network.place + " named"
	}
	c, err := g.svc.OpenReferral(g.ctx, sc.opener.actor, service.NewReferral{TeamID: t.id, Summary: summary,
		OffenceTypes: pick(
			r,
			offenceSets,
		), Source: pick(r, sources), ReportedAt: sc.now().Add(-time.Duration(1+r.IntN(72)) * time.Hour)})
	if err != nil {
		return fmt.Errorf("demo: open referral: %w", err)
	}
	g.cmd()
	g.opened++
	sc.c = c
	now := sc.now()
	sc.add(milestone{at: now.Add(time.Duration(5+r.IntN(35)) * time.Minute), kind: msIntake})
	if !p.transferAt.IsZero() {
		sc.add(milestone{at: p.transferAt, kind: msTransfer})
	}
	if !p.end.IsZero() {
		sc.add(milestone{at: p.end, kind: msClose})
	}
	switch p.plant {
	case PlantNoContactPlan:
		sc.add(milestone{at: p.from, kind: msAddVictim})
	case PlantVictimNotTold:
		sc.add(milestone{at: p.from.Add(days(1)), kind: msPlantNotice})
	case PlantActionOverdue:
		sc.add(
			milestone{
				at:   p.from.Add(-days(2)),
				kind: msRaise,
				text: "Trace and interview the driver of the private-hire car seen on CCTV",
			},
		)
	case PlantClosureUnapproved:
		sc.add(milestone{at: p.from, kind: msClose})
	}
	g.rewake(sc)
	return nil
}

// intake records the people in the referral.
func (sc *simCase) intake() error {
	g, r, p := sc.g, sc.rng, sc.p
	a := sc.opener.actor
	for _, v := range sc.victims {
		v := v
		if err := sc.do("add victim", func(ver int64) (*domain.Case, error) {
			v.Version = ver
			return g.svc.AddVictim(g.ctx, a, sc.c.ID, v)
		}); err != nil {
			return err
		}
	}
	var suspects []service.NewSuspect
	switch x := r.Float64(); {
	case p.network != nil:
		k := 1 + r.IntN(min(3, len(p.network.members)))
		for _, i := range r.Perm(len(p.network.members))[:k] {
			m := *p.network.members[i]
			if alt, ok := spellings[m.first]; ok && r.IntN(4) == 0 {
				m.first = alt
			}
			if r.IntN(10) == 0 { // a transposed date of birth
				m.dob = m.dob[:5] + m.dob[8:10] + "-" + m.dob[5:7]
				if _, err := time.Parse(time.DateOnly, m.dob); err != nil {
					m.dob = p.network.members[i].dob
				}
			}
			if r.IntN(3) == 0 {
				m.phone = p.network.burner
			}
			d, id := describeWith(r, &m, "Seen at "+p.network.place+".")
			suspects = append(
				suspects,
				service.NewSuspect{
					Name:        m.first + " " + m.last,
					DateOfBirth: m.dob,
					Description: d,
					Phone:       id.phone,
					Vehicle:     id.vehicle,
					Address:     id.address,
				},
			)
		}
		if r.IntN(3) == 0 {
			m := p.network.members[r.IntN(len(p.network.members))]
			if m.vrm != "" {
				suspects = append(
					suspects,
					service.NewSuspect{
						Description: fmt.Sprintf(
							"Unidentified driver of a %s, VRM %s, who collected the child from %s.",
							m.car,
							strings.ReplaceAll(m.vrm, " ", ""),
							p.network.place,
						),
						Vehicle: strings.ReplaceAll(m.vrm, " ", ""),
					},
				)
			}
		}
	case x < 0.5 || p.plant == PlantVictimNotTold || p.plant == PlantClosureUnapproved:
		n := g.newNominalFor(r, p.phone)
		d, id := describeWith(r, n, "")
		suspects = append(
			suspects,
			service.NewSuspect{
				Name:        n.first + " " + n.last,
				DateOfBirth: n.dob,
				Description: d,
				Phone:       id.phone,
				Vehicle:     id.vehicle,
				Address:     id.address,
			},
		)
	case x < 0.78:
		n := g.newNominalFor(r, "")
		d := fmt.Sprintf(
			"Male, about %d, %s.",
			18+r.IntN(25),
			pick(r, []string{"slim build", "heavy build", "beard", "shaved head", "local accent"}),
		)
		if n.nick != "" {
			d += fmt.Sprintf(" Uses the name '%s'.", n.nick)
		}
		if n.vrm != "" && r.IntN(2) == 0 {
			d += fmt.Sprintf(" Seen driving a %s, partial VRM %s.", n.car, n.vrm[:4])
		}
		suspects = append(suspects, service.NewSuspect{Description: d})
	}
	for _, s := range suspects {
		s := s
		if err := sc.do("add suspect", func(ver int64) (*domain.Case, error) {
			s.Version = ver
			return g.svc.AddSuspect(g.ctx, a, sc.c.ID, s)
		}); err != nil {
			return err
		}
	}
	var people []service.NewPerson
	if r.IntN(10) < 7 {
		last := sc.victims[0].Name[strings.LastIndex(sc.victims[0].Name, " ")+1:]
		people = append(people, service.NewPerson{Name: pick(r, parentFirst) + " " + last, Role: "parent_or_carer"})
	}
	if r.IntN(3) == 0 {
		people = append(
			people,
			service.NewPerson{Name: pick(r, officerFirst) + " " + pick(r, surnames), Role: "social_worker"},
		)
	}
	if r.IntN(10) < 2 {
		people = append(
			people,
			service.NewPerson{Name: pick(r, officerFirst) + " " + pick(r, surnames), Role: "professional"},
		)
	}
	if r.IntN(10) < 1 {
		people = append(people, service.NewPerson{Name: pick(r, adultFirst) + " " + pick(r, surnames), Role: "witness"})
	}
	for _, pp := range people {
		pp := pp
		if err := sc.do("add person", func(ver int64) (*domain.Case, error) {
			pp.Version = ver
			return g.svc.AddPerson(g.ctx, a, sc.c.ID, pp)
		}); err != nil {
			return err
		}
	}
	sc.walkSuspects()
	return nil
}

// newNominalFor is a suspect of one case alone, with the phone the plan
// gave the case (numbers are not shared by chance).
func (g *gen) newNominalFor(r *rand.Rand, phone string) *nominal {
	n := g.newNominal(r)
	n.phone = phone
	return n
}

// walkSuspects plans how far each named suspect is pursued, and when.
func (sc *simCase) walkSuspects() {
	r, p := sc.rng, sc.p
	t0, h := sc.now(), p.horizon
	life := h.Sub(t0)
	for i, s := range sc.c.Suspects {
		if !s.Named() || r.IntN(10) == 0 {
			continue // never traced
		}
		loc := officeHours(r, t0.Add(time.Duration(float64(life)*(0.05+0.25*r.Float64()))))
		arr := officeHours(r, loc.Add(days(10*r.Float64())))
		if !arr.After(loc) {
			arr = loc.Add(2 * time.Hour)
		}
		out := officeHours(r, arr.Add(days(14+100*r.Float64())))
		if lim := h.Add(-days(2)); out.After(lim) {
			out = lim
		}
		if !out.After(arr.Add(4 * time.Hour)) {
			out = arr.Add(days(1))
		}
		sc.add(milestone{at: loc, kind: msSuspect, i: i, status: domain.SuspectLocated})
		sc.add(milestone{at: arr, kind: msSuspect, i: i, status: domain.SuspectArrested})
		sc.add(milestone{at: arr, kind: msSuspect, i: i, status: domain.SuspectInterviewed})
		if r.IntN(100) < 35 {
			sc.add(
				milestone{
					at:     out,
					kind:   msSuspect,
					i:      i,
					status: domain.SuspectCharged,
					text:   "Charged on CPS advice; remanded in custody",
				},
			)
		} else {
			sc.add(milestone{at: out, kind: msSuspect, i: i, status: domain.SuspectNFA, text: pick(r, []string{
				"Released without charge: CPS advise the evidence does not meet the full code test",
				"No further action after interview; insufficient evidence at this stage",
			})})
		}
	}
}
