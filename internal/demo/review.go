package demo

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// The national review in progress. Ten weeks before now the force imports
// its historic closures (legacy.go) and its auditor opens a review of them
// with the Beaconport preset: a reproducible sample, reviewers assigned
// under the conflict-of-interest rules (one of them worked on some of the
// cases, and is refused those), and reviews coming in over the weeks since
// — findings that reopen a case through the workflow, refer a closure to
// professional standards or ask for a victim to be contacted (each a duty
// with a deadline), "no concerns" reviews of high-risk cases waiting for a
// second reviewer, and the rest still to do. Everything goes through the
// service layer, as global tasks on the generator's schedule, so the
// record's times and versions are the generator's own.

// Review is the national review of imported historic closures that the
// demo leaves in progress.
type Review struct {
	System   string         `json:"system"`   // the system the historic cases came from
	Closed   string         `json:"closed"`   // the years they were closed in
	Imported int            `json:"imported"` // cases imported
	Events   int            `json:"events"`   // their events, each marked import:System
	Failings map[string]int `json:"failings"` // the failings planted in them, by the risk model's reason
	// Planted lists each imported case's planted failings by its source
	// reference, so triage's answers can be scored against the truth.
	Planted map[string][]string `json:"-"`
	AuditID string              `json:"audit_id"`
	Audit   string              `json:"audit"`
	// Population is how many closed cases met the criteria; Sampled, how
	// many the audit drew (at random and for their risk).
	Population int                   `json:"population"`
	Sampled    int                   `json:"sampled"`
	Progress   service.AuditProgress `json:"progress"`
	Findings   int                   `json:"findings"`
	// Reopened, Referred and VictimContact are the cases whose findings
	// reopened them, referred them to professional standards or asked for
	// a victim to be contacted.
	Reopened      []string `json:"reopened"`
	Referred      []string `json:"referred"`
	VictimContact []string `json:"victim_contact"`
	// Conflicts are the assignments the conflict-of-interest rules refused.
	Conflicts []Conflict `json:"conflicts"`
	Lead      string     `json:"lead"`      // the auditor running the review
	Reviewers []string   `json:"reviewers"` // the auditors reviewing cases
	// WatchdogFindings counts the final sweep's findings on the imported
	// closures: closed with work open, or without a second person's
	// approval, as the old system allowed.
	WatchdogFindings int `json:"watchdog_findings"`
	// Elapsed is the time generation spent importing and reviewing.
	Elapsed time.Duration `json:"elapsed"`
}

// Conflict is an assignment refused because the reviewer had a hand in the case.
type Conflict struct {
	Ref      string   `json:"ref"`
	Reviewer string   `json:"reviewer"`
	Rules    []string `json:"rules"`
}

// What a planned review says.
const (
	reviewReopen    = "reopen"     // a suspect never pursued: reopen the case
	reviewPSD       = "psd"        // closure approved by its proposer: professional standards
	reviewContact   = "contact"    // victims never told: contact them
	reviewFindings  = "findings"   // findings, no action beyond the record
	reviewClearHigh = "clear_high" // no concerns on a high-risk case: waits for sign-off
	reviewClear     = "clear"      // no concerns

	signOffAgree    = "agree"
	signOffSendBack = "send_back"
)

const (
	auditName       = "Operation Beaconport: historic CSE closures 2012-2022"
	reviewSeed      = "northshire-beaconport-%d" // the sample's seed, from the demo's
	reviewAfterDays = 70                         // the import, this many days before now
	// Collar numbers of the review team: two civilian reviewers and a
	// detective sergeant seconded to the review.
	reviewerStaffA, reviewerStaffB, reviewerCollar = "S0011", "S0012", "1580"
)

type nationalReview struct {
	g         *gen
	r         *rand.Rand
	leg       *legacy
	lead      *officer
	reviewers []*officer // the last is the seconded sergeant, leg.coi
	imported  *service.ImportReport
	audit     *domain.Audit
	conflicts []Conflict
	took      time.Duration
}

type plannedReview struct {
	ac      domain.AuditCase
	by      *officer
	kind    string
	at      time.Time
	signOff string // signOffAgree, signOffSendBack, or "": still waiting
	legacy  *legacyPlan
}

func newNationalReview(g *gen) *nationalReview {
	return &nationalReview{g: g, r: rand.New(rand.NewPCG(g.opts.Seed, 0xbeac0)), leg: newLegacy(g)}
}

// start puts the import on the generator's schedule; each step
// schedules the next.
func (nr *nationalReview) start() {
	g := nr.g
	at := g.now.Add(-days(reviewAfterDays))
	if lim := g.opts.Start.Add(days(14)); at.Before(lim) {
		at = lim
	}
	nr.schedule(weekdayAt(nr.r, at), nr.importLegacy)
}

