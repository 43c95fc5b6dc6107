package demo

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
)

// The historic closures: cases closed between 2012 and 2022 in the force's
// crime information system before Holdfast, exported in the documented
// JSON Lines format (docs/import-format.md) for the national review and
// imported through the same door as `holdfast import`. The file carries
// the failings the review looks for, so that its triage has something to
// find.

// LegacySystem names the system the historic closures come from; their
// events are marked import:LegacySystem.
const LegacySystem = "northshire-cis"

// Failings planted in the historic closures, as the risk model names them
// (docs/audits.md).
const (
	FailNFANamedSuspect    = "nfa_named_suspect"
	FailNotInterviewed     = "suspect_not_interviewed"
	FailActionsOpen        = "actions_open_at_closure"
	FailSelfApproved       = "closure_self_approved"
	FailBelowRank          = "approver_below_rank"
	FailVictimNotTold      = "victim_not_told"
	FailAccountNotTaken    = "victim_account_not_taken"
	FailQuickClosure       = "quick_closure"
	FailSuspectShared      = "suspect_shared"
	legacyFrom, legacyLast = 2012, 2022
)

// legacyRoles are the roles the old system gave each rank.
var legacyRoles = map[domain.Rank][]string{
	domain.RankConstable: {"investigator"}, domain.RankSergeant: {"supervisor"},
	domain.RankInspector: {"supervisor", "manager"},
}

// legacyCases is how many historic closures a force of n cases imports:
// a few hundred at the default size, enough for a sample at any size.
func legacyCases(n int) int { return min(300, max(40, n*3/20)) }

// legacyUnit is a team of the old system: a team Holdfast holds (matched
// by name), or one disbanded before Holdfast (created by the import).
type legacyUnit struct {
	ref, name, parent string
	from, to          int // years it held cases
	weight            int
	current           *team // the Holdfast team of that name, if any
	eras              [2]legacyStaff
}

// legacyStaff is who worked a team's cases before 2017 (era 0) and after.
type legacyStaff struct {
	di, ds *legacyOfficer
	dsAlt  *legacyOfficer // a second sergeant, the one who approves beyond his rank
	dcs    []*legacyOfficer
}

type legacyOfficer struct {
	ref, name, collar string
	rank              domain.Rank
	unit              string
	left              time.Time // zero: still serving (a Holdfast user, matched by collar)
	roles             []string  // as the old system held them; a serving officer keeps Holdfast's
}

// legacyPlan is what the generator knows of each historic case.
type legacyPlan struct {
	rec      casefile.Case
	unit     *legacyUnit
	inScope  bool
	failings []string
	ownerNow *officer // the case's owner, when a Holdfast user
}

// legacy builds the historic closures.
type legacy struct {
	g        *gen
	r        *rand.Rand
	units    []*legacyUnit
	officers []*legacyOfficer
	plans    []*legacyPlan
	networks [][]*nominal
	coi      *officer // a reviewer who worked on some of these cases
}

// legacyOffences are the old system's own offence texts: the file maps
// them to Holdfast's codes with offence_map lines (legacyOffenceMap), as a
// force's export would. Contact sets qualify for the national review;
// other sets do not.
var legacyOffences = struct{ contact, other [][]string }{
	contact: [][]string{
		{"CSE FLAG", "RAPE OF CHILD U13 (F)"},
		{"CSE FLAG", "SEX ACTIVITY WITH CHILD U16"},
		{"CSE FLAG", "RAPE OF CHILD U13 (F)", "TRAFFICKING - SEXUAL EXPLOITATION"},
		{"CSE FLAG", "SEXUAL ASSAULT CHILD U13 (F)"},
		{"CSE FLAG", "CAUSE/INCITE CHILD U16 SEX ACTIVITY"},
		{"CSE FLAG", "ASSAULT BY PENETRATION CHILD U13 (F)"},
		{"RAPE OF CHILD U13 (M)", "CHILD ABDUCTION"},
	},
	other: [][]string{
		{"INDECENT IMAGES OF CHILDREN"},
		{"CSE FLAG"},
		{"MEET CHILD FOLLOWING GROOMING"},
		{"SEXUAL COMMUNICATION WITH CHILD"},
	},
}

