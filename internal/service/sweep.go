package service

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/holdfast/holdfast/internal/calendar"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// Finding kinds the watchdog raises. Each catches a failure the reviews
// found; docs/watchdog.md lists them. The strings are stable.
const (
	FindingOrphaned              = "orphaned"                    // owner left or inactive
	FindingNoOwner               = domain.FlagNoOwner            // open and allocated to nobody
	FindingNoOpenDuty            = domain.FlagNoOpenDuty         // open with nothing owed: will be forgotten
	FindingClosedWithOpenWork    = domain.FlagClosedWithOpenWork // closed while lines of enquiry or duties were open
	FindingClosedWithoutApproval = domain.FlagClosedWithoutApproval
	FindingVictimNoContactPlan   = domain.FlagVictimNoContactPlan
	FindingTransferOverdue       = "transfer_not_accepted" // lost between departments
)

var findingSeverity = map[string]string{
	FindingOrphaned: "high", FindingNoOwner: "high", FindingNoOpenDuty: "high", FindingClosedWithOpenWork: "high",
	FindingClosedWithoutApproval: "high", FindingVictimNoContactPlan: "medium", FindingTransferOverdue: "high",
}

var findingText = map[string]string{
	FindingOrphaned:              "The case's owner has left or is inactive: allocate it to a serving officer",
	FindingNoOwner:               "The case is open but allocated to nobody: allocate it",
	FindingNoOpenDuty:            "The case is open but nothing is owed on it, so nobody will be prompted: review it",
	FindingClosedWithOpenWork:    "The case was closed while lines of enquiry or duties were still open: review the closure",
	FindingClosedWithoutApproval: "The case is marked closed without a closure approved by a second person: review it",
	FindingVictimNoContactPlan:   "A victim on this open case has no agreed contact plan: agree one",
	FindingTransferOverdue:       "A transfer of this case has not been accepted in time: accept or reject it",
}

func isWatchdogFinding(kind string) bool { _, ok := findingSeverity[kind]; return ok }