// schedule is a step of the review on the generator's schedule, timed:
// the review should add little to the demo's generation.
func (nr *nationalReview) schedule(at time.Time, fn func() error) {
	nr.g.schedule(at, func() error {
		began := time.Now()
		defer func() { nr.took += time.Since(began) }()
		return fn()
	})
}

// workingDays is n working days after t (before it, for negative n), at
// a working time.
func (nr *nationalReview) workingDays(t time.Time, n int) time.Time {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		t = t.AddDate(0, 0, step)
		if nr.g.cal.IsWorkingDay(t) {
			n--
		}
	}
	return weekdayAt(nr.r, t)
}

// importLegacy brings the review team in and imports the historic
// closures the way `holdfast import` does: the file read and checked by
// casefile, then the service's Import, all or nothing.
func (nr *nationalReview) importLegacy() error {
	g := nr.g
	nr.lead = g.staff[domain.RoleAuditor]
	for _, c := range []string{reviewerStaffA, reviewerStaffB} {
		o, err := g.personFrom(nr.r, domain.RankStaff, g.forceID, nil, c, domain.RoleAuditor)
		if err != nil {
			return err
		}
		nr.reviewers = append(nr.reviewers, o)
	}
	// A detective sergeant seconded to the review, who worked child
	// exploitation cases in the old system: some are not theirs to review.
	coi, err := g.personFrom(nr.r, domain.RankSergeant, g.forceID, nil, reviewerCollar, domain.RoleAuditor)
	if err != nil {
		return err
	}
	nr.reviewers = append(nr.reviewers, coi)
	nr.leg.coi = coi
	data := nr.leg.build(legacyCases(g.opts.Cases))
	f, err := casefile.ReadJSONL(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("demo: the historic case file: %w", err)
	}
	rep, err := g.svc.Import(g.ctx, service.SystemActor("import"), LegacySystem, f, false)
	if err != nil {
		return fmt.Errorf("demo: import the historic closures: %w", err)
	}
	g.cmd()
	nr.imported = rep
	nr.schedule(nr.workingDays(g.clk.Now(), 5), nr.createAudit)
	return nil
}

// createAudit is the lead looking at the Beaconport triage queue, then
// planning the review of the historic closures with a recorded seed.
func (nr *nationalReview) createAudit() error {
	g := nr.g
	if _, err := g.svc.Triage(g.ctx, nr.lead.actor, service.TriageRequest{Preset: audit.PresetBeaconport, Limit: 50}); err != nil {
		return fmt.Errorf("demo: triage: %w", err)
	}
	au, err := g.svc.CreateAudit(g.ctx, nr.lead.actor, service.NewAudit{Name: auditName, Preset: audit.PresetBeaconport,
		ClosedFrom: fmt.Sprintf("%d-01-01", legacyFrom), ClosedTo: fmt.Sprintf("%d-12-31", legacyLast), Margin: 0.1,
		Seed: fmt.Sprintf(reviewSeed, g.opts.Seed), RiskTop: max(3, legacyCases(g.opts.Cases)/30)})
	if err != nil {
		return fmt.Errorf("demo: plan the review: %w", err)
	}
	g.cmd()
	nr.audit = au
	nr.schedule(nr.workingDays(g.clk.Now(), 1), nr.assign)
	return nil
}

// assign shares most of the sample among the reviewers in turn. Cases of
// the team the seconded sergeant worked in are offered to the sergeant
// first (who knows its patch); the conflict-of-interest rules refuse those
// the sergeant had a hand in, and the next reviewer takes them.
func (nr *nationalReview) assign() error {
	g := nr.g
	// The last few of the random draw wait for a reviewer; the cases
	// added for their risk are shared out with the rest.
	var cases []domain.AuditCase
	wait := max(2, len(nr.audit.Cases)/5)
	for i := len(nr.audit.Cases) - 1; i >= 0; i-- {
		if ac := nr.audit.Cases[i]; ac.Drawn == domain.DrawnRisk || wait == 0 {
			cases = append(cases, ac)
		} else {
			wait--
		}
	}
	slices.Reverse(cases)
	south := nr.leg.units[1].current.id
	var got []*plannedReview
	for i, ac := range cases {
		var order []*officer
		if ac.TeamID == south {
			order = append(order, nr.leg.coi)
		}
		for j := range nr.reviewers {
			if o := nr.reviewers[(i+j)%len(nr.reviewers)]; o != nr.leg.coi || ac.TeamID != south {
				order = append(order, o)
			}
		}
		for _, o := range order {
			_, err := g.svc.AssignReview(g.ctx, nr.lead.actor, service.AssignReview{
				Audit: nr.audit.ID, Case: ac.CaseID, Reviewer: o.id})
			var ps domain.Problems
			if errors.As(err, &ps) {
				var rules []string
				for _, p := range ps {
					if !strings.HasPrefix(p.Rule, "coi_") {
						return fmt.Errorf("demo: assign %s to %s: %w", ac.Ref, o.username, err)
					}
					rules = append(rules, p.Rule)
				}
				nr.conflicts = append(nr.conflicts, Conflict{Ref: ac.Ref, Reviewer: o.username, Rules: rules})
				continue
			}
			if err != nil {
				return fmt.Errorf("demo: assign %s to %s: %w", ac.Ref, o.username, err)
			}
			g.cmd()
			got = append(got, &plannedReview{ac: ac, by: o})
			break
		}
	}
	return nr.planReviews(got)
}

