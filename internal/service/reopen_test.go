package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// toldOfClosure is a case closed by the book whose victim has been told of
// the closure: nothing is owed on it.
func toldOfClosure(t *testing.T, f *fixture.Force) *domain.Case {
	t.Helper()
	c := closedWithVictim(t, f, f.Supervisor, auditRationale)
	return ok(t)(f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version,
		Victim: c.Victims[0].ID, Kind: domain.ContactDecision, Method: "phone", Note: "told of the closure"}))
}

// acknowledgedVRR records the victim's request for a review of c's closure
// and names the manager its reviewer.
func acknowledgedVRR(t *testing.T, f *fixture.Force, c *domain.Case) *domain.Case {
	t.Helper()
	in := service.RequestVRR{Version: c.Version, VictimID: c.Victims[0].ID,
		Grounds: "The suspects were never interviewed"}
	if f.Clock.Now().After(c.Closure.VRRUntil) {
		in.LateReason = "Accepted: the victim was not told how to ask in time"
	}
	c = ok(t)(f.Svc.RequestVRR(ctx, f.Liaison, c.ID, in))
	return ok(t)(f.Svc.AcknowledgeVRR(ctx, f.Inspector, c.ID, service.AcknowledgeVRR{Version: c.Version,
		Reviewer: f.Manager.ID()}))
}

// The tester's fault: a Victims' Right to Review decided "not upheld" left
// the case owing nothing, though the form promised the victim would be
// told. Either decision now owes the victim who asked word of it, within
// the Victims' Code's time, from someone serving; recording the contact
// meets it.
func TestVRRDecisionOwesTheVictimWordOfIt(t *testing.T) {
	for _, decision := range []string{"not_upheld", "upheld"} {
		t.Run(decision, func(t *testing.T) {
			testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
				f := fixture.New(t, db)
				c := acknowledgedVRR(t, f, toldOfClosure(t, f))
				vid := c.Victims[0].ID
				f.Clock.Advance(3 * 24 * time.Hour)
				now := f.Clock.Now()
				c = ok(t)(f.Svc.DecideVRR(ctx, f.Manager, c.ID, service.DecideVRR{Version: c.Version,
					Decision: decision, Reasons: "The suspects' refusal to answer was weighed properly"}))
				var notice *domain.Duty
				for _, d := range c.OpenDuties() {
					if d.Kind == duty.DecisionNotice && d.Subject == vid {
						notice = &d
					}
				}
				if notice == nil {
					t.Fatalf("after a %s review the victim is owed no word of it: %+v", decision, c.OpenDuties())
				}
				org, err := db.Org(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if u := org.Users[notice.Accountable]; u == nil || !u.Active {
					t.Errorf("the notice is owed by %q, not a serving officer", notice.Accountable)
				}
				// A child victim: enhanced, so one working day from the decision.
				pol := f.Svc.Policy()
				if want := pol.Due("decision_notice_enhanced", now, f.Svc.Calendar()); !notice.Due.After(now) ||
					!notice.Due.Equal(want) {
					t.Errorf("the notice is due %s, want %s", notice.Due, want)
				}
				if n := c.Victims[0].NoticeDue; n == nil || len(n.Each) != 1 ||
					!strings.Contains(n.Decision, "Right to Review") {
					t.Fatalf("the victim's notice does not name the review's outcome: %+v", n)
				}
				c = ok(t)(f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version,
					Victim: vid, Kind: domain.ContactDecision, Method: "visit",
					Note: "told of the review's outcome and its reasons"}))
				for _, d := range c.OpenDuties() {
					if d.Kind == duty.DecisionNotice {
						t.Errorf("telling the victim did not meet the notice: %+v", d)
					}
				}
			})
		})
	}
}

