package service_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

func ok(t *testing.T) func(*domain.Case, error) *domain.Case {
	return func(c *domain.Case, err error) *domain.Case {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

func openDuty(c *domain.Case, kind string) *domain.Duty {
	for i := range c.Duties {
		if c.Duties[i].Kind == kind && c.Duties[i].Status == domain.DutyOpen {
			return &c.Duties[i]
		}
	}
	return nil
}

func rules(p domain.Problems) []string {
	var out []string
	for _, x := range p {
		out = append(out, x.Rule)
	}
	return out
}

// TestCaseLifecycle runs the whole life of a case — referral, allocation,
// actions, victim contacts, reviews, a transfer, a refused closure, an
// approved closure, a Right to Review that reopens it — checking that each
// step opens and meets the duties it should and the gates refuse what the
// reviews found.
func TestCaseLifecycle(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		svc := f.Svc
		c := f.Referral(t)
		if d := openDuty(c, duty.AllocateReferral); d == nil || d.Accountable != f.Supervisor.ID() {
			t.Fatalf("a new referral must owe allocation by the team supervisor: %+v", c.Duties)
		}
		c = ok(t)(svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{Version: c.Version,
			OwnerID: f.Investigator.ID(), Reason: "allocation"}))
		if openDuty(c, duty.AllocateReferral) != nil || openDuty(c, duty.SupervisoryReview) == nil ||
			openDuty(c, duty.InvestigationPlan) == nil {
			t.Fatalf("allocation must meet the allocation duty and open review and plan duties: %+v", c.Duties)
		}
		c = ok(t)(svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A",
			DateOfBirth: "2011-03-02"}))
		v := c.Victims[0]
		if !v.Enhanced || openDuty(c, duty.FirstVictimContact) == nil {
			t.Fatalf("a child victim is enhanced and owed first contact: %+v", c.Duties)
		}
		c = ok(t)(svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Adult X"}))
		sx := c.Suspects[0]
		c = ok(t)(svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
			Title: "Download victim's phone"}))
		act := c.Actions[0]
		c = ok(
			t,
		)(
			svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version, Action: act.ID,
				To: f.Investigator2.ID()}),
		)
		if d := openDuty(c, duty.ActionTarget); d == nil || d.Accountable != f.Investigator2.ID() {
			t.Fatalf("an allocated action is a duty of its officer: %+v", c.Duties)
		}

		// Closing now is refused with every reason, and writes nothing.
		before, _ := db.LatestSeq(ctx)
		_, err := svc.ProposeClosure(
			ctx,
			f.Investigator,
			c.ID,
			service.ClosureProposal{Version: c.Version, Outcome: "15"},
		)
		p, isProblems := domain.AsProblems(err)
		if !isProblems {
			t.Fatalf("want a refusal listing problems, got %v", err)
		}
		got := strings.Join(rules(p), ",")
		for _, want := range []string{"rationale", "actions_filed", "suspects_pursued", "victim_account", "victim_contact", "supervised", "victim_view"} {
			if !strings.Contains(got, want) {
				t.Errorf("refusal lacks rule %s: %v", want, p)
			}
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("a refused closure wrote %d events", after-before)
		}

		// Do the work.
		c = ok(t)(svc.ResultAction(ctx, f.Investigator2, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
			Version: c.Version, Action: act.ID,
			Result: "Messages recovered; suspect's number identified"}))
		if _, err := svc.FileAction(ctx, f.Investigator2, c.ID, service.FileAction{Version: c.Version,
			Action: act.ID}); err == nil {
			t.Fatal("the officer who resulted an action filed it: a second pair of eyes is required")
		}
		c = ok(t)(svc.FileAction(ctx, f.Supervisor, c.ID, service.FileAction{Version: c.Version, Action: act.ID}))
		c = ok(t)(svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v.ID,
			Kind: domain.ContactAccount, Method: "ABE interview", Note: "account recorded"}))
		if openDuty(c, duty.FirstVictimContact) != nil || openDuty(c, duty.VictimUpdate) == nil {
			t.Fatalf("contact must meet first contact and open the next update: %+v", c.Duties)
		}
		c = ok(t)(svc.AgreeContactPlan(ctx, f.Liaison, c.ID, service.AgreeContactPlan{Version: c.Version, Victim: v.ID,
			EveryDays: 14, Method: "phone via mother"}))
		c = ok(t)(svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v.ID,
			Kind: domain.ContactSupportReferral, Method: "phone", Note: "referred to ISVA"}))
		interviewedAt := svc.Now()
		c = ok(
			t,
		)(
			svc.SetSuspectStatus(ctx, f.Investigator, c.ID, service.SetSuspectStatus{Version: c.Version, Suspect: sx.ID,
				Status: domain.SuspectInterviewed}),
		)
		notice := openDuty(c, duty.DecisionNotice)
		if notice == nil {
			t.Fatalf("interviewing a suspect owes the victim word within a working day: %+v", c.Duties)
		}
		// Every victim on a CSE case has enhanced rights (../shared/domain.md §2), so
		// the notice is due within the enhanced period — one working day —
		// from the interview, never the standard five.
		enhanced := svc.Policy().Due("decision_notice_enhanced", interviewedAt, svc.Calendar())
		standard := svc.Policy().Due("decision_notice_standard", interviewedAt, svc.Calendar())
		if !notice.Due.Equal(enhanced) || enhanced.Equal(standard) {
			t.Fatalf(
				"the decision notice to an enhanced victim is due %s; want the enhanced period's %s (interviewed %s; standard would be %s)",
				notice.Due,
				enhanced,
				interviewedAt,
				standard,
			)
		}
		// One working day is at most four calendar days (a bank holiday weekend).
		if !enhanced.After(interviewedAt) || enhanced.After(interviewedAt.AddDate(0, 0, 4)) {
			t.Fatalf("one working day from %s came out as %s", interviewedAt, enhanced)
		}
		c = ok(t)(svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v.ID,
			Kind: domain.ContactDecision, Method: "phone", Note: "told of interview"}))
		c = ok(t)(svc.SetPlan(ctx, f.Investigator, c.ID, service.SetPlan{Version: c.Version,
			Plan: "Secure digital evidence; interview suspect; safeguarding"}))
		c = ok(t)(svc.RecordVictimView(ctx, f.Liaison, c.ID, service.RecordVictimView{Version: c.Version, Victim: v.ID,
			View: "Does not want to go to court now"}))
		c = ok(t)(svc.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
			Summary: "Reviewed: evidential difficulties"}))

		// A transfer: the sender stays accountable until the receiver accepts.
		c = ok(
			t,
		)(
			svc.ProposeTransfer(ctx, f.Investigator, c.ID, service.ProposeTransfer{Version: c.Version, ToTeam: f.TeamB,
				Reason: "suspect lives in the south"}),
		)
		if d := openDuty(c, duty.TransferAccept); d == nil || d.TeamID != f.TeamB {
			t.Fatalf("a transfer is a duty of the receiving team: %+v", c.Duties)
		}
		if c.OwnerID != f.Investigator.ID() {
			t.Fatal("the sender must stay accountable until the transfer is accepted")
		}
		c = ok(t)(svc.RejectTransfer(ctx, f.Inspector, c.ID, service.RejectTransfer{Version: c.Version,
			Reason: "no capacity; keep in north"}))
		if c.TeamID != f.TeamA || c.Transfer != nil {
			t.Fatalf("a rejected transfer returns the case: %+v", c.Transfer)
		}

		rat := domain.Rationale{
			LinesConsidered: "Phone download, suspect interview, CCTV",
			WhyNoneRemain:   "All enquiries complete and filed",
			SuspectsStatus:  "Suspect interviewed, no admissions",
			VictimView:      "Victim does not support a prosecution now",
		}
		c = ok(
			t,
		)(
			svc.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version, Outcome: "15",
				Rationale: rat}),
		)
		// The duty to approve falls on someone who can: outcome 15 with a
		// child victim needs an inspector, so not the team's sergeant.
		if d := openDuty(c, duty.ClosureApproval); d == nil || d.Accountable != f.Inspector.ID() {
			t.Fatalf("closure approval must be the inspector's duty, not the sergeant's: %+v", d)
		}
		// Approval: not the proposer, and a sergeant is below the rank
		// policy needs for outcome 15 with a child victim.
		_, err = svc.ApproveClosure(ctx, f.Supervisor, c.ID, service.ApproveClosure{Version: c.Version})
		if p, _ := domain.AsProblems(err); !strings.Contains(strings.Join(rules(p), ","), "approver_rank") {
			t.Fatalf("a sergeant approved a sensitive closure: %v", err)
		}
		c = ok(t)(svc.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}))
		if c.Status != domain.StatusClosed || c.Closure.VRRUntil.IsZero() {
			t.Fatalf("approval must close and open the review window: %+v", c.Closure)
		}
		if openDuty(c, duty.DecisionNotice) == nil || openDuty(c, duty.SupervisoryReview) != nil {
			t.Fatalf("closure must owe the victim notice and end pre-closure duties: %+v", c.Duties)
		}

		// Victims' Right to Review: the reviewer is senior and independent.
		c = ok(t)(svc.RequestVRR(ctx, f.Liaison, c.ID, service.RequestVRR{Version: c.Version, VictimID: v.ID}))
		if _, err := svc.AcknowledgeVRR(ctx, f.Inspector, c.ID, service.AcknowledgeVRR{Version: c.Version,
			Reviewer: f.Inspector.ID()}); err == nil {
			t.Fatal("the decision-maker was allowed to review their own decision")
		}
		c = ok(t)(svc.AcknowledgeVRR(ctx, f.Inspector, c.ID, service.AcknowledgeVRR{Version: c.Version,
			Reviewer: f.Manager.ID()}))
		c = ok(t)(svc.DecideVRR(ctx, f.Manager, c.ID, service.DecideVRR{Version: c.Version, Decision: "upheld",
			Reasons: "The suspect's phone was not downloaded"}))
		if c.Status != domain.StatusOpen || c.Reopened != 1 || openDuty(c, duty.SupervisoryReview) == nil {
			t.Fatalf("an upheld review must reopen the case with duties: %s %+v", c.Status, c.Duties)
		}

		// The record is still the fold of its log.
		_, diff, err := replay.Compare(ctx, db)
		if err != nil || diff != nil {
			t.Fatalf("projection differs from the log: %v %v", diff, err)
		}
		_ = time.Second
	})
}