// planReviews decides which assigned cases are reviewed by now, what each
// review finds and when, and puts them on the schedule.
func (nr *nationalReview) planReviews(assigned []*plannedReview) error {
	g := nr.g
	bySource := map[string]*legacyPlan{}
	for _, lp := range nr.leg.plans {
		bySource[lp.rec.Ref] = lp
	}
	for _, p := range assigned {
		c, err := g.rec.Case(g.ctx, p.ac.CaseID)
		if err != nil {
			return err
		}
		p.legacy = bySource[c.SourceRef]
	}
	taken := map[*plannedReview]bool{}
	// take gives kind to the first case not yet taken that passes the
	// first test any passes.
	take := func(kind string, ok ...func(*plannedReview) bool) *plannedReview {
		for _, f := range ok {
			for _, p := range assigned {
				if !taken[p] && f(p) {
					taken[p], p.kind = true, kind
					return p
				}
			}
		}
		return nil
	}
	anyCase := func(*plannedReview) bool { return true }
	has := func(code string) func(*plannedReview) bool {
		return func(p *plannedReview) bool { _, ok := reasonOf(p.ac, code); return ok }
	}
	// The reopened case is reinvestigated by a team that still exists,
	// under an officer who still serves.
	reopenable := func(p *plannedReview) bool {
		return p.legacy != nil && p.legacy.unit.current != nil && p.legacy.ownerNow == nil
	}
	both := func(a, b func(*plannedReview) bool) func(*plannedReview) bool {
		return func(p *plannedReview) bool { return a(p) && b(p) }
	}
	pp := func(p *plannedReview) bool {
		return p.ac.TeamID == g.teams[0].id || p.ac.TeamID == g.teams[1].id
	}
	now := g.now
	first := nr.workingDays(g.clk.Now(), 5)
	last := now.Add(-days(2))
	if p := take(reviewReopen, both(reopenable, both(has(FailNotInterviewed), has(FailSuspectShared))),
		both(reopenable, has(FailNotInterviewed)), reopenable); p != nil {
		p.at = nr.workingDays(now, -13)
	}
	if p := take(reviewPSD, both(has(FailSelfApproved), pp), has(FailSelfApproved), has(FailBelowRank), anyCase); p != nil {
		p.at = nr.workingDays(now, -4)
	}
	// One victim contacted and the finding answered; another recommended
	// last week, still owed.
	if p := take(reviewContact, has(FailVictimNotTold), has(FailAccountNotTaken), anyCase); p != nil {
		p.at = nr.workingDays(first, 6)
	}
	if p := take(reviewContact, has(FailVictimNotTold), has(FailAccountNotTaken), anyCase); p != nil {
		p.at = nr.workingDays(now, -6)
	}
	high := func(p *plannedReview) bool { return p.ac.HighRisk }
	var clearHigh []*plannedReview
	for i := 0; i < max(4, len(nr.audit.Cases)/15); i++ {
		// The one sent back is a civilian reviewer's, so that the demo's
		// reviewer account has it in their queue.
		ok := high
		if i == 1 {
			ok = both(high, func(p *plannedReview) bool { return p.by == nr.reviewers[0] })
		}
		if p := take(reviewClearHigh, ok, high); p != nil {
			clearHigh = append(clearHigh, p)
		}
	}
	for i, p := range clearHigh {
		p.at = between(nr.r, first, last.Add(-days(10)))
		switch i {
		case 0:
			p.signOff = signOffAgree
		case 1:
			p.signOff = signOffSendBack
		}
	}
	for i := 0; i < max(1, len(nr.audit.Cases)/25); i++ {
		take(reviewClear, func(p *plannedReview) bool { return !p.ac.HighRisk })
	}
	risk := func(p *plannedReview) bool { return p.ac.Drawn == domain.DrawnRisk }
	take(reviewFindings, risk)
	for i := 0; i < max(2, len(nr.audit.Cases)/8); i++ {
		take(reviewFindings, anyCase)
	}
	for _, p := range assigned {
		if !taken[p] {
			continue
		}
		if p.at.IsZero() {
			p.at = between(nr.r, first, last)
		}
		nr.schedule(p.at, func() error { return nr.submit(p) })
	}
	return nil
}

