package service

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store"
)

// Finding kinds the watchdog raises (domain.WatchdogFindings, which
// docs/watchdog.md lists). The strings are stable.
const (
	FindingOrphaned              = domain.FindingOrphaned
	FindingNoOwner               = domain.FlagNoOwner            // open and allocated to nobody
	FindingNoOpenDuty            = domain.FlagNoOpenDuty         // open with nothing owed: will be forgotten
	FindingClosedWithOpenWork    = domain.FlagClosedWithOpenWork // closed while lines of enquiry or duties were open
	FindingClosedWithoutApproval = domain.FlagClosedWithoutApproval
	FindingVictimNoContactPlan   = domain.FlagVictimNoContactPlan
	FindingTransferOverdue       = domain.FindingTransferOverdue
	FindingAuditReviewOverdue    = domain.FindingAuditReviewOverdue
	FindingAuditSignOffOverdue   = domain.FindingAuditSignOffOverdue
)

// findingSeverity and findingText are domain.WatchdogFindings by kind.
var findingSeverity, findingText = func() (map[string]string, map[string]string) {
	sev, text := map[string]string{}, map[string]string{}
	for _, f := range domain.WatchdogFindings {
		sev[f.Kind], text[f.Kind] = f.Severity, f.Text
	}
	return sev, text
}()

// auditFindingKinds stand on an audit's record, not the case's own state:
// the audit commands settle them (settleAuditFindings), and a command on
// the case itself must not take them for gone.
var auditFindingKinds = map[string]bool{FindingAuditReviewOverdue: true, FindingAuditSignOffOverdue: true}

// isWatchdogFinding reports whether kind is a watchdog finding the duty
// reactor settles from the case's own state: every kind but the audit
// ones (auditFindingKinds), whose cause it cannot see.
func isWatchdogFinding(kind string) bool {
	_, ok := findingSeverity[kind]
	return ok && !auditFindingKinds[kind]
}

// FindingKinds lists the watchdog's finding kinds.
func FindingKinds() []string { return domain.WatchdogFindingKinds() }

// Mailer sends an alert by email. internal/mail implements it over SMTP.
type Mailer interface {
	Send(ctx context.Context, to *domain.User, subject, body string) error
}

// SweepReport is what one run of the watchdog saw and did. Its JSON is the
// documented, stable output of `holdfast sweep --format json`.
type SweepReport struct {
	AsOf time.Time `json:"as_of"`
	Ran  bool      `json:"ran"` // false: another instance was sweeping
	// Held is when this run held the watchdog's lock, by the wall clock:
	// for the log, where runs of several instances must never overlap.
	Held struct{ From, To time.Time } `json:"-"`
	// Overdue lists every open duty past its due time when OverdueListed;
	// otherwise it is empty (see SweepOptions.Overdue).
	Overdue       []OverdueDuty `json:"overdue"`
	OverdueListed bool          `json:"overdue_listed"`
	// OverdueCount is how many open duties are past their due time; nil
	// (absent from the JSON) when the sweep was asked not to count them.
	OverdueCount *int              `json:"overdue_count,omitempty"`
	Escalations  []EscalationEntry `json:"escalations"`
	Findings     []FindingEntry    `json:"findings"`
	// PeopleMatched counts the people queued for matching against the index
	// whose match this sweep made (retries: index_queue.go), LinksRaised
	// the links that raised.
	PeopleMatched int `json:"people_matched"`
	LinksRaised   int `json:"links_raised"`
}

// OverdueReport says how much of the overdue backlog a sweep reports.
// Escalating and raising findings never depend on it: they are found
// through their own indexes whatever is chosen.
type OverdueReport int

const (
	// OverdueList lists every overdue duty (and counts them) and every
	// standing integrity finding: a read of the whole backlog, so its cost
	// follows the number overdue and standing.
	OverdueList OverdueReport = iota
	// OverdueCount counts them through the due-time index alone.
	OverdueCount
	// OverdueNone reports neither. Unless SweepOptions.Standing asks for
	// them, a sweep with OverdueCount or OverdueNone reads only what needs
	// action now — findings it raises, not those already standing. The
	// scheduled watchdog runs so.
	OverdueNone
)

// ParseOverdueReport reads "list", "count" or "none".
func ParseOverdueReport(s string) (OverdueReport, error) {
	switch s {
	case "list":
		return OverdueList, nil
	case "count":
		return OverdueCount, nil
	case "none":
		return OverdueNone, nil
	}
	return 0, fmt.Errorf("overdue report %q: want list, count or none", s)
}

