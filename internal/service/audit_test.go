package service_test

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var auditRationale = domain.Rationale{
	LinesConsidered: "Phone download, school enquiries, CCTV",
	WhyNoneRemain:   "Every line of enquiry is complete and filed",
	SuspectsStatus:  "No suspect has been identified",
	VictimView:      "The victim agrees the investigation can close",
}

// auditWorld is a force with four closed cases in March 2026:
//
//   - clean: closed by the book (reviewed by Sam, proposed by Ivy,
//     approved by Ines), the victim told;
//   - sue: the same, but reviewed by Sue, a supervisor who is also an
//     auditor;
//   - risky: a legacy closure (self-approved) of a rape allegation from
//     2019 with two victims, two named suspects never interviewed, an
//     action open and no victim told;
//   - shared: another legacy closure, from 2020, whose suspect is risky's
//     (the name spelled differently, the same date of birth).
type auditWorld struct {
	f                             *fixture.Force
	db                            *sqlstore.DB
	svc                           *service.Service
	sue, auditor2                 *service.Actor
	clean, sueCase, risky, shared *domain.Case
}

func newAuditWorld(t *testing.T, db *sqlstore.DB) *auditWorld {
	f := fixture.New(t, db)
	w := &auditWorld{f: f, db: db, svc: f.Svc}
	user := func(username, name string, rank domain.Rank, unit string, roles ...domain.Role) *service.Actor {
		u, err := f.CreateApproved(
			ctx,
			service.NewUser{
				Username: username,
				Name:     name,
				Collar:   "C" + username,
				Rank:     rank,
				UnitID:   unit,
				Roles:    roles,
				Password: fixture.Password,
			},
		)
		if err != nil {
			t.Fatal(err)
		}
		return &service.Actor{User: *u}
	}
	w.sue = user("sue", "DS Sue Both", domain.RankSergeant, f.DeptID, domain.RoleSupervisor, domain.RoleAuditor)
	w.auditor2 = user("aud2", "Arun Auditor", domain.RankStaff, f.ForceID, domain.RoleAuditor)
	w.clean = w.closedByTheBook(t, f.Supervisor)
	w.sueCase = w.closedByTheBook(t, w.sue)
	w.risky = w.legacy(
		t,
		[]string{"child_sexual_exploitation", "rape_of_a_child"},
		time.Date(2019, 6, 1, 12, 0, 0, 0, time.UTC),
		"15",
		service.NewSuspect{
			Name:        "Adam Smith",
			DateOfBirth: "1980-01-02",
		},
		service.NewSuspect{Name: "Bob Jones", DateOfBirth: "1979-03-04"},
	)
	w.shared = w.legacy(
		t,
		[]string{"sexual_activity_with_a_child"},
		time.Date(2020, 2, 1, 12, 0, 0, 0, time.UTC),
		"16",
		service.NewSuspect{
			Name:        "ADAM  smith",
			DateOfBirth: "1980-01-02",
		},
		service.NewSuspect{Name: "Carl Dunn", DateOfBirth: "1990-05-06"},
	)
	// A week on, the legacy closures' victims are long overdue word of
	// them: triage judges a notice by its deadline.
	f.Clock.Advance(7 * 24 * time.Hour)
	return w
}

func (w *auditWorld) closedByTheBook(t *testing.T, reviewer *service.Actor) *domain.Case {
	c := closedWithVictim(t, w.f, reviewer, auditRationale)
	return ok(t)(w.svc.RecordContact(ctx, w.f.Liaison, c.ID, service.RecordContact{Version: c.Version,
		Victim: c.Victims[0].ID, Kind: domain.ContactDecision, Method: "phone", Note: "told of the closure"}))
}