// submit is the reviewer's form and findings, then what follows from them.
func (nr *nationalReview) submit(p *plannedReview) error {
	g := nr.g
	c, err := g.rec.Case(g.ctx, p.ac.CaseID)
	if err != nil {
		return err
	}
	in := nr.submission(p, c)
	in.Audit, in.Case = nr.audit.ID, p.ac.CaseID
	if _, err := g.svc.SubmitReview(g.ctx, p.by.actor, in); err != nil {
		return fmt.Errorf("demo: review of %s by %s: %w", p.ac.Ref, p.by.username, err)
	}
	g.cmd()
	now := g.clk.Now()
	switch p.kind {
	case reviewReopen:
		return nr.reinvestigate(p)
	case reviewClearHigh:
		switch p.signOff {
		case signOffAgree:
			nr.schedule(nr.workingDays(now, 3), func() error { return nr.signOff(p, true, "") })
		case signOffSendBack:
			nr.schedule(nr.workingDays(now, 2), func() error {
				return nr.signOff(
					p,
					false,
					"The flags are answered for the approval, but not for the second suspect: say from the paper file whether he was ever interviewed.",
				)
			})
		}
		return nil
	case reviewClear:
		return nil
	}
	// A finding puts the case's duties back in play: victims never told
	// of the closure are owed the decision now. The liaison officer tells
	// them the next working day.
	nr.schedule(nr.workingDays(now, 1), func() error { return nr.tellVictims(p.ac.CaseID) })
	if p.kind == reviewContact && p.at.Before(g.now.Add(-days(20))) {
		nr.schedule(nr.workingDays(now, 4), func() error { return nr.answer(p.ac.CaseID) })
	}
	return nil
}

// result reads the review back through the service, as its lead would,
// and counts what the final sweep found on the imported closures.
func (nr *nationalReview) result(sweep *service.SweepReport) (*Review, error) {
	g := nr.g
	if nr.audit == nil {
		return nil, nil
	}
	rep, err := g.svc.AuditReport(g.ctx, nr.lead.actor, nr.audit.ID)
	if err != nil {
		return nil, fmt.Errorf("demo: the review's report: %w", err)
	}
	out := &Review{
		System:        LegacySystem,
		Closed:        fmt.Sprintf("%d-%d", legacyFrom, legacyLast),
		Imported:      nr.imported.Cases,
		Events:        nr.imported.Events,
		Failings:      map[string]int{},
		AuditID:       nr.audit.ID,
		Audit:         nr.audit.Name,
		Population:    nr.audit.Population,
		Sampled:       len(nr.audit.Cases),
		Progress:      rep.Progress,
		Conflicts:     nr.conflicts,
		Lead:          nr.lead.username,
		Elapsed:       nr.took,
		Reopened:      []string{},
		Referred:      []string{},
		VictimContact: []string{},
	}
	out.Planted = map[string][]string{}
	for _, p := range nr.leg.plans {
		out.Planted[p.rec.Ref] = p.failings
		for _, f := range p.failings {
			out.Failings[f]++
		}
	}
	for _, f := range rep.Findings {
		out.Findings += f.Total
	}
	for _, f := range sweep.Findings {
		// The review's own overdue reviews and sign-offs are on imported
		// closures too, but are not how they were decided.
		if f.Kind != service.FindingClosedWithOpenWork && f.Kind != service.FindingClosedWithoutApproval {
			continue
		}
		c, err := g.rec.CaseByRef(g.ctx, f.Case)
		if err != nil {
			return nil, err
		}
		if c.Imported {
			out.WatchdogFindings++
		}
	}
	for _, a := range rep.Actions {
		switch a.Action {
		case domain.ActionReopen:
			out.Reopened = append(out.Reopened, a.Case)
		case domain.ActionProfessionalStandards:
			out.Referred = append(out.Referred, a.Case)
		case domain.ActionVictimContact:
			out.VictimContact = append(out.VictimContact, a.Case)
		}
	}
	for _, o := range nr.reviewers {
		out.Reviewers = append(out.Reviewers, o.username)
	}
	sort.Strings(out.Reopened)
	sort.Strings(out.Referred)
	sort.Strings(out.VictimContact)
	return out, nil
}