// SweepOptions choose the time a sweep runs as of, what it writes and what
// it reports.
type SweepOptions struct {
	// AsOf is the time the watchdog sweeps as of (zero: now).
	AsOf time.Time
	// DryRun reports what the sweep would do and writes nothing.
	DryRun bool
	// Overdue says how much of the overdue backlog to report (default:
	// list it all).
	Overdue OverdueReport
	// Standing reports every integrity finding that stands, not only those
	// this run raises, whatever Overdue says (OverdueList always does).
	// The CLI asks for it: its --overdue is about the overdue backlog
	// alone.
	Standing bool
}

// OverdueDuty is an open duty past its due time.
type OverdueDuty struct {
	Case        string    `json:"case"`
	DutyID      string    `json:"duty_id"`
	Kind        string    `json:"kind"`
	Accountable string    `json:"accountable"`
	Team        string    `json:"team"`
	Due         time.Time `json:"due"`
	Escalation  int       `json:"escalation"`
}

// EscalationEntry is one step up the ladder taken by this run.
type EscalationEntry struct {
	Case   string `json:"case"`
	DutyID string `json:"duty_id"`
	Kind   string `json:"kind"`
	Level  int    `json:"level"` // 1 accountable, 2 supervisor, 3 manager
	To     string `json:"to"`
}

// FindingEntry is a standing integrity finding; New marks one this run raised.
type FindingEntry struct {
	Case     string    `json:"case"`
	Kind     string    `json:"kind"`
	Severity string    `json:"severity"`
	MustAct  string    `json:"must_act"`
	Since    time.Time `json:"since"`
	New      bool      `json:"new"`
	Detail   string    `json:"detail"`
}