func (w *auditWorld) legacy(
	t *testing.T,
	offences []string,
	reported time.Time,
	outcome string,
	suspects ...service.NewSuspect,
) *domain.Case {
	f, svc := w.f, w.svc
	c := ok(
		t,
	)(
		svc.OpenReferral(
			ctx,
			f.Investigator,
			service.NewReferral{TeamID: f.TeamA, Summary: "Historic referral: two girls exploited by a group of men",
				OffenceTypes: offences, ReportedAt: reported},
		),
	)
	c = ok(t)(svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
		OwnerID: f.Investigator.ID(), Reason: "allocation"}))
	for _, name := range []string{"Child B", "Child C"} {
		c = ok(t)(svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: name,
			DateOfBirth: "2005-01-01"}))
	}
	for _, s := range suspects {
		s.Version = c.Version
		c = ok(t)(svc.AddSuspect(ctx, f.Investigator, c.ID, s))
	}
	c = ok(t)(svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
		Title: "Download the victims' phones"}))
	if err := service.ForceCloseForTest(ctx, svc, c.ID, outcome); err != nil {
		t.Fatal(err)
	}
	c, err := w.db.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func problemRules(t *testing.T, err error) []string {
	t.Helper()
	p, isProblems := domain.AsProblems(err)
	if !isProblems {
		t.Fatalf("want a refusal listing problems, got %v", err)
	}
	return rules(p)
}

func caseFinding(c *domain.Case, id string) *domain.Finding {
	for i := range c.Findings {
		if c.Findings[i].ID == id {
			return &c.Findings[i]
		}
	}
	return nil
}

// dutyFor finds the finding's duty in c, open or closed by the command
// that returned c (met, it is out of the document: Case.ClosedDuties).
func dutyFor(c *domain.Case, subject string) *domain.Duty {
	for _, ds := range [][]domain.Duty{c.Duties, c.ClosedDuties} {
		for i := range ds {
			if ds[i].Kind == duty.FindingResponse && ds[i].Subject == subject {
				return &ds[i]
			}
		}
	}
	return nil
}

// TestAuditTriage: the Beaconport queue holds the two historic group
// cases, the rape allegation first, each with the reasons for its place;
// the routine queue holds every closure. Only auditors, managers and
// inspectors may triage.
func TestAuditTriage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newAuditWorld(t, db)
		f, svc := w.f, w.svc
		res, err := svc.Triage(ctx, f.Auditor, service.TriageRequest{Preset: audit.PresetBeaconport})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Queue) != 2 || res.Queue[0].Ref != w.risky.Ref || res.Queue[1].Ref != w.shared.Ref {
			t.Fatalf("Beaconport queue %+v: want the rape allegation, then the other group case", res.Queue)
		}
		if !res.Queue[0].Priority || res.Summary.Excluded[audit.ExReportedPeriod] != 2 || res.Summary.Considered != 4 {
			t.Errorf("priority or summary wrong: %+v %+v", res.Queue[0], res.Summary)
		}
		got := map[string]bool{}
		for _, r := range res.Queue[0].Reasons {
			got[r.Code] = true
		}
		for _, want := range []string{audit.ReasonNFANamedSuspect, audit.ReasonSuspectNotInterviewed, audit.ReasonActionsOpenAtClosure,
			audit.ReasonSelfApproved, audit.ReasonVictimNotTold, audit.ReasonVictimAccountNotTaken, audit.ReasonSuspectShared} {
			if !got[want] {
				t.Errorf("the risky case lacks reason %s: %+v", want, res.Queue[0].Reasons)
			}
		}
		if res.Queue[0].Score != audit.Total(res.Queue[0].Reasons) || !res.Queue[0].HighRisk {
			t.Errorf("score %d is not the sum of its reasons or not high-risk", res.Queue[0].Score)
		}
		routine, err := svc.Triage(ctx, f.Manager, service.TriageRequest{Preset: audit.PresetRoutine, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if routine.Total != 4 || len(routine.Queue) != 3 || routine.Queue[0].Ref != w.risky.Ref {
			t.Errorf(
				"routine queue: total %d, %d shown, first %s",
				routine.Total,
				len(routine.Queue),
				routine.Queue[0].Ref,
			)
		}
		if _, err := svc.Triage(ctx, f.External, service.TriageRequest{Criteria: &domain.AuditCriteria{Name: "mine", Outcomes: []string{"15", "16"}}}); err != nil {
			t.Errorf("an inspector's own criteria: %v", err)
		}
		for _, a := range []*service.Actor{f.Investigator, f.Supervisor, f.Analyst, f.Admin, f.Liaison} {
			if _, err := svc.Triage(ctx, a, service.TriageRequest{}); !errors.Is(err, service.ErrForbidden) {
				t.Errorf("%s triaged: %v", a.User.Username, err)
			}
		}
		_, err = svc.Triage(
			ctx,
			f.Auditor,
			service.TriageRequest{Criteria: &domain.AuditCriteria{ClosedFrom: "2026-13-01", Outcomes: []string{"99"}}},
		)
		if got := strings.Join(problemRules(t, err), ","); got != "date,outcome_code" {
			t.Errorf("bad criteria refused with %s", got)
		}
	})
}