// TestWaiverNeedsSupervisorReasonAndNeverTheLastDuty: a supervisor may
// waive a duty with a reason that stays in the record; the duty is not
// opened again for the same cycle; an open case's last duty cannot go.
func TestWaiverNeedsSupervisorReasonAndNeverTheLastDuty(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		c := f.Allocated(t)
		plan := openDuty(c, duty.InvestigationPlan)
		// Supervision is never waived: it is what keeps an open case owing
		// something, and its absence is the failure Holdfast exists for.
		if review := openDuty(c, duty.SupervisoryReview); review == nil {
			t.Fatal("an allocated case owes a supervisory review")
		} else if _, err := svc.WaiveDuty(ctx, f.Supervisor, c.ID, service.WaiveDuty{Version: c.Version, Duty: review.ID,
			Reason: "busy"}); !slices.Contains(rules(mustProblems(t, err)), "not_waivable") {
			t.Fatalf("a supervisory review was waived: %v", err)
		}
		if _, err := svc.WaiveDuty(ctx, f.Investigator, c.ID, service.WaiveDuty{Version: c.Version, Duty: plan.ID,
			Reason: "no need"}); !errors.Is(err, service.ErrForbidden) {
			t.Fatalf("an investigator waived a duty: %v", err)
		}
		_, err := svc.WaiveDuty(
			ctx,
			f.Supervisor,
			c.ID,
			service.WaiveDuty{Version: c.Version, Duty: plan.ID, Reason: " "},
		)
		if p, _ := domain.AsProblems(err); len(p) != 1 || p[0].Field != "reason" {
			t.Fatalf("a waiver without a reason: %v", err)
		}
		c = ok(t)(svc.WaiveDuty(ctx, f.Supervisor, c.ID, service.WaiveDuty{Version: c.Version, Duty: plan.ID,
			Reason: "Plan agreed at the strategy meeting"}))
		if d := c.Duty(plan.ID); d.Status != domain.DutyWaived || d.Reason != "Plan agreed at the strategy meeting" {
			t.Fatalf("waived duty: %+v", d)
		}
		if openDuty(c, duty.InvestigationPlan) != nil {
			t.Fatal("the waived duty was opened again for the same cycle")
		}
		c = ok(t)(svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version, Text: "a later command"}))
		if openDuty(c, duty.InvestigationPlan) != nil {
			t.Fatal("a later command reopened the waived duty")
		}
		last := c.OpenDuties()
		if len(last) != 1 {
			t.Fatalf("want one open duty left, have %+v", last)
		}
		_, err = svc.WaiveDuty(ctx, f.Supervisor, c.ID, service.WaiveDuty{Version: c.Version, Duty: last[0].ID,
			Reason: "tidy up"})
		if p, _ := domain.AsProblems(err); len(p) != 1 || p[0].Rule != "last_duty" {
			t.Fatalf("waiving the last duty: %v", err)
		}
	})
}