// legacyOffenceMap is the file's mapping of the old system's texts to
// Holdfast's offence codes (internal/offence).
var legacyOffenceMap = [][2]string{
	{"CSE FLAG", "CSE"},
	{"RAPE OF CHILD U13 (F)", "19E"},
	{"RAPE OF CHILD U13 (M)", "19H"},
	{"SEX ACTIVITY WITH CHILD U16", "22B"},
	{"CAUSE/INCITE CHILD U16 SEX ACTIVITY", "22B"},
	{"TRAFFICKING - SEXUAL EXPLOITATION", "72"},
	{"SEXUAL ASSAULT CHILD U13 (F)", "20B"},
	{"ASSAULT BY PENETRATION CHILD U13 (F)", "20B"},
	{"CHILD ABDUCTION", "13"},
	{"INDECENT IMAGES OF CHILDREN", "86"},
	{"MEET CHILD FOLLOWING GROOMING", "88A"},
	{"SEXUAL COMMUNICATION WITH CHILD", "88A"},
}

func newLegacy(g *gen) *legacy {
	return &legacy{g: g, r: rand.New(rand.NewPCG(g.opts.Seed, 0x1e9ac7))}
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, clock.London) }

// staff names the officers of the old system: most have left since;
// some still serve and are matched to their Holdfast accounts by collar
// number, among them coi, now seconded to the review.
func (l *legacy) staff() {
	g, r := l.g, l.r
	units := []*legacyUnit{
		{
			ref:     "CIS-CSEN",
			name:    teamNames[0][1],
			parent:  teamNames[0][0],
			from:    legacyFrom,
			to:      legacyLast,
			weight:  30,
			current: g.teams[0],
		},
		{
			ref:     "CIS-CSES",
			name:    teamNames[0][2],
			parent:  teamNames[0][0],
			from:    legacyFrom,
			to:      legacyLast,
			weight:  28,
			current: g.teams[1],
		},
		{
			ref:     "CIS-MECT",
			name:    teamNames[1][2],
			parent:  teamNames[1][0],
			from:    2015,
			to:      legacyLast,
			weight:  12,
			current: g.teams[3],
		},
		{
			ref:     "CIS-CAT",
			name:    teamNames[2][2],
			parent:  teamNames[2][0],
			from:    legacyFrom,
			to:      legacyLast,
			weight:  12,
			current: g.teams[5],
		},
		// An operation that ran 2013-2016 and was disbanded: the import
		// creates it.
		{ref: "CIS-KESTREL", name: "Operation Kestrel", parent: teamNames[2][0], from: 2013, to: 2016, weight: 18},
	}
	n := 0
	leaver := func(rank domain.Rank, unit string, era int) *legacyOfficer {
		n++
		first, last := pick(r, officerFirst), pick(r, surnames)
		left := day(2016+r.IntN(3), time.Month(1+r.IntN(12)), 1+r.IntN(28))
		if era == 1 {
			left = day(2022+r.IntN(2), time.Month(1+r.IntN(12)), 1+r.IntN(28))
		}
		o := &legacyOfficer{ref: fmt.Sprintf("CIS-P%03d", n), name: rankTitle(rank) + " " + first + " " + last,
			collar: fmt.Sprintf("%d", 4100+n), rank: rank, unit: unit, left: left, roles: legacyRoles[rank]}
		l.officers = append(l.officers, o)
		return o
	}
	serving := func(o *officer, unit string) *legacyOfficer {
		lo := &legacyOfficer{
			ref:    "CIS-" + o.username,
			name:   o.name,
			collar: o.actor.User.Collar,
			rank:   o.rank,
			unit:   unit,
		}
		l.officers = append(l.officers, lo)
		return lo
	}
	for _, u := range units {
		for era := 0; era < 2; era++ {
			if era == 0 && u.from >= 2017 || era == 1 && u.to < 2017 {
				continue
			}
			s := legacyStaff{di: leaver(domain.RankInspector, u.ref, era), ds: leaver(domain.RankSergeant, u.ref, era),
				dsAlt: leaver(domain.RankSergeant, u.ref, era)}
			for i := 0; i < 4; i++ {
				s.dcs = append(s.dcs, leaver(domain.RankConstable, u.ref, era))
			}
			// Officers who still serve worked the team's later cases.
			if era == 1 && u.current != nil {
				s.dcs = append(
					s.dcs,
					serving(u.current.dsInv, u.ref),
					serving(u.current.members[len(u.current.members)-1], u.ref),
				)
			}
			u.eras[era] = s
		}
	}
	// The reviewer with a conflict was a DC on CSE Team South for years.
	coi := serving(l.coi, units[1].ref)
	coi.name, coi.rank = "DC "+strings.TrimPrefix(l.coi.name, "DS "), domain.RankConstable
	units[1].eras[0].dcs = append(units[1].eras[0].dcs, coi, coi)
	units[1].eras[1].dcs = append(units[1].eras[1].dcs, coi)
	l.units = units
}