// reopenRoutes reopen a closed case, each by one route the service has.
var reopenRoutes = map[string]func(t *testing.T, f *fixture.Force, c *domain.Case) *domain.Case{
	"supervisor": func(t *testing.T, f *fixture.Force, c *domain.Case) *domain.Case {
		return ok(t)(f.Svc.Reopen(ctx, f.Supervisor, c.ID, service.Reopen{Version: c.Version,
			Reason: "New information from the victim's school"}))
	},
	"vrr": func(t *testing.T, f *fixture.Force, c *domain.Case) *domain.Case {
		c = acknowledgedVRR(t, f, c)
		return ok(t)(f.Svc.DecideVRR(ctx, f.Manager, c.ID, service.DecideVRR{Version: c.Version,
			Decision: "upheld", Reasons: "The suspects were never interviewed under caution"}))
	},
	"audit": func(t *testing.T, f *fixture.Force, c *domain.Case) *domain.Case {
		day := c.ClosedAt.Format("2006-01-02")
		au, err := f.Svc.CreateAudit(ctx, f.Auditor, service.NewAudit{Name: "Old closures", ClosedFrom: day,
			ClosedTo: day, Margin: 0.45, Seed: "reopen"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.AssignReview(ctx, f.Auditor, service.AssignReview{Audit: au.ID, Case: c.ID,
			Reviewer: f.Auditor.ID()}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.SubmitReview(ctx, f.Auditor, service.ReviewSubmission{Audit: au.ID, Case: c.ID,
			Form: domain.ReviewForm{LinesMissed: []string{"Suspects' phones never downloaded"},
				VictimAccount: domain.AccountBestPractice, SuspectsPursued: domain.PursuedNone,
				OutcomeJustified: domain.JustifiedNo, Summary: "Closed with lines of enquiry open"},
			Findings: []service.NewAuditFinding{{Kind: "lines_of_enquiry_missed", Severity: domain.SeverityHigh,
				Detail: "The suspects' phones were never downloaded", Action: domain.ActionReopen}}}); err != nil {
			t.Fatal(err)
		}
		got, err := f.Store.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got
	},
}

// The tester's fault: a case closed years ago and reopened by an audit
// finding owed a supervisory review "overdue since 2020" and a victim
// update thousands of days overdue, to an officer who had left. By every
// route a reopened case starts afresh: each duty due after the reopening,
// owed by someone serving; an owner who has left hands the case back to
// the team's supervisor to allocate, as a referral.
func TestReopenedCaseStartsAfresh(t *testing.T) {
	for route, reopen := range reopenRoutes {
		for _, left := range []bool{false, true} {
			name := route
			if left {
				name += " owner left"
			}
			t.Run(name, func(t *testing.T) {
				testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
					f := fixture.New(t, db)
					c := toldOfClosure(t, f)
					f.Clock.Advance(2 * 365 * 24 * time.Hour)
					if left {
						if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: f.Investigator.ID(),
							Reason: "retired"}); err != nil {
							t.Fatal(err)
						}
					}
					now := f.Clock.Now()
					c = reopen(t, f, c)
					org, err := db.Org(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if !c.Status.IsOpen() {
						t.Fatalf("the case was not reopened: %s", c.Status)
					}
					sup := duty.Supervisor(org, c.TeamID)
					switch {
					case left && (c.OwnerID != "" || c.Status != domain.StatusReferral):
						t.Errorf("reopened with a leaver as owner: owner %q, %s", c.OwnerID, c.Status)
					case !left && c.OwnerID != f.Investigator.ID():
						t.Errorf("reopened without its serving owner: %q", c.OwnerID)
					}
					kinds := map[string]bool{}
					for _, d := range c.OpenDuties() {
						kinds[d.Kind] = true
						if !d.Due.After(now) {
							t.Errorf("%s due %s, before the reopening on %s", d.Kind, d.Due, now)
						}
						if u := org.Users[d.Accountable]; u == nil || !u.Active {
							t.Errorf("%s owed by %q, who is not serving", d.Kind, d.Accountable)
						}
					}
					if left {
						if d := dutyOfKind(c, duty.AllocateReferral); d == nil || d.Accountable != sup {
							t.Errorf("nobody owes the allocation of the reopened case: %+v", c.OpenDuties())
						}
						// Allocated again, it owes a fresh investigation.
						c = ok(t)(f.Svc.AssignOwner(ctx, f.Supervisor, c.ID, service.AssignOwner{
							Version: c.Version, OwnerID: f.Investigator2.ID(), Reason: "reinvestigation"}))
					}
					if d := dutyOfKind(c, duty.SupervisoryReview); d == nil ||
						!d.Due.Equal(f.Svc.Policy().Due("first_review", now, f.Svc.Calendar())) {
						t.Errorf("the reopened case wants a first review from the reopening: %+v", d)
					}
					checkInvariant(t, ctx, f, 0, "reopen by "+route)
				})
			})
		}
	}
}

func dutyOfKind(c *domain.Case, kind string) *domain.Duty {
	for _, d := range c.OpenDuties() {
		if d.Kind == kind {
			return &d
		}
	}
	return nil
}