// TestStandardActionsOfferedAtOpen: a new case is offered the policy's
// standard actions; raising one by its key takes the library's title and
// priority, and it is no longer offered (nor can it be raised twice).
func TestStandardActionsOfferedAtOpen(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Referral(t)
		offered := f.Svc.OfferedActions(c)
		if len(offered) != len(f.Svc.Policy().StandardActions) || len(offered) < 5 {
			t.Fatalf(
				"a new case is offered %d standard actions, want the policy's %d",
				len(offered),
				len(f.Svc.Policy().StandardActions),
			)
		}
		first := offered[0]
		c = ok(
			t,
		)(
			f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version, Standard: first.Key}),
		)
		a := c.Actions[len(c.Actions)-1]
		if a.Title != first.Title || a.Priority != first.Priority || a.Standard != first.Key {
			t.Fatalf("raised %+v, want the library's %+v", a, first)
		}
		for _, o := range f.Svc.OfferedActions(c) {
			if o.Key == first.Key {
				t.Fatal("a raised standard action is still offered")
			}
		}
		_, err := f.Svc.RaiseAction(
			ctx,
			f.Investigator,
			c.ID,
			service.NewAction{Version: c.Version, Standard: first.Key},
		)
		if p, _ := domain.AsProblems(err); len(p) == 0 || p[0].Rule != "already_raised" {
			t.Fatalf("raising it twice: %v", err)
		}
		_, err = f.Svc.RaiseAction(
			ctx,
			f.Investigator,
			c.ID,
			service.NewAction{Version: c.Version, Standard: "no_such"},
		)
		if p, _ := domain.AsProblems(err); len(p) == 0 || p[0].Field != "standard" {
			t.Fatalf("an unknown standard action: %v", err)
		}
	})
}