// buildNetworks makes the groups of men who appear across the historic
// cases under the same name and date of birth. The first man of two of
// them belongs to one of the networks of Holdfast's own cases too, so a
// link may run from a 2014 closure to a case open now.
func (l *legacy) buildNetworks() {
	g, r := l.g, l.r
	for i := 0; i < len(l.plans)/25+3; i++ {
		var nw []*nominal
		for j := 0; j < 3+r.IntN(3); j++ {
			nw = append(nw, l.nominal())
		}
		if i < 2 && i < len(g.networks) {
			now := *g.networks[i].members[0]
			nw[0] = &nominal{
				first: now.first,
				last:  now.last,
				dob:   now.dob,
				nick:  now.nick,
				car:   now.car,
				vrm:   now.vrm,
				addr:  now.addr,
			}
		}
		l.networks = append(l.networks, nw)
	}
}

// nominal is a man old enough in the 2010s to be suspected.
func (l *legacy) nominal() *nominal {
	m := l.g.newNominal(l.r)
	if born, _ := time.Parse(time.DateOnly, m.dob); born.Year() > 1993 {
		m.dob = born.AddDate(-14, 0, 0).Format(time.DateOnly)
	}
	return m
}

// build plans n historic closures and writes them as a case file.
func (l *legacy) build(n int) []byte {
	l.staff()
	for i := 0; i < n; i++ {
		l.plans = append(l.plans, &legacyPlan{})
	}
	l.buildNetworks()
	for i, p := range l.plans {
		l.plan(i, p)
	}
	return l.file()
}

func (l *legacy) pickUnit(opened time.Time) *legacyUnit {
	r := l.r
	total := 0
	for _, u := range l.units {
		total += u.weight
	}
	for {
		x := r.IntN(total)
		for _, u := range l.units {
			if x -= u.weight; x < 0 {
				if y := opened.Year(); y >= u.from && y <= u.to {
					return u
				}
				break
			}
		}
	}
}

func at(t time.Time) time.Time { return t.Truncate(time.Minute).UTC() }