// FindingKinds lists the watchdog's finding kinds.
func FindingKinds() []string {
	out := make([]string, 0, len(findingSeverity))
	for k := range findingSeverity {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Mailer sends an alert by email. internal/mail implements it over SMTP.
type Mailer interface {
	Send(ctx context.Context, to *domain.User, subject, body string) error
}

// SweepReport is what one run of the watchdog saw and did. Its JSON is the
// documented, stable output of `holdfast sweep --format json`.
type SweepReport struct {
	AsOf        time.Time         `json:"as_of"`
	Ran         bool              `json:"ran"` // false: another instance was sweeping
	Overdue     []OverdueDuty     `json:"overdue"`
	Escalations []EscalationEntry `json:"escalations"`
	Findings    []FindingEntry    `json:"findings"`
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

// Sweep runs the watchdog as of asOf: it escalates overdue duties one step
// per threshold passed and raises each integrity finding once. It is
// idempotent, and with several instances only one sweeps at a time. With
// dryRun it reports what it would do and writes nothing.
func (s *Service) Sweep(ctx context.Context, a *Actor, asOf time.Time, dryRun bool) (*SweepReport, error) {
	if err := a.need("run the watchdog", domain.RoleAdmin); err != nil {
		return nil, err
	}
	rep := &SweepReport{AsOf: asOf.UTC(), Overdue: []OverdueDuty{}, Escalations: []EscalationEntry{}, Findings: []FindingEntry{}}
	ran, err := s.st.Exclusive(ctx, "holdfast.sweep", func() error { return s.sweep(ctx, a, rep, dryRun) })
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	rep.Ran = ran
	return rep, nil
}

func (s *Service) sweep(ctx context.Context, a *Actor, rep *SweepReport, dryRun bool) error {
	asOf := rep.AsOf
	org, err := s.st.Org(ctx)
	if err != nil {
		return err
	}
	user := func(id string) string {
		if u, ok := org.Users[id]; ok {
			return u.Username
		}
		return id
	}
	team := func(id string) string {
		if u, ok := org.Units[id]; ok {
			return u.Name
		}
		return id
	}
	overdue, err := s.st.DueDuties(ctx, asOf, 1_000_000)
	if err != nil {
		return err
	}
	for _, d := range overdue {
		rep.Overdue = append(rep.Overdue, OverdueDuty{Case: d.CaseRef, DutyID: d.ID, Kind: d.Kind, Accountable: user(d.Accountable), Team: team(d.TeamID), Due: d.Due, Escalation: d.Escalation})
	}

	// What each case needs: escalations of duties whose next step is due,
	// and findings that stand. Each case is then one transaction.
	type work struct {
		ref      string
		findings map[string]time.Time
	}
	cases := map[string]*work{}
	get := func(id, ref string) *work {
		w := cases[id]
		if w == nil {
			w = &work{ref: ref, findings: map[string]time.Time{}}
			cases[id] = w
		}
		return w
	}
	act, err := s.st.ActionableDuties(ctx, asOf, 1_000_000)
	if err != nil {
		return err
	}
	for _, d := range act {
		get(d.CaseID, d.CaseRef)
	}
	for _, d := range overdue {
		if d.Kind == duty.TransferAccept {
			get(d.CaseID, d.CaseRef).findings[FindingTransferOverdue] = d.Due
		}
	}
	flags, err := s.st.Flags(ctx, asOf)
	if err != nil {
		return err
	}
	grace := s.pol.Findings[FindingVictimNoContactPlan]
	for _, f := range flags {
		if f.Kind == FindingVictimNoContactPlan && grace.After(f.Since, s.cal).After(asOf) {
			continue
		}
		get(f.CaseID, "").findings[f.Kind] = f.Since
	}
	orphans, err := s.st.OrphanedCases(ctx)
	if err != nil {
		return err
	}
	for _, c := range orphans {
		since := c.UpdatedAt
		if u, ok := org.Users[c.OwnerID]; ok && !u.LeftAt.IsZero() {
			since = u.LeftAt
		}
		get(c.ID, c.Ref).findings[FindingOrphaned] = since
	}

	ids := make([]string, 0, len(cases))
	for id := range cases {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		w := cases[id]
		if err := s.sweepCase(ctx, a, id, w.findings, asOf, dryRun, rep); err != nil {
			return fmt.Errorf("case %s: %w", w.ref, err)
		}
	}
	sort.SliceStable(rep.Findings, func(i, j int) bool {
		if rep.Findings[i].Case != rep.Findings[j].Case {
			return rep.Findings[i].Case < rep.Findings[j].Case
		}
		return rep.Findings[i].Kind < rep.Findings[j].Kind
	})
	return nil
}

// sweepCase escalates and raises findings on one case in one transaction.
func (s *Service) sweepCase(ctx context.Context, a *Actor, caseID string, findings map[string]time.Time, asOf time.Time, dryRun bool, rep *SweepReport) error {
	var mails []func()
	write := func(tx store.Tx) error {
		c, err := tx.Case(caseID)
		if err != nil {
			return err
		}
		org, err := tx.Org()
		if err != nil {
			return err
		}
		var evs []*event.Event
		for _, d := range c.Duties {
			if d.Status != domain.DutyOpen || d.NextAt.IsZero() || d.NextAt.After(asOf) {
				continue
			}
			level, next := d.Escalation, d.NextAt
			for !next.IsZero() && !next.After(asOf) && level < 3 {
				level++
				to, text := s.escalationStep(org, c, d, level)
				switch level {
				case 1:
					next = s.pol.Escalation.SupervisorAfter.After(d.Due, s.cal)
				case 2:
					next = s.pol.Escalation.ManagerAfter.After(d.Due, s.cal)
				default:
					next = time.Time{}
				}
				e, err := domain.NewEvent(domain.EvDutyEscalated, a.ID(), c.ID, asOf, domain.DutyEscalated{ID: d.ID, Level: level, To: to, NextAt: next, Text: text})
				if err != nil {
					return err
				}
				evs = append(evs, e)
				rep.Escalations = append(rep.Escalations, EscalationEntry{Case: c.Ref, DutyID: d.ID, Kind: d.Kind, Level: level, To: username(org, to)})
				if u, ok := org.Users[to]; ok && s.mail != nil {
					mails = append(mails, func() {
						if err := s.mail.Send(context.WithoutCancel(ctx), u, "Holdfast: overdue on "+c.Ref, text); err != nil {
							s.log.Error("escalation mail", "to", u.Username, "case", c.Ref, "err", err)
						}
					})
				}
			}
		}
		kinds := make([]string, 0, len(findings))
		for k := range findings {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for _, kind := range kinds {
			mustAct := duty.Supervisor(org, c.TeamID)
			if kind == FindingTransferOverdue && c.Transfer != nil {
				mustAct = duty.Supervisor(org, c.Transfer.ToTeam)
			}
			f := FindingEntry{Case: c.Ref, Kind: kind, Severity: findingSeverity[kind], MustAct: username(org, mustAct), Since: findings[kind], Detail: findingText[kind]}
			if c.OpenFinding(kind) == nil {
				f.New = true
				e, err := domain.NewEvent(domain.EvFindingRaised, a.ID(), c.ID, asOf, domain.FindingRaised{Finding: domain.Finding{
					ID: fmt.Sprintf("%s.f%d", c.ID, len(c.Findings)+len(evs)+1), Kind: kind, Severity: f.Severity,
					Detail: c.Ref + ": " + f.Detail, MustAct: mustAct, Since: f.Since, Raised: asOf}})
				if err != nil {
					return err
				}
				evs = append(evs, e)
			}
			rep.Findings = append(rep.Findings, f)
		}
		if dryRun || len(evs) == 0 {
			return nil
		}
		_, err = s.commit(tx, c, org, evs, asOf)
		return err
	}
	if dryRun {
		// Read through a transaction that is then abandoned: nothing is kept.
		err := s.st.Write(ctx, func(tx store.Tx) error {
			if err := write(tx); err != nil {
				return err
			}
			return errDryRun
		})
		if err == errDryRun {
			return nil
		}
		return err
	}
	if err := s.st.Write(ctx, write); err != nil {
		return err
	}
	for _, m := range mails {
		m()
	}
	return nil
}

var errDryRun = fmt.Errorf("dry run")

// escalationStep says who is told at level and what.
func (s *Service) escalationStep(org *domain.OrgState, c *domain.Case, d domain.Duty, level int) (string, string) {
	what := s.pol.Says(policyKey(d.Kind))
	due := d.Due.In(calendar.London).Format("Mon 2 Jan 2006 15:04")
	switch level {
	case 1:
		return d.Accountable, fmt.Sprintf("%s: %s — due %s, now overdue.", c.Ref, what, due)
	case 2:
		sup := duty.Supervisor(org, d.TeamID)
		if sup == d.Accountable {
			if u, ok := org.Units[d.TeamID]; ok {
				sup = duty.Supervisor(org, u.ParentID)
			}
		}
		return sup, fmt.Sprintf("%s: %s — owed by %s, due %s, still not done. As supervisor, see that it is.", c.Ref, what, username(org, d.Accountable), due)
	default:
		mgr := duty.Manager(org, d.TeamID, s.pol.Escalation.ManagerMinRank)
		return mgr, fmt.Sprintf("%s: %s — owed by %s, due %s, escalated to management.", c.Ref, what, username(org, d.Accountable), due)
	}
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

func username(org *domain.OrgState, id string) string {
	if u, ok := org.Users[id]; ok {
		return u.Username
	}
	return id
}