// Victim updates follow the agreed frequency: an update contact meets the
// victim_update duty owed and opens the next one, due the agreed number of
// days after the contact; with no plan agreed, after policy's default
// period (victim_update in internal/policy/default.yaml).
func TestVictimUpdatesFollowTheAgreedFrequency(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		svc := f.Svc
		withVictim := func() (*domain.Case, string) {
			c := f.Allocated(t)
			c = ok(t)(svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child A",
				DateOfBirth: "2011-03-02"}))
			vid := c.Victims[0].ID
			c = ok(t)(svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: vid,
				Kind: domain.ContactAccount, Method: "ABE interview", Note: "account recorded"}))
			return c, vid
		}
		// update records an update contact a few days on and checks the
		// duty it met and the one it opened.
		update := func(c *domain.Case, vid string, wantDue func(at time.Time) time.Time) *domain.Duty {
			t.Helper()
			prev := openDuty(c, duty.VictimUpdate)
			if prev == nil {
				t.Fatalf("no victim update owed before the update: %+v", c.Duties)
			}
			f.Clock.Advance(3 * 24 * time.Hour)
			c = ok(t)(svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: vid,
				Kind: domain.ContactUpdate, Method: "phone", Note: "told of progress"}))
			at := c.Victims[0].LastContact()
			if c.Duty(prev.ID) != nil {
				t.Errorf("the update owed (%s) is still in the document after the update", prev.ID)
			}
			met := false
			for _, d := range c.ClosedDuties { // closed by this command (Case.ClosedDuties)
				met = met || d.ID == prev.ID && d.Status == domain.DutyMet
			}
			if !met {
				t.Errorf("the update owed (%s) is not met after the update: %+v", prev.ID, c.ClosedDuties)
			}
			next := openDuty(c, duty.VictimUpdate)
			if next == nil || next.ID == prev.ID || next.Subject != vid || next.Accountable != f.Investigator.ID() {
				t.Fatalf("the update must open the next one, owed by the owner: %+v", next)
			}
			if want := wantDue(at).UTC(); !next.Due.Equal(want) {
				t.Errorf("next update due %s, want %s", next.Due, want)
			}
			return next
		}

		agreed, vid := withVictim()
		agreed = ok(t)(svc.AgreeContactPlan(ctx, f.Liaison, agreed.ID, service.AgreeContactPlan{Version: agreed.Version,
			Victim: vid, EveryDays: 14, Method: "phone via mother"}))
		update(agreed, vid, func(at time.Time) time.Time { return at.AddDate(0, 0, 14) })

		plain, vid := withVictim()
		pol := svc.Policy()
		if pol.Duties[duty.VictimUpdate].Within.String() == "" {
			t.Fatal("policy sets no default victim update period")
		}
		next := update(
			plain,
			vid,
			func(at time.Time) time.Time { return pol.Due(duty.VictimUpdate, at, svc.Calendar()) },
		)
		if next.Due.Equal(next.Opened.AddDate(0, 0, 14)) {
			t.Errorf(
				"with no plan the default period (%s) applies, not an agreed 14 days: due %s",
				pol.Duties[duty.VictimUpdate].Within,
				next.Due,
			)
		}
	})
}

func mustProblems(t *testing.T, err error) domain.Problems {
	t.Helper()
	p, ok := domain.AsProblems(err)
	if !ok {
		t.Fatalf("want a refusal listing problems, got %v", err)
	}
	return p
}