// plan writes one historic case: who worked it, what was done, how it
// ended, and which of the failings the review looks for it carries.
func (l *legacy) plan(i int, p *legacyPlan) {
	g, r := l.g, l.r
	span := day(legacyLast, 8, 31).Sub(day(legacyFrom, 1, 9))
	opened := at(weekdayAt(r, day(legacyFrom, 1, 9).Add(time.Duration(r.Int64N(int64(span))))))
	u := l.pickUnit(opened)
	staff := u.eras[0]
	if opened.Year() >= 2017 {
		staff = u.eras[1]
	}
	owner := pick(r, staff.dcs)
	p.unit, p.inScope = u, r.Float64() < 0.68
	fail := func(f string, prob float64) bool {
		if r.Float64() < prob {
			p.failings = append(p.failings, f)
			return true
		}
		return false
	}
	quick := fail(FailQuickClosure, 0.1)
	life := days(35 + 385*r.Float64())
	if quick {
		life = days(8 + 18*r.Float64())
	}
	proposed := at(officeHours(r, opened.Add(life)))
	if lim := day(legacyLast, 12, 16); proposed.After(lim) {
		proposed = at(weekdayAt(r, lim.AddDate(0, 0, -r.IntN(30))))
	}
	life = proposed.Sub(opened)
	frac := func(lo, hi float64) time.Time {
		return at(opened.Add(time.Duration(float64(life) * (lo + (hi-lo)*r.Float64()))))
	}
	// out-of-scope cases miss the national review's criteria one way or
	// another: charged, one victim, one suspect, or no contact offence.
	variant := r.IntN(4)
	k := casefile.Case{
		Ref:    fmt.Sprintf("CIS/%02d/%05d", opened.Year()%100, 10000+7*i+r.IntN(7)),
		Team:   u.ref,
		Opened: opened,
		Owner:  owner.ref,
	}
	k.OffenceTypes = pick(r, legacyOffences.contact)
	if !p.inScope && variant == 3 {
		k.OffenceTypes = pick(r, legacyOffences.other)
	}

	// Victims: children when it happened.
	nv := 2 + b(r.Float64() < 0.35) + b(r.Float64() < 0.1)
	if !p.inScope && variant == 1 {
		nv = 1
	}
	girl := r.IntN(100) < 84
	age := 12 + r.IntN(5)
	for j := 0; j < nv; j++ {
		first := pick(r, girlFirst)
		if !girl && j == 0 {
			first = pick(r, boyFirst)
		}
		born := opened.AddDate(-(12 + r.IntN(5)), -r.IntN(12), -r.IntN(28))
		added := opened
		if j > 0 {
			added = frac(0.01, 0.15)
		}
		k.Victims = append(
			k.Victims,
			casefile.Victim{Ref: fmt.Sprintf("V%d", j+1), Name: first + " " + pick(r, surnames),
				DOB: born.In(clock.London).Format(time.DateOnly), Added: added},
		)
	}
	who := "girl"
	if !girl {
		who = "boy"
	}
	k.Summary = fmt.Sprintf(pick(r, referralTemplates), age, who, pick(r, towns), pick(r, premises), pick(r, streets))

	// Suspects: men named in the referral, some of them in other cases.
	ns := 2 + b(r.Float64() < 0.4) + b(r.Float64() < 0.15)
	if !p.inScope && variant == 2 {
		ns = 1
	}
	var men []*nominal
	if r.Float64() < 0.3 {
		nw := pick(r, l.networks)
		for _, j := range r.Perm(len(nw))[:min(ns, len(nw), 2)] {
			men = append(men, nw[j])
		}
		p.failings = append(p.failings, FailSuspectShared)
	}
	for len(men) < ns {
		m := l.nominal()
		m.phone = g.phone()
		men = append(men, m)
	}
	charged := !p.inScope && variant == 0
	notInterviewed := fail(FailNotInterviewed, 0.3)
	for j, m := range men {
		s := casefile.Suspect{
			Ref:         fmt.Sprintf("S%d", j+1),
			Name:        m.first + " " + m.last,
			DOB:         m.dob,
			Added:       frac(0.02, 0.2),
			Description: describe(r, m, ""),
			Phone:       m.phone,
			Vehicle:     m.vrm,
			Address:     m.addr,
		}
		if j%2 == 1 && s.Phone != "" {
			// Files from other systems write numbers every way; triage
			// links them whatever the form.
			s.Phone = international(s.Phone)
		}
		// Each suspect's whole history, as the old system kept it: the
		// statuses they passed through, each with its date.
		var steps []domain.SuspectStatus
		switch {
		case charged && j == 0:
			steps = []domain.SuspectStatus{domain.SuspectArrested, domain.SuspectInterviewed, domain.SuspectBailed,
				domain.SuspectCharged}
		case notInterviewed && (j == 0 || r.IntN(2) == 0):
			// Released, or never found, without an interview: the
			// pattern the reviews found most often.
			steps = pick(r, [][]domain.SuspectStatus{
				{domain.SuspectArrested, domain.SuspectNFA},
				{domain.SuspectLocated},
				{domain.SuspectIdentified},
			})
		default:
			// Interviewed, then released and in the end no further
			// action: interviewed all the same.
			steps = pick(r, [][]domain.SuspectStatus{
				{domain.SuspectArrested, domain.SuspectInterviewed, domain.SuspectRUI, domain.SuspectNFA},
				{domain.SuspectArrested, domain.SuspectInterviewed, domain.SuspectBailed, domain.SuspectNFA},
				{domain.SuspectInterviewed, domain.SuspectNFA},
				{domain.SuspectArrested, domain.SuspectInterviewed},
			})
		}
		added := s.Added.In(clock.London).Format(time.DateOnly)
		prev := added
		if len(steps) == 1 && steps[0] == domain.SuspectIdentified {
			steps = nil // identified is where every suspect starts
		}
		for n, st := range steps {
			lo := 0.3 + 0.5*float64(n)/float64(len(steps))
			on := frac(lo, lo+0.5/float64(len(steps))).In(clock.London).Format(time.DateOnly)
			if on < prev {
				on = prev
			}
			prev = on
			s.Statuses = append(s.Statuses, casefile.SuspectStatus{Status: string(st), On: on})
		}
		k.Suspects = append(k.Suspects, s)
	}
	if r.Float64() < 0.3 {
		k.Suspects = append(
			k.Suspects,
			casefile.Suspect{Ref: fmt.Sprintf("S%d", len(k.Suspects)+1), Added: frac(0.05, 0.4),
				Description: fmt.Sprintf(
					"Unidentified driver of a %s who collected the children from %s.",
					pick(r, cars),
					pick(r, premises),
				)},
		)
	}

	// Lines of enquiry: most worked and filed; some left open at closure.
	open := fail(FailActionsOpen, 0.22)
	var titles []string
	for _, a := range g.pol.StandardActions[:4] {
		titles = append(titles, a.Title)
	}
	titles = append(titles, pick(r, directions), pick(r, directions))
	if titles[4] == titles[5] {
		titles = titles[:5]
	}
	for j, t := range titles {
		if j >= 3 && r.IntN(2) == 0 {
			continue
		}
		raised := frac(0, 0.3)
		a := casefile.Action{
			Ref:         fmt.Sprintf("A%d", j+1),
			Title:       t,
			Raised:      raised,
			RaisedBy:    owner.ref,
			AllocatedTo: pick(r, staff.dcs).ref,
		}
		a.Target = raised.AddDate(0, 0, 28)
		if open && (j == len(titles)-1 || j == 2 && r.IntN(2) == 0) {
			if r.IntN(3) == 0 {
				a.AllocatedTo, a.Target = "", time.Time{}
			}
			k.Actions = append(k.Actions, a)
			continue
		}
		a.Resulted = at(raised.Add(time.Duration(float64(proposed.Sub(raised)) * (0.2 + 0.6*r.Float64()))))
		a.Result = pick(r, actionResults[""])
		if rs, ok := actionResults[g.actionKey[t]]; ok {
			a.Result = pick(r, rs)
		}
		a.Filed = at(a.Resulted.Add(time.Duration(float64(proposed.Sub(a.Resulted)) * 0.5 * r.Float64())))
		a.FiledBy = staff.ds.ref
		k.Actions = append(k.Actions, a)
	}

	// The investigation plan, written in the first days (its text: record).
	k.Plan = &casefile.Plan{By: owner.ref, At: at(opened.Add(days(2)))}

	// Supervisory reviews, roughly every six weeks.
	nr := max(1, int(life/days(45)))
	for j := 0; j < nr; j++ {
		k.Reviews = append(
			k.Reviews,
			casefile.Review{
				At: at(officeHours(r, opened.Add(life*time.Duration(j+1)/time.Duration(nr+1)))),
				By: staff.ds.ref,
				Summary: pick(
					r,
					[]string{
						"Reviewed: progress on the lines of enquiry; suspects to be interviewed",
						"Reviewed the file; victim contact maintained; await the phone download",
						"Review: CPS early advice to be sought",
						"Reviewed: strategy discussion actions complete",
					},
				),
			},
		)
	}

	// How it ended, and who approved it.
	outcome := pick(r, []string{"15", "15", "15", "16", "16", "16", "9", "10", "21", "12"})
	switch {
	case charged:
		outcome = "1"
	case !p.inScope && variant == 1:
		outcome = pick(r, []string{"16", "15", "18"})
	case !p.inScope && variant == 2:
		outcome = pick(r, []string{"16", "5", "20"})
	}
	if outcome == "21" && proposed.Before(day(2016, 1, 1)) {
		outcome = "16"
	}
	if outcome == "18" || outcome == "14" {
		for j := range k.Suspects {
			k.Suspects[j].Name, k.Suspects[j].DOB = "", ""
		}
	}
	if outcome == "5" {
		for j := range k.Suspects {
			k.Suspects[j].Status = string(domain.SuspectDeceased)
			k.Suspects[j].StatusOn = proposed.In(clock.London).Format(time.DateOnly)
		}
	}
	approver := staff.di
	switch {
	case fail(FailSelfApproved, 0.12):
		approver = owner
	case fail(FailBelowRank, 0.14):
		approver = staff.dsAlt
	}
	approved := at(proposed.Add(days(3 * r.Float64())))
	if quick {
		approved = at(proposed.Add(time.Duration(1+r.IntN(20)) * time.Hour))
	}
	cl := &casefile.Closure{
		Outcome:    outcome,
		Proposed:   proposed,
		ProposedBy: owner.ref,
		Approved:   approved,
		ApprovedBy: approver.ref,
	}
	cl.Rationale.LinesConsidered = domain.Plural(len(k.Actions), "line of enquiry", "lines of enquiry") +
		" raised; see the action log."
	cl.Rationale.WhyNoneRemain = whyNoneRemain[outcome]
	if cl.Rationale.WhyNoneRemain == "" {
		cl.Rationale.WhyNoneRemain = "CPS advice: not in the public interest / evidential test not met."
	}
	cl.Rationale.SuspectsStatus = "See the suspect records."
	cl.Rationale.VictimView = victimViews[outcome]
	k.Closure = cl
	if code, err := strconv.Atoi(outcome); err == nil && (code >= 9 && code <= 18 || code == 20 || code == 21) &&
		len(k.Suspects) > 0 &&
		k.Suspects[0].Name != "" {
		p.failings = append(p.failings, FailNFANamedSuspect)
	}

	// Victim contact: first contact, the account, updates, the decision.
	// One victim never properly heard, or victims never told: rarely both.
	x := r.Float64()
	noAccount, notTold := x < 0.15, x > 0.78
	if noAccount {
		p.failings = append(p.failings, FailAccountNotTaken)
	}
	if notTold {
		p.failings = append(p.failings, FailVictimNotTold)
	}
	for j := range k.Victims {
		v := &k.Victims[j]
		by := owner.ref
		v.NeedsAssessment = at(v.Added.Add(time.Duration(2+r.IntN(40)) * time.Hour))
		v.ContactPlan = &casefile.ContactPlan{
			EveryDays: 56,
			Method:    "visit or phone call to the parent",
			Agreed:    v.NeedsAssessment,
			By:        by,
		}
		if !(noAccount && j == len(k.Victims)-1) {
			k.Contacts = append(
				k.Contacts,
				casefile.Contact{
					Victim: v.Ref,
					At:     at(v.Added.Add(days(3 + 12*r.Float64()))),
					Kind:   domain.ContactAccount,
					Method: pick(r, []string{"ABE interview", "ABE interview", "written statement"}),
					By:     by,
				},
			)
		}
		v.SupportReferral = at(v.Added.Add(days(2 + 10*r.Float64())))
		for t := v.Added.Add(days(25 + 20*r.Float64())); t.Before(proposed); t = t.Add(days(25 + 40*r.Float64())) {
			k.Contacts = append(
				k.Contacts,
				casefile.Contact{
					Victim: v.Ref,
					At:     at(officeHours(r, t)),
					Kind:   domain.ContactUpdate,
					Method: pick(r, contactMethods),
					By:     by,
				},
			)
		}
		if !(notTold && (j == 0 || r.IntN(2) == 0)) {
			v.Notifications = append(
				v.Notifications,
				casefile.Notification{Decision: "investigation closed (outcome " + outcome + ")",
					At: at(approved.Add(days(1 + 6*r.Float64()))), Method: pick(r, contactMethods), By: by},
			)
		}
	}
	l.record(i, &k, staff, proposed)
	p.rec = k
	for _, o := range g.officers {
		if o.actor.User.Collar == owner.collar {
			p.ownerNow = o
		}
	}
}