// Sweep runs the watchdog as of o.AsOf: it escalates overdue duties one
// step per threshold passed and raises each integrity finding once. It is
// idempotent, and with several instances only one sweeps at a time.
func (s *Service) Sweep(ctx context.Context, a *Actor, o SweepOptions) (*SweepReport, error) {
	if err := a.need("run the watchdog", domain.RoleAdmin); err != nil {
		return nil, err
	}
	if o.AsOf.IsZero() {
		o.AsOf = s.clock.Now()
	}
	// A real run writes escalations dated as of its time, permanently: a
	// person may look ahead with a dry run, but not write the future
	// (issue 16: an administrator's POST /sweep dated 2035 would have
	// written 1,198 escalations). The watchdog itself, the demo and the
	// operator's CLI act as the system, which runs at the time it is told.
	if !a.System && !o.DryRun && o.AsOf.After(s.clock.Now().Add(sweepAhead)) {
		return nil, domain.Problems{{Field: "as_of", Rule: "date_in_future", Message: "A sweep that writes " +
			"escalations cannot be dated in the future: leave the time out to sweep as of now, or ask for a dry run " +
			"to see what would be due then"}}
	}
	r := &sweepRun{s: s, a: a, asOf: o.AsOf.UTC(), dryRun: o.DryRun, overdue: o.Overdue,
		standing: o.Standing || o.Overdue == OverdueList}
	r.rep = &SweepReport{AsOf: r.asOf, Overdue: []OverdueDuty{}, OverdueListed: o.Overdue == OverdueList,
		Escalations: []EscalationEntry{}, Findings: []FindingEntry{}}
	ran, err := s.st.Exclusive(ctx, "holdfast.sweep", func() error {
		r.rep.Held.From = time.Now()
		defer func() { r.rep.Held.To = time.Now() }()
		if err := r.run(ctx); err != nil || o.DryRun {
			return err
		}
		// An accreditation lapsed since a closure's approval was routed
		// moves it to whoever may approve now (approval_reroute.go).
		if err := s.rerouteApprovals(ctx, a.ID()); err != nil {
			return err
		}
		var err error
		r.rep.PeopleMatched, r.rep.LinksRaised, err = s.MatchQueued(ctx, r.asOf, matchPerSweep) // index_queue.go
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	r.rep.Ran = ran
	return r.rep, nil
}

// sweepAhead is how far past this server's clock a person's real sweep may
// be dated: another machine's "now" may run a little ahead.
const sweepAhead = 5 * time.Minute

// sweepRun is one run of the watchdog: what it was asked, the policy and
// the organisation it reads once for the whole run, and its report.
type sweepRun struct {
	s       *Service
	a       *Actor
	asOf    time.Time
	dryRun  bool
	overdue OverdueReport
	// standing: report the findings already standing as well as those
	// raised (SweepOptions.Standing).
	standing bool
	pol      *policy.Policy // one policy for the whole run, even if it is reloaded meanwhile
	org      *domain.OrgState
	rep      *SweepReport
}

// caseWork is what one case needs of a sweep: escalations of duties whose
// next step is due, and findings that stand.
type caseWork struct {
	ref        string
	findings   map[string]cause
	escalating bool // a duty's next step is due: the case will be written
	audit      bool // an audit finding stands: decided on the audits' record
	// training: someone holding work on the case has an accreditation
	// within its notice or lapsed (training_watch.go): its duties are
	// reconciled as at the sweep's time.
	training bool
}

// run does what needs action now and no more: duties whose next
// escalation step is due (found through the index on that time, so duties
// already escalated are not read again), overdue transfers (their own
// index), and the cases integrity flags or orphaning point at. The overdue
// backlog is read only when the caller asks for it (SweepOptions.Overdue).
// Each case is then one transaction.
func (r *sweepRun) run(ctx context.Context) error {
	r.pol = r.s.Policy()
	org, err := r.s.st.Org(ctx)
	if err != nil {
		return err
	}
	r.org = org
	if err := r.reportOverdue(ctx); err != nil {
		return err
	}
	cases, err := r.work(ctx)
	if err != nil {
		return err
	}
	for _, id := range slices.Sorted(maps.Keys(cases)) {
		w := cases[id]
		if err := r.sweepCase(ctx, id, w); err != nil {
			return fmt.Errorf("case %s: %w", w.ref, err)
		}
	}
	sort.SliceStable(r.rep.Findings, func(i, j int) bool {
		if r.rep.Findings[i].Case != r.rep.Findings[j].Case {
			return r.rep.Findings[i].Case < r.rep.Findings[j].Case
		}
		return r.rep.Findings[i].Kind < r.rep.Findings[j].Kind
	})
	return nil
}

// reportOverdue lists or counts the overdue backlog, as the run was asked.
func (r *sweepRun) reportOverdue(ctx context.Context) error {
	switch r.overdue {
	case OverdueList:
		overdue, err := r.s.st.DueDuties(ctx, r.asOf, 1_000_000)
		if err != nil {
			return err
		}
		for _, d := range overdue {
			r.rep.Overdue = append(r.rep.Overdue, OverdueDuty{Case: d.CaseRef, DutyID: d.ID, Kind: d.Kind,
				Accountable: username(
					r.org,
					d.Accountable,
				), Team: teamName(r.org, d.TeamID), Due: d.Due, Escalation: d.Escalation})
		}
		n := len(overdue)
		r.rep.OverdueCount = &n
	case OverdueCount:
		n, err := r.s.st.DueDutyCount(ctx, r.asOf)
		if err != nil {
			return err
		}
		r.rep.OverdueCount = &n
	}
	return nil
}

// work finds what each case needs: escalations of duties whose next step
// is due, and findings that stand.
func (r *sweepRun) work(ctx context.Context) (map[string]*caseWork, error) {
	s, asOf := r.s, r.asOf
	cases := map[string]*caseWork{}
	get := func(id, ref string) *caseWork {
		w := cases[id]
		if w == nil {
			w = &caseWork{ref: ref, findings: map[string]cause{}}
			cases[id] = w
		}
		if w.ref == "" {
			w.ref = ref
		}
		return w
	}
	act, err := s.st.ActionableDuties(ctx, asOf, 1_000_000)
	if err != nil {
		return nil, err
	}
	for _, d := range act {
		get(d.CaseID, d.CaseRef).escalating = true
	}
	transfers, err := s.st.DueDutiesOfKind(ctx, duty.TransferAccept, asOf, 1_000_000)
	if err != nil {
		return nil, err
	}
	for _, d := range transfers {
		get(d.CaseID, d.CaseRef).findings[FindingTransferOverdue] = cause{since: d.Due}
	}
	// Flags whose finding is already open need no write; only a sweep that
	// reports the standing findings reads their cases again to report them.
	readFlags := s.st.UnraisedFlags
	if r.standing {
		readFlags = s.st.Flags
	}
	flags, err := readFlags(ctx, asOf)
	if err != nil {
		return nil, err
	}
	grace := r.pol.Findings[FindingVictimNoContactPlan]
	for _, f := range flags {
		if f.Kind == FindingVictimNoContactPlan && grace.After(f.Since, s.cal).After(asOf) {
			continue
		}
		get(f.CaseID, "").findings[f.Kind] = cause{since: f.Since}
	}
	orphans, err := s.st.OrphanedCases(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range orphans {
		since := c.UpdatedAt
		if u, ok := r.org.Users[c.OwnerID]; ok && !u.LeftAt.IsZero() {
			since = u.LeftAt
		}
		get(c.ID, c.Ref).findings[FindingOrphaned] = cause{since: since}
	}
	training, err := s.trainingCases(ctx, r.org, asOf) // training_watch.go
	if err != nil {
		return nil, err
	}
	for id, ref := range training {
		get(id, ref).training = true
	}
	// The audits' record is force-level and small beside the cases: one
	// read of it finds every review and sign-off overdue.
	audits, err := s.auditState(ctx)
	if err != nil {
		return nil, err
	}
	for id, d := range s.auditOverdue(audits, r.org, r.pol, asOf, "") {
		w := get(id, d.ref)
		w.audit = true
		for k, why := range d.causes {
			w.findings[k] = why
		}
	}
	return cases, nil
}

// sweepPlan is what the watchdog must do on one case and what it reports.
type sweepPlan struct {
	evs         []*event.Event
	escalations []EscalationEntry
	findings    []FindingEntry
	mails       []func()
}

// sweepCase escalates and raises findings on one case. A case with no
// escalation due is read first outside any transaction: if its findings
// are all raised already it needs no write, so a steady sweep takes no
// write lock for it. Otherwise the plan is made (again) inside one
// transaction, on the case as it is then, and committed. A case with an
// audit finding is written under the lock audit commands take, on the
// audits' record as it is then, so a review submitted since the sweep
// read them is not reported overdue by a finding nothing would resolve.
func (r *sweepRun) sweepCase(ctx context.Context, caseID string, w *caseWork) error {
	p := &sweepPlan{}
	if !w.escalating || r.dryRun {
		c, err := r.s.st.Case(ctx, caseID)
		if err != nil {
			return err
		}
		if p, err = r.plan(ctx, r.org, c, w.findings); err != nil {
			return err
		}
	}
	if (w.escalating || len(p.evs) > 0) && !r.dryRun {
		write := func(tx store.Tx) error {
			c, err := tx.Case(caseID)
			if err != nil {
				return err
			}
			org, err := tx.Org()
			if err != nil {
				return err
			}
			fs := w.findings
			if w.audit {
				if fs, err = r.auditFindings(ctx, org, caseID, w.findings); err != nil {
					return err
				}
			}
			if p, err = r.plan(ctx, org, c, fs); err != nil {
				return err
			}
			if len(p.evs) == 0 {
				return nil
			}
			_, err = r.s.commit(tx, c, org, p.evs, r.asOf)
			return err
		}
		if w.audit {
			auditMu.Lock()
		}
		err := r.s.st.Write(ctx, write)
		if w.audit {
			auditMu.Unlock()
		}
		if err != nil {
			return err
		}
		for _, m := range p.mails {
			m()
		}
	}
	r.rep.Escalations = append(r.rep.Escalations, p.escalations...)
	r.rep.Findings = append(r.rep.Findings, p.findings...)
	return nil
}

// auditFindings is findings with its audit ones decided afresh on the
// audits' record as it is now (in the case's write transaction).
func (r *sweepRun) auditFindings(ctx context.Context, org *domain.OrgState, caseID string,
	findings map[string]cause) (map[string]cause, error) {
	st, err := r.s.auditState(ctx)
	if err != nil {
		return nil, err
	}
	fs := map[string]cause{}
	for k, why := range findings {
		if !auditFindingKinds[k] {
			fs[k] = why
		}
	}
	if d := r.s.auditOverdue(st, org, r.pol, r.asOf, caseID)[caseID]; d != nil {
		maps.Copy(fs, d.causes)
	}
	return fs, nil
}

// plan works out, from c as read, the escalation steps now due and the
// findings to report, with the events that record what is new.
func (r *sweepRun) plan(ctx context.Context, org *domain.OrgState, c *domain.Case,
	findings map[string]cause) (*sweepPlan, error) {
	s, a, pol, asOf := r.s, r.a, r.pol, r.asOf
	p := &sweepPlan{}
	if r.training(c, org, findings) { // training_watch.go
		evs, err := s.dutyRules().Reconcile(c, org, a.ID(), asOf)
		if err != nil {
			return nil, err
		}
		p.evs = append(p.evs, evs...)
	}
	for _, d := range c.Duties {
		if d.Status != domain.DutyOpen || d.NextAt.IsZero() || d.NextAt.After(asOf) {
			continue
		}
		level, next := d.Escalation, d.NextAt
		for !next.IsZero() && !next.After(asOf) && level < 3 {
			level++
			to, text := s.escalationStep(pol, org, c, d, level)
			switch level {
			case 1:
				next = pol.Escalation.SupervisorAfter.After(d.Due, s.cal)
			case 2:
				next = pol.Escalation.ManagerAfter.After(d.Due, s.cal)
			default:
				next = time.Time{}
			}
			e, err := domain.NewEvent(
				domain.EvDutyEscalated,
				a.ID(),
				c.ID,
				asOf,
				domain.DutyEscalated{ID: d.ID, Level: level, To: to, NextAt: next, Text: text},
			)
			if err != nil {
				return nil, err
			}
			p.evs = append(p.evs, e)
			p.escalations = append(
				p.escalations,
				EscalationEntry{Case: c.Ref, DutyID: d.ID, Kind: d.Kind, Level: level, To: username(org, to)},
			)
			if u, ok := org.Users[to]; ok && s.mail != nil {
				ref := c.Ref
				p.mails = append(p.mails, func() {
					if err := s.mail.Send(context.WithoutCancel(ctx), u, "Holdfast: overdue on "+ref, text); err != nil {
						s.log.Error("escalation mail", "to", u.Username, "case", ref, "err", err)
					}
				})
			}
		}
	}
	for _, kind := range slices.Sorted(maps.Keys(findings)) {
		why := findings[kind]
		mustAct := why.mustAct
		switch {
		case mustAct != "":
		case kind == FindingTransferOverdue && c.Transfer != nil:
			mustAct = duty.Supervisor(org, c.Transfer.ToTeam)
		default:
			mustAct = duty.Supervisor(org, c.TeamID)
		}
		detail := why.detail
		if detail == "" {
			detail = findingText[kind]
		}
		f := FindingEntry{
			Case:     c.Ref,
			Kind:     kind,
			Severity: findingSeverity[kind],
			MustAct:  username(org, mustAct),
			Since:    why.since,
			Detail:   detail,
		}
		if c.OpenFinding(kind) == nil {
			f.New = true
			e, err := domain.NewEvent(
				domain.EvFindingRaised,
				a.ID(),
				c.ID,
				asOf,
				domain.FindingRaised{Finding: domain.Finding{
					ID: fmt.Sprintf("%s.f%d", c.ID, len(c.Findings)+len(p.evs)+1), Kind: kind, Severity: f.Severity,
					Detail: c.Ref + ": " + f.Detail, MustAct: mustAct, Since: f.Since, Raised: asOf}},
			)
			if err != nil {
				return nil, err
			}
			p.evs = append(p.evs, e)
		}
		// A finding already raised is reported only to a run that asks
		// for the standing ones: otherwise the audit findings, which are
		// found afresh from the audits' record each run, were counted as
		// new by every dry run.
		if f.New || r.standing {
			p.findings = append(p.findings, f)
		}
	}
	return p, nil
}

// cause is why a finding stands on a case: since when and, where the
// team's supervisor is not the one to act, who is and what they are told.
type cause struct {
	since   time.Time
	mustAct string // user id; empty: the team's supervisor (the receiving team's, for a transfer)
	detail  string // empty: findingText
}

// londonTime is a time in the texts the watchdog writes, the GOV.UK way.
func londonTime(t time.Time) string { return clock.GovUK(t) }

// errDryRun abandons a transaction that only looked.
var errDryRun = fmt.Errorf("dry run")

// escalationStep says who is told at level and what. Every step names an
// active person: a duty owed by nobody, or by someone no longer active
// (opened before the force-level fallback, or left since), goes at level
// 1 to the team's supervisor, and any step the chain of command leaves to
// nobody goes to the force's fallback (duty.Fallback). Who each level
// reaches is ladder's.
func (s *Service) escalationStep(
	pol *policy.Policy,
	org *domain.OrgState,
	c *domain.Case,
	d domain.Duty,
	level int,
) (string, string) {
	what := pol.Says(policyKey(d.Kind))
	due := londonTime(d.Due)
	owner := personName(org, d.Accountable)
	if !activeUser(org, d.Accountable) {
		owner = "nobody"
		if d.Accountable != "" {
			owner = personName(org, d.Accountable) + " (left)"
		}
		s.log.Warn(
			"overdue duty owed by nobody active: escalating it to someone who is",
			"case",
			c.Ref,
			"duty",
			d.ID,
			"kind",
			d.Kind,
			"accountable",
			d.Accountable,
			"level",
			level,
		)
	}
	// A duty that came to its holder already overdue (handed over on
	// allocation or a reassignment, keeping its due time) says so, so
	// nobody reads the time before as theirs.
	late := ""
	if activeUser(org, d.Accountable) && d.Opened.After(d.Due) {
		late = " It was already overdue when it came to them on " + londonTime(d.Opened) + "."
	}
	to := ladder(pol, org, d, duty.Recused(c, d))[min(level, 3)-1]
	var text string
	switch level {
	case 1:
		text = fmt.Sprintf("%s: %s — due %s, now overdue.%s", c.Ref, what, due, strings.Replace(late, "them", "you", 1))
		if !activeUser(org, d.Accountable) {
			text = fmt.Sprintf(
				"%s: %s — owed by %s, due %s, now overdue. Nobody active owes it: see that it is done and give it an owner.",
				c.Ref,
				what,
				owner,
				due,
			)
		}
	case 2:
		text = fmt.Sprintf(
			"%s: %s — owed by %s, due %s, still not done. As supervisor, see that it is.%s",
			c.Ref,
			what,
			owner,
			due,
			late,
		)
	default:
		text = fmt.Sprintf("%s: %s — owed by %s, due %s, escalated to management.%s", c.Ref, what, owner, due, late)
	}
	return to, text
}

// ladder is who each step of d's escalation reaches: the accountable
// person (the team's supervisor if they are not active), then the next
// rank up from them, then a manager of the policy's rank above both.
// Each step goes to someone the steps below it did not reach, where the
// chain of command has anyone: a step told to the same person again
// tells nobody new. (The demo's leavers' duties went at steps 1 and 2 to
// the same sergeant, and the fixture's inspector, who both supervises a
// department and manages it, took steps 2 and 3.) No step goes to
// recused (duty.Recused): the sergeant who resulted an action, whose
// review went to the inspector, was the review's second step, asked to
// see that their own result was reviewed. A step with nobody active in
// the chain goes to the force's fallback.
func ladder(pol *policy.Policy, org *domain.OrgState, d domain.Duty, recused string) [3]string {
	var to [3]string
	up := func(id string) string { // the unit above id's
		if u, ok := org.Users[id]; ok {
			if un, ok := org.Units[u.UnitID]; ok {
				return un.ParentID
			}
		}
		return ""
	}
	to[0] = d.Accountable
	if !activeUser(org, to[0]) || to[0] == recused && recused != "" {
		to[0] = duty.SupervisorExcept(org, d.TeamID, recused)
	}
	to[1] = duty.Supervisor(org, d.TeamID)
	if to[1] == to[0] {
		if u, ok := org.Units[d.TeamID]; ok {
			to[1] = duty.Supervisor(org, u.ParentID)
		}
	}
	if to[1] == recused && recused != "" {
		to[1] = duty.SupervisorExcept(org, d.TeamID, recused, to[0])
	}
	rank := pol.Escalation.ManagerMinRank
	to[2] = duty.Manager(org, d.TeamID, rank)
	for range 3 { // past at most the two people told before and the recused
		if to[2] != to[1] && to[2] != to[0] && (to[2] != recused || recused == "") {
			break
		}
		above := up(to[2])
		if above == "" {
			break
		}
		to[2] = duty.Manager(org, above, rank)
	}
	if to[2] == recused && recused != "" {
		to[2] = to[1] // the chain has nobody else: tell step 2's person again
	}
	for i := range to {
		if !activeUser(org, to[i]) {
			to[i] = duty.Fallback(org)
		}
	}
	return to
}

func activeUser(org *domain.OrgState, id string) bool {
	u, ok := org.Users[id]
	return ok && u.Active
}

func policyKey(kind string) string {
	switch kind {
	case duty.SupervisoryReview:
		return "review"
	case duty.DecisionNotice:
		return "decision_notice_enhanced"
	}
	return kind
}

// personName names a person in text people read (an escalation, a
// finding): rank and name, never a username (domain.PersonName).
func personName(org *domain.OrgState, id string) string {
	if u, ok := org.Users[id]; ok {
		return domain.PersonName(u)
	}
	return domain.PersonName(nil)
}

func username(org *domain.OrgState, id string) string {
	if u, ok := org.Users[id]; ok {
		return u.Username
	}
	return id
}

func teamName(org *domain.OrgState, id string) string {
	if u, ok := org.Units[id]; ok {
		return u.Name
	}
	return id
}