// TestAuditEndToEnd runs an audit through: plan and sample (recorded in
// the ledger, reproducible from its seed), assignment with conflicts of
// interest refused, reviews whose findings reopen the case, refer it to
// professional standards and recommend victim contact — each a duty with a
// deadline until answered — a second reviewer's sign-off of a "no
// concerns" review of a high-risk case, and the report and export.
func TestAuditEndToEnd(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newAuditWorld(t, db)
		f, svc := w.f, w.svc
		plan := service.NewAudit{
			Name:       "March 2026 closures",
			ClosedFrom: "2026-03-01",
			ClosedTo:   "2026-03-31",
			Margin:     0.45,
			Seed:       "holdfast-test",
			RiskTop:    1,
		}

		// Only auditors plan audits; a plan with problems lists them all.
		for _, a := range []*service.Actor{f.Investigator, f.Manager, f.External, f.Admin} {
			if _, err := svc.CreateAudit(ctx, a, plan); !errors.Is(err, service.ErrForbidden) {
				t.Errorf("%s planned an audit: %v", a.User.Username, err)
			}
		}
		_, err := svc.CreateAudit(
			ctx,
			f.Auditor,
			service.NewAudit{Preset: "national", Margin: 2, ClosedTo: "31/03/2026"},
		)
		if got := strings.Join(problemRules(t, err), ","); got != "one_of,date,required,range" {
			t.Errorf("bad plan refused with %s", got)
		}
		empty := plan
		empty.ClosedFrom, empty.ClosedTo = "2025-01-01", "2025-01-31"
		if got := problemRules(t, func() error { _, err := svc.CreateAudit(ctx, f.Auditor, empty); return err }()); !slices.Contains(
			got,
			"empty_population",
		) {
			t.Errorf("an audit of nothing: %v", got)
		}

		before, _ := db.LatestSeq(ctx)
		au, err := svc.CreateAudit(ctx, f.Auditor, plan)
		if err != nil {
			t.Fatal(err)
		}
		if after, _ := db.LatestSeq(ctx); after != before+1 {
			t.Fatalf("planning an audit wrote %d events, want the one that records it", after-before)
		}
		// ±45% of 4 cases: n₀ = 4.74, corrected to 2.45, so 3 at random
		// and the riskiest of the rest.
		if au.Population != 4 || au.SampleSize != 3 || len(au.Cases) != 4 {
			t.Fatalf("population %d, sample %d, cases %d: want 4, 3, 4", au.Population, au.SampleSize, len(au.Cases))
		}
		pop := []string{w.clean.Ref, w.sueCase.Ref, w.risky.Ref, w.shared.Ref}
		want := audit.Draw("holdfast-test", pop, 3)
		var drawn []string
		for _, ac := range au.Cases[:3] {
			drawn = append(drawn, ac.Ref)
			if ac.Drawn != domain.DrawnRandom {
				t.Errorf("%s drawn %s", ac.Ref, ac.Drawn)
			}
		}
		if !slices.Equal(drawn, want) || au.Cases[3].Drawn != domain.DrawnRisk ||
			au.PopulationHash != audit.PopulationHash(pop) {
			t.Fatalf(
				"sample %v (+%s by %s), want %v by the documented draw",
				drawn,
				au.Cases[3].Ref,
				au.Cases[3].Drawn,
				want,
			)
		}
		// The plan, seed and sample are in the ledger.
		evs, err := db.CaseEvents(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		var rec domain.AuditCreated
		if last.Type != domain.EvAuditCreated || json.Unmarshal(last.Payload, &rec) != nil ||
			rec.Audit.Seed != "holdfast-test" ||
			len(rec.Audit.Cases) != 4 ||
			last.Actor != f.Auditor.ID() {
			t.Fatalf(
				"the last force-level event is %s by %s, want the audit with its seed and sample",
				last.Type,
				last.Actor,
			)
		}
		// The same seed draws the same sample; without one, a seed is made and recorded.
		again, err := svc.CreateAudit(ctx, f.Auditor, plan)
		if err != nil {
			t.Fatal(err)
		}
		for i := range au.Cases {
			if again.Cases[i].Ref != au.Cases[i].Ref {
				t.Fatalf("the same seed drew a different sample")
			}
		}
		noSeed := plan
		noSeed.Seed = ""
		if third, err := svc.CreateAudit(ctx, f.Auditor, noSeed); err != nil || len(third.Seed) != 16 {
			t.Fatalf("an audit without a seed: %v, seed %q", err, third.Seed)
		}

		// Conflicts of interest: every reason is listed.
		_, err = svc.AssignReview(ctx, f.Auditor, service.AssignReview{
			Audit: au.ID, Case: w.clean.ID, Reviewer: f.Investigator.ID()})
		if got := strings.Join(problemRules(t, err), ","); got != "not_auditor,coi_owner,coi_proposer,coi_enquiries" &&
			got != "not_auditor,coi_owner,coi_proposer" {
			t.Errorf("assigning the owner and proposer refused with %s", got)
		}
		_, err = svc.AssignReview(ctx, f.Auditor, service.AssignReview{
			Audit: au.ID, Case: w.sueCase.ID, Reviewer: w.sue.ID()})
		if got := problemRules(t, err); !slices.Equal(got, []string{"coi_supervisor"}) {
			t.Errorf("assigning the supervisor who reviewed it refused with %v", got)
		}
		_, err = svc.AssignReview(ctx, f.Auditor, service.AssignReview{
			Audit: au.ID, Case: w.clean.ID, Reviewer: f.Inspector.ID()})
		// The inspector held the closure_approval duty, then approved.
		if got := strings.Join(problemRules(t, err), ","); got != "not_auditor,coi_supervisor,coi_approver" {
			t.Errorf("assigning the approver refused with %s", got)
		}
		if _, err := svc.AssignReview(ctx, f.Manager, service.AssignReview{
			Audit: au.ID, Case: w.clean.ID, Reviewer: w.auditor2.ID()}); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("a manager assigned a review: %v", err)
		}
		// Assignments are serialised: the same one sent at once succeeds once.
		var wg sync.WaitGroup
		var mu sync.Mutex
		okCount := 0
		for range 6 {
			wg.Go(func() {
				if _, err := svc.AssignReview(ctx, f.Auditor, service.AssignReview{
					Audit: au.ID, Case: w.clean.ID, Reviewer: w.auditor2.ID()}); err == nil {
					mu.Lock()
					okCount++
					mu.Unlock()
				} else if p, _ := domain.AsProblems(err); len(p) != 1 || p[0].Rule != "already_assigned" {
					t.Errorf("a concurrent assignment failed with %v", err)
				}
			})
		}
		wg.Wait()
		if okCount != 1 {
			t.Fatalf("%d of 6 identical assignments succeeded, want 1", okCount)
		}
		must := func(ac *domain.AuditCase, err error) *domain.AuditCase {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return ac
		}
		must(svc.AssignReview(ctx, f.Auditor, service.AssignReview{
			Audit: au.ID, Case: w.risky.ID, Reviewer: f.Auditor.ID()}))
		must(svc.AssignReview(ctx, f.Auditor, service.AssignReview{
			Audit: au.ID, Case: w.shared.ID, Reviewer: w.auditor2.ID()}))
		must(svc.AssignReview(ctx, f.Auditor, service.AssignReview{
			Audit: au.ID, Case: w.sueCase.ID, Reviewer: f.Auditor.ID()}))

		// Reviews: only the assigned reviewer; concerns need findings.
		noConcerns := domain.ReviewForm{
			VictimAccount:    domain.AccountBestPractice,
			SuspectsPursued:  domain.PursuedNoSuspects,
			OutcomeJustified: domain.JustifiedYes,
			Summary:          "Closure justified: every line followed, the victim heard and told",
		}
		if _, err := svc.SubmitReview(ctx, f.Auditor, service.ReviewSubmission{
			Audit: au.ID, Case: w.clean.ID, Form: noConcerns}); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("a reviewer not assigned submitted a review: %v", err)
		}
		bad := domain.ReviewForm{
			LinesMissed:      []string{"Suspects' phones never downloaded"},
			VictimAccount:    "partial",
			SuspectsPursued:  domain.PursuedNone,
			OutcomeJustified: domain.JustifiedNo,
		}
		_, err = svc.SubmitReview(ctx, f.Auditor, service.ReviewSubmission{Audit: au.ID, Case: w.risky.ID, Form: bad})
		if got := strings.Join(problemRules(t, err), ","); got != "one_of,required,finding_required" {
			t.Errorf("a review with concerns and no findings refused with %s", got)
		}

		// The risky case: three findings, each with an action.
		bad.VictimAccount = domain.AccountNotTaken
		bad.Summary = "No further action taken with named suspects never interviewed"
		rev := service.ReviewSubmission{Form: bad, Findings: []service.NewAuditFinding{
			{
				Kind:     "lines_of_enquiry_missed",
				Severity: domain.SeverityHigh,
				Detail:   "The suspects' phones were never downloaded",
				Action:   domain.ActionReopen,
			},
			{
				Kind:     "suspect_not_pursued",
				Severity: domain.SeverityMedium,
				Detail:   "Closed as self-approved with named suspects not interviewed",
				Action:   domain.ActionProfessionalStandards,
			},
			{
				Kind:     "victim_not_updated",
				Severity: domain.SeverityMedium,
				Detail:   "Neither victim was told of the decision",
				Action:   domain.ActionVictimContact,
			},
		}}
		rev.Audit, rev.Case = au.ID, w.risky.ID
		ac := must(svc.SubmitReview(ctx, f.Auditor, rev))
		if ac.Status != domain.AuditCaseComplete || len(ac.Review.Findings) != 3 || !ac.Review.InError() {
			t.Fatalf("a review with concerns completes: %+v", ac)
		}
		org, _ := db.Org(ctx)
		risky, _ := db.Case(ctx, w.risky.ID)
		if risky.Status != domain.StatusOpen || risky.Reopened != 1 {
			t.Fatalf("a reopen finding must reopen the case: %s, reopened %d", risky.Status, risky.Reopened)
		}
		riskyEvs, _ := db.CaseEvents(ctx, risky.ID)
		var route string
		for _, e := range riskyEvs {
			if e.Type == domain.EvCaseReopened {
				var p domain.CaseReopened
				json.Unmarshal(e.Payload, &p)
				route = p.Route
			}
		}
		if route != "audit" {
			t.Errorf("reopened by route %q, want the workflow's audit route", route)
		}
		wantWho := map[string]string{
			domain.ActionReopen:                duty.Supervisor(org, f.TeamA),
			domain.ActionProfessionalStandards: duty.Manager(org, f.TeamA, domain.RankInspector),
			domain.ActionVictimContact:         f.Investigator.ID(),
		}
		if wantWho[domain.ActionProfessionalStandards] != f.Inspector.ID() ||
			wantWho[domain.ActionReopen] != f.Supervisor.ID() {
			t.Fatalf(
				"fixture changed: manager %s, supervisor %s",
				wantWho[domain.ActionProfessionalStandards],
				wantWho[domain.ActionReopen],
			)
		}
		due := svc.Policy().Due(duty.FindingResponse, f.Clock.Now(), svc.Calendar())
		for _, fd := range ac.Review.Findings {
			cf := caseFinding(risky, fd.ID)
			d := dutyFor(risky, fd.ID)
			if cf == nil || !domain.IsAuditFinding(cf.Kind) || cf.MustAct != wantWho[fd.Action] ||
				!strings.Contains(cf.Detail, fd.Detail) {
				t.Errorf("finding %s (%s) on the case: %+v", fd.ID, fd.Action, cf)
			}
			if d == nil || d.Status != domain.DutyOpen || d.Accountable != wantWho[fd.Action] || !d.Due.Equal(due) {
				t.Errorf(
					"finding %s (%s) must be a duty of %s due %v: %+v",
					fd.ID,
					fd.Action,
					wantWho[fd.Action],
					due,
					d,
				)
			}
		}
		if openDuty(risky, duty.SupervisoryReview) == nil {
			t.Errorf("the reopened case owes a supervisory review again: %+v", risky.Duties)
		}
		// A reopen finding on a case that is no longer closed is refused
		// by the reopening gate; nothing is written.
		must(svc.AssignReview(ctx, f.Auditor, service.AssignReview{
			Audit: again.ID, Case: w.risky.ID, Reviewer: f.Auditor.ID()}))
		before, _ = db.LatestSeq(ctx)
		rev.Audit = again.ID
		_, err = svc.SubmitReview(ctx, f.Auditor, rev)
		if got := problemRules(t, err); !slices.Contains(got, "reopen_reason") {
			t.Errorf("reopening an open case: %v", got)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("a refused review wrote %d events", after-before)
		}

		// Answering: the person named, or a supervisor or manager in the chain.
		psd, vc := ac.Review.Findings[1], ac.Review.Findings[2]
		if _, err := svc.AnswerFinding(ctx, f.Investigator, risky.ID, service.AnswerFinding{
			Version: risky.Version,
			Finding: psd.ID,
			Answer:  "Referred to PSD today",
		}); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("the investigator answered the manager's finding: %v", err)
		}
		risky = ok(t)(svc.AnswerFinding(ctx, f.Investigator, risky.ID, service.AnswerFinding{
			Version: risky.Version,
			Finding: vc.ID,
			Answer:  "Both victims visited and told of the decision and the reopening",
		}))
		if d := dutyFor(risky, vc.ID); d.Status != domain.DutyMet || caseFinding(risky, vc.ID).Resolved.IsZero() {
			t.Errorf("answering must resolve the finding and meet its duty: %+v", d)
		}
		if n := risky.Notes[len(risky.Notes)-1]; n.Author != f.Investigator.ID() ||
			!strings.Contains(n.Text, "Both victims visited") {
			t.Errorf("the answer is not kept as a note: %+v", n)
		}
		risky = ok(t)(svc.AnswerFinding(ctx, f.Inspector, risky.ID, service.AnswerFinding{
			Version: risky.Version,
			Finding: psd.ID,
			Answer:  "Referred to the professional standards department, ref PSD/26/114",
		}))
		_, err = svc.AnswerFinding(ctx, f.Inspector, risky.ID, service.AnswerFinding{
			Version: risky.Version, Finding: psd.ID, Answer: "Referred again"})
		if got := problemRules(t, err); !slices.Contains(got, "answered") {
			t.Errorf("answering twice: %v", got)
		}

		// A "no concerns" review of a high-risk case waits for a second
		// reviewer, who is not its author; disagreeing sends it back.
		form := noConcerns
		form.SuspectsPursued = domain.PursuedAll
		ac = must(svc.SubmitReview(ctx, w.auditor2, service.ReviewSubmission{
			Audit: au.ID, Case: w.shared.ID, Form: form}))
		if !ac.HighRisk || ac.Status != domain.AuditCaseAwaitingSignOff {
			t.Fatalf("a no-concerns review of a high-risk case: %s (high risk %v)", ac.Status, ac.HighRisk)
		}
		_, err = svc.SignOff(ctx, w.auditor2, service.SignOff{Audit: au.ID, Case: w.shared.ID, Agree: true, Note: ""})
		if got := problemRules(t, err); !slices.Equal(got, []string{"second_reviewer"}) {
			t.Errorf("signing off one's own review: %v", got)
		}
		_, err = svc.SignOff(ctx, f.Auditor, service.SignOff{Audit: au.ID, Case: w.shared.ID, Agree: false, Note: ""})
		if got := problemRules(t, err); !slices.Equal(got, []string{"required"}) {
			t.Errorf("sending back without a note: %v", got)
		}
		ac = must(svc.SignOff(ctx, f.Auditor, service.SignOff{
			Audit: au.ID,
			Case:  w.shared.ID,
			Agree: false,
			Note:  "Suspect Adam Smith is shared with the risky case: look again",
		}))
		if ac.Status != domain.AuditCaseAssigned || ac.Review != nil || len(ac.Returned) != 1 ||
			ac.Reviewer != w.auditor2.ID() {
			t.Fatalf("a returned review goes back to its reviewer: %+v", ac)
		}
		must(svc.SubmitReview(ctx, w.auditor2, service.ReviewSubmission{
			Audit: au.ID, Case: w.shared.ID, Form: form}))
		ac = must(svc.SignOff(ctx, f.Auditor, service.SignOff{
			Audit: au.ID, Case: w.shared.ID, Agree: true, Note: "Agreed"}))
		if ac.Status != domain.AuditCaseComplete || len(ac.SignOffs) != 2 {
			t.Fatalf("an agreed sign-off completes the review: %+v", ac)
		}
		// A low-risk case's "no concerns" review completes at once; a
		// low finding is not an error.
		ac = must(svc.SubmitReview(ctx, w.auditor2, service.ReviewSubmission{
			Audit: au.ID, Case: w.clean.ID, Form: noConcerns}))
		if ac.HighRisk || ac.Status != domain.AuditCaseComplete {
			t.Fatalf("a no-concerns review of a low-risk case: %+v", ac)
		}
		ac = must(svc.SubmitReview(ctx, f.Auditor, service.ReviewSubmission{
			Audit: au.ID, Case: w.sueCase.ID, Form: noConcerns,
			Findings: []service.NewAuditFinding{
				{
					Kind:     "recording",
					Severity: domain.SeverityLow,
					Detail:   "The decision log entry was written up two days late",
				},
			}}))
		if ac.Review.InError() || ac.Status != domain.AuditCaseComplete {
			t.Fatalf("a low finding on a justified outcome: %+v", ac)
		}
		if _, err := svc.SubmitReview(ctx, f.Auditor, service.ReviewSubmission{
			Audit: au.ID, Case: w.sueCase.ID, Form: noConcerns}); err == nil {
			t.Fatal("a completed review was submitted again")
		}

		// The report: progress, findings by kind, actions, reopened cases
		// and the error rate over the random sample with its interval.
		for _, a := range []*service.Actor{f.Investigator, f.Supervisor, f.Analyst, f.Admin} {
			if _, err := svc.AuditReport(ctx, a, au.ID); !errors.Is(err, service.ErrForbidden) {
				t.Errorf("%s read the report: %v", a.User.Username, err)
			}
		}
		var rep *service.AuditReport
		for _, a := range []*service.Actor{f.Auditor, f.Manager, f.External} {
			if rep, err = svc.AuditReport(ctx, a, au.ID); err != nil {
				t.Fatalf("%s: %v", a.User.Username, err)
			}
		}
		if p := rep.Progress; p.Cases != 4 || p.Complete != 4 || len(p.ByReviewer) != 2 {
			t.Errorf("progress %+v", p)
		}
		x, n := 0, 0
		final, err := svc.Audit(ctx, f.Auditor, au.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range final.Cases {
			if c.Drawn == domain.DrawnRandom {
				n++
				if c.Review.InError() {
					x++
				}
			}
		}
		if rep.ErrorRate != audit.NewRate(x, n) || n != 3 {
			t.Errorf("error rate %+v, want %d of %d with its Wilson interval", rep.ErrorRate, x, n)
		}
		if len(rep.ByTeam) != 1 || rep.ByTeam[0].Name != "CSE Team North" || rep.ByTeam[0].Rate != rep.ErrorRate {
			t.Errorf("by team %+v", rep.ByTeam)
		}
		total := 0
		for _, g := range rep.ByOutcome {
			total += g.Rate.Reviewed
		}
		if total != 3 || len(rep.ByOutcome) < 2 {
			t.Errorf("by outcome %+v", rep.ByOutcome)
		}
		kinds := map[string]service.FindingCount{}
		for _, fc := range rep.Findings {
			kinds[fc.Kind] = fc
		}
		if kinds["lines_of_enquiry_missed"].High != 1 || kinds["recording"].Low != 1 || len(kinds) != 4 {
			t.Errorf("findings by kind %+v", rep.Findings)
		}
		answered := 0
		for _, fa := range rep.Actions {
			if !fa.Answered.IsZero() {
				answered++
			}
			if fa.Overdue || !fa.Due.Equal(due) {
				t.Errorf("action %+v", fa)
			}
		}
		if len(rep.Actions) != 3 || answered != 2 {
			t.Errorf("actions %+v", rep.Actions)
		}
		if len(rep.Reopened) != 1 || rep.Reopened[0].Case != w.risky.Ref ||
			rep.Reopened[0].StatusNow != domain.StatusOpen {
			t.Errorf("reopened %+v", rep.Reopened)
		}
		// Ten working days on, the unanswered action is overdue.
		f.Clock.Advance(15 * 24 * time.Hour)
		rep, _ = svc.AuditReport(ctx, f.Manager, au.ID)
		overdue := 0
		for _, fa := range rep.Actions {
			if fa.Overdue {
				overdue++
			}
		}
		if overdue != 1 {
			t.Errorf("%d overdue actions, want the unanswered one", overdue)
		}

		// The export: a header and one row per case.
		rows, err := svc.AuditCSV(ctx, f.External, au.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 5 || !slices.Equal(rows[0], service.AuditCSVHeader) {
			t.Fatalf("export %v", rows)
		}
		for _, r := range rows[1:] {
			if len(r) != len(service.AuditCSVHeader) {
				t.Fatalf("row %v has %d cells", r, len(r))
			}
			if r[1] == w.risky.Ref &&
				(r[17] != "Yes" || !strings.Contains(r[16], "Lines of enquiry missed (high severity): reopen the case") ||
					r[19] != "Open") {
				t.Errorf("risky row %v", r)
			}
		}
		list, err := svc.Audits(ctx, f.Manager)
		if err != nil || len(list) != 3 || list[2].ID != au.ID || list[2].Complete != 4 {
			t.Errorf("audits %+v %v", list, err)
		}

		// A case reviewed in a completed audit has been independently
		// reviewed: Beaconport's queue leaves it out now.
		res, err := svc.Triage(ctx, f.Auditor, service.TriageRequest{Preset: audit.PresetBeaconport})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Queue) != 0 || res.Summary.Excluded[audit.ExReviewed] != 1 {
			t.Errorf("Beaconport queue after the audit: %+v %+v", res.Queue, res.Summary)
		}

		// The record is still the fold of its log.
		if _, diff, err := replay.Compare(ctx, db); err != nil || diff != nil {
			t.Fatalf("projection differs from the log: %v %v", diff, err)
		}
	})
}