func b(x bool) int {
	if x {
		return 1
	}
	return 0
}

// file writes the units, officers and cases as JSON Lines.
func (l *legacy) file() []byte {
	var buf bytes.Buffer
	buf.WriteString(
		"# Northshire Police crime information system (CIS), 2009-2022: CSE investigations closed 2012-2022,\n",
	)
	buf.WriteString("# exported for the national review (Operation Beaconport). Units, officers, the offence mapping, then cases.\n")
	line := func(typ string, v any) {
		j, err := json.Marshal(v)
		if err != nil {
			panic(err) // plain structs always encode
		}
		buf.WriteString(`{"type":"` + typ + `",`)
		buf.Write(j[1:])
		buf.WriteByte('\n')
	}
	depts := map[string]bool{}
	for _, u := range l.units {
		if !depts[u.parent] {
			depts[u.parent] = true
			line("unit", casefile.Unit{Ref: "CIS-" + u.parent, Name: u.parent, Kind: "department", Parent: ForceName})
		}
		line("unit", casefile.Unit{Ref: u.ref, Name: u.name, Kind: "team", Parent: "CIS-" + u.parent})
	}
	seen := map[string]bool{}
	for _, o := range l.officers {
		if seen[o.ref] {
			continue
		}
		seen[o.ref] = true
		line("officer", casefile.Officer{Ref: o.ref, Name: o.name, Collar: o.collar, Rank: string(o.rank), Unit: o.unit,
			Left: o.left.UTC(), Roles: o.roles})
	}
	for _, m := range legacyOffenceMap {
		line("offence_map", casefile.OffenceMap{Text: m[0], Code: m[1]})
	}
	for _, p := range l.plans {
		line("case", p.rec)
	}
	return buf.Bytes()
}

// legacyNotified is what a victim is told of when a suspect's status
// changes (the Victims' Code, right 6), as the old system recorded it.
var legacyNotified = map[string]string{
	string(domain.SuspectArrested):    "suspect arrested",
	string(domain.SuspectInterviewed): "suspect interviewed under caution",
	string(domain.SuspectCharged):     "suspect charged",
	string(domain.SuspectNFA):         "suspect released without charge",
	string(domain.SuspectRUI):         "suspect released under investigation",
	string(domain.SuspectBailed):      "suspect released on bail",
}

// record fills in what an investigator's file holds beside the planted
// failings, so that an imported closure reads as a real one to an auditor:
// a plan written for this case, the strategy decision that opened it, the
// victims told of each arrest, interview, charge or release, and their
// enhanced entitlement. It draws on a generator of its own for case i, so
// the failings planted from l.r are what they were.
func (l *legacy) record(i int, k *casefile.Case, staff legacyStaff, proposed time.Time) {
	r := rand.New(rand.NewPCG(l.g.opts.Seed, 0x1e9ac7<<20|uint64(i)))
	entitled := true
	var names []string
	for j := range k.Victims {
		k.Victims[j].Enhanced = &entitled
	}
	for _, s := range k.Suspects {
		if s.Name != "" {
			names = append(names, s.Name)
		}
	}
	suspects := "the suspects"
	if len(names) > 0 {
		suspects = strings.Join(names, ", ")
	}
	var lines []string
	for _, a := range k.Actions {
		lines = append(lines, a.Title)
	}
	k.Plan.Text = fmt.Sprintf(
		"Objectives: safeguard %s; secure best evidence; identify and interview %s. "+
			"Strategy discussion with children's social care held; joint visits agreed. "+
			"Lines of enquiry: %s. Victims updated every eight weeks or sooner on any arrest or charge. "+
			"Supervisory review every six weeks.",
		domain.Plural(len(k.Victims), "child", "children"), suspects, strings.Join(lines, "; "))
	k.Decisions = append(k.Decisions, casefile.Decision{
		At:       at(officeHours(r, k.Opened.Add(days(1)))),
		By:       staff.ds.ref,
		Decision: "Section 47 strategy discussion: joint investigation with children's social care",
		Rationale: pick(r, []string{
			"Ongoing risk of exploitation; older males providing alcohol and lifts; missing episodes.",
			"Disclosure to a teacher; further children named; suspects known to police.",
			"Referral from the missing-from-home coordinator; pattern across the children's accounts.",
		}),
	})
	// Each victim is told of each change in a suspect's status that day
	// or the next working day, never after the closure was proposed: whether they were told
	// of the closure itself is one of the failings planted.
	for _, s := range k.Suspects {
		who := s.Name
		if who == "" {
			who = "an unnamed suspect"
		}
		for _, st := range s.Statuses {
			decision, ok := legacyNotified[st.Status]
			if !ok {
				continue
			}
			on, err := time.ParseInLocation(time.DateOnly, st.On, clock.London)
			if err != nil {
				continue
			}
			for j := range k.Victims {
				v := &k.Victims[j]
				t := at(weekdayAt(r, on.AddDate(0, 0, r.IntN(2)))) // that day or the next
				if !t.After(v.Added) || !t.Before(proposed) {
					continue
				}
				v.Notifications = append(v.Notifications, casefile.Notification{
					Decision: decision + " (" + who + ")", At: t, Method: pick(r, contactMethods), By: k.Owner,
				})
			}
		}
	}
	for j := range k.Victims {
		v := &k.Victims[j]
		sort.SliceStable(v.Notifications, func(a, b int) bool { return v.Notifications[a].At.Before(v.Notifications[b].At) })
	}
}
