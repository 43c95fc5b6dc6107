package service_test

import (
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestClosureSentBackTellsTheOwner: a closure sent back gives the officer
// in charge an inbox alert and a duty, both carrying the reason; proposing
// again meets the duty.
func TestClosureSentBackTellsTheOwner(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		p := permCase{f: f, t: t}
		c := p.proposed()
		reason := "Download the victim's phone before this closes"
		c = p.must(f.Svc.RejectClosure(ctx, f.Inspector, c.ID, service.RejectClosure{Version: c.Version,
			Reason: reason}))
		d := openDuty(c, duty.ClosureSentBack)
		if d == nil || d.Accountable != f.Investigator.ID() || !strings.Contains(d.Detail, reason) {
			t.Fatalf("a closure sent back must owe the owner a duty carrying the reason: %+v", c.Duties)
		}
		items, err := f.Svc.Inbox(ctx, f.Investigator)
		if err != nil {
			t.Fatal(err)
		}
		var alert string
		for _, it := range items {
			if it.CaseID == c.ID && it.Kind == domain.AlertClosureSentBack {
				alert = it.Text
			}
		}
		if !strings.Contains(alert, reason) || !strings.Contains(alert, "DI Ines Inspector") {
			t.Fatalf("the owner's inbox must say who sent the closure back and why: %q in %+v", alert, items)
		}
		c = p.must(f.Svc.ProposeClosure(ctx, f.Investigator, c.ID, service.ClosureProposal{Version: c.Version,
			Outcome: "15", Rationale: rationale}))
		if openDuty(c, duty.ClosureSentBack) != nil {
			t.Fatalf("proposing again must meet the duty: %+v", c.Duties)
		}
	})
}

// TestClosureProposedAlertsWhoDecides: proposing a closure puts an alert
// in the inbox of the person the approval duty fell on, naming the
// proposer and the outcome; the proposer is not alerted of their own act.
func TestClosureProposedAlertsWhoDecides(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		p := permCase{f: f, t: t}
		c := p.proposed()
		if d := openDuty(c, duty.ClosureApproval); d == nil || d.Accountable != f.Inspector.ID() {
			t.Fatalf("the approval is not the inspector's: %+v", d)
		}
		alerts := func(a *service.Actor) []string {
			items, err := f.Svc.Inbox(ctx, a)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, it := range items {
				if it.CaseID == c.ID && it.Kind == domain.AlertDecision {
					out = append(out, it.Text)
				}
			}
			return out
		}
		got := alerts(f.Inspector)
		if len(got) != 1 || !strings.Contains(got[0], "DC Ivy Investigator") || !strings.Contains(got[0], "15") ||
			!strings.Contains(got[0], c.Ref) {
			t.Fatalf("the inspector's inbox must say whose closure waits on them: %q", got)
		}
		if mine := alerts(f.Investigator); len(mine) != 0 {
			t.Errorf("the proposer was alerted of their own proposal: %q", mine)
		}
		// Once decided, the alert says so: its duty is no longer open.
		open := func() []bool {
			items, err := f.Svc.Inbox(ctx, f.Inspector)
			if err != nil {
				t.Fatal(err)
			}
			var out []bool
			for _, it := range items {
				if it.CaseID == c.ID && it.Kind == domain.AlertDecision {
					out = append(out, it.DutyOpen && it.About != "")
				}
			}
			return out
		}
		if o := open(); len(o) != 1 || !o[0] {
			t.Fatalf("the alert of a closure awaiting decision does not know its duty is open: %v", o)
		}
		p.must(f.Svc.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}))
		if o := open(); len(o) != 1 || o[0] {
			t.Fatalf("the alert of a closure approved still reads as awaiting a decision: %v", o)
		}
	})
}

// TestActionReviewIsTheSupervisors: the review of a resulted line of
// enquiry is the team's supervisor's — the receiver who reads a result
// before it is filed (MIRSAP, ../shared/domain.md §4) — whoever resulted
// it, and it is on the supervisor's My work. It was the officer in
// charge's, so the sergeant who files results never saw it there.
func TestActionReviewIsTheSupervisors(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		p := permCase{f: f, t: t}
		c := f.Allocated(t)
		for i, by := range []*service.Actor{f.Investigator, f.Investigator2} {
			c = p.must(f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
				Title: "Trace the car"}))
			act := c.Actions[i]
			c = p.must(f.Svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
				Action: act.ID, To: by.ID()}))
			c = p.must(f.Svc.ResultAction(ctx, by, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
				Version: c.Version,
				Action:  act.ID, Result: "Registered keeper traced"}))
			d := openDuty(c, duty.ActionReview)
			if d == nil || d.Accountable != f.Supervisor.ID() || d.Detail != "" {
				t.Fatalf("resulted by %s, the review is %+v, want the team's supervisor's", by.User.Username, d)
			}
			work, err := f.Svc.MyWork(ctx, f.Supervisor)
			if err != nil {
				t.Fatal(err)
			}
			listed := false
			for _, it := range work {
				listed = listed || (it.Kind == duty.ActionReview && it.Subject == act.ID)
			}
			if !listed {
				t.Fatalf("the supervisor's My work lacks the review they owe: %+v", work)
			}
			perm, err := f.Svc.Permissions(ctx, f.Supervisor, c.ID)
			if err != nil || !perm.CanOn("file-action", act.ID) || !perm.CanOn("refer-back-action", act.ID) {
				t.Fatalf("the supervisor owed the review cannot file or refer it back: %v %q", err,
					perm.WhyOn("file-action", act.ID))
			}
			c = p.must(f.Svc.FileAction(ctx, f.Supervisor, c.ID, service.FileAction{Version: c.Version,
				Action: act.ID}))
			if openDuty(c, duty.ActionReview) != nil {
				t.Fatalf("filing must meet the review: %+v", c.Duties)
			}
		}
	})
}

// TestSergeantsOwnResultGoesUpTheChain: a sergeant who results a line of
// enquiry does not review it; the review goes to the next supervisor in
// the chain (the department's inspector), says why, and that inspector
// files it. The sergeant cannot file their own result, and the officer in
// charge files no result: a supervisor reads it first (MIRSAP,
// TestOnlyASupervisorFilesAResult).
func TestSergeantsOwnResultGoesUpTheChain(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		p := permCase{f: f, t: t}
		c := f.Allocated(t)
		c = p.must(f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
			Title: "Interview the taxi driver"}))
		act := c.Actions[0]
		c = p.must(f.Svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
			Action: act.ID, To: f.Supervisor.ID()}))
		c = p.must(f.Svc.ResultAction(ctx, f.Supervisor, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
			Version: c.Version,
			Action:  act.ID, Result: "Driver interviewed: picked two girls up from the hotel"}))
		d := openDuty(c, duty.ActionReview)
		if d == nil || d.Accountable != f.Inspector.ID() || !strings.Contains(d.Detail, "second pair of eyes") {
			t.Fatalf("the review of the sergeant's own result is %+v, want the inspector's, told why", d)
		}
		perm, err := f.Svc.Permissions(ctx, f.Inspector, c.ID)
		if err != nil || !perm.CanOn("file-action", act.ID) {
			t.Fatalf("the inspector the review falls on cannot file it: %v %q", err, perm.WhyOn("file-action", act.ID))
		}
		if _, err := f.Svc.FileAction(ctx, f.Supervisor, c.ID, service.FileAction{Version: c.Version,
			Action: act.ID}); err == nil {
			t.Fatal("the sergeant filed their own result")
		}
		if _, err := f.Svc.FileAction(ctx, f.Investigator, c.ID, service.FileAction{Version: c.Version,
			Action: act.ID}); err == nil {
			t.Fatal("the officer in charge filed a result no supervisor had read")
		}
		c = p.must(f.Svc.FileAction(ctx, f.Inspector, c.ID, service.FileAction{Version: c.Version, Action: act.ID}))
		if openDuty(c, duty.ActionReview) != nil {
			t.Fatalf("filing must meet the review: %+v", c.Duties)
		}
	})
}

// TestDecidedAlertIsNotNew: once the closure is decided, the "Decision for
// you" alert no longer counts as new for those it was sent to — not in the
// unread count nor on the inbox's page — though nobody acknowledged it:
// there is nothing left for them to do.
func TestDecidedAlertIsNotNew(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		p := permCase{f: f, t: t}
		c := p.proposed()
		state := func() string {
			items, err := f.Svc.Inbox(ctx, f.Inspector)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.CaseID == c.ID && it.Kind == domain.AlertDecision {
					return it.State
				}
			}
			return "absent"
		}
		unread := func() (int, int) {
			n, err := f.Svc.UnreadAlerts(ctx, f.Inspector)
			if err != nil {
				t.Fatal(err)
			}
			pg, err := f.Svc.InboxPage(ctx, f.Inspector, service.InboxPageIn{})
			if err != nil {
				t.Fatal(err)
			}
			return n, pg.New
		}
		if s := state(); s != service.AlertNew {
			t.Fatalf("the alert of a closure awaiting decision is %q, want new", s)
		}
		before, beforePage := unread()
		p.must(f.Svc.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}))
		if s := state(); s == service.AlertNew {
			t.Errorf("the alert of a closure approved is still new")
		}
		if n, np := unread(); n != before-1 || np != beforePage-1 {
			t.Errorf("unread %d (the page's new %d) after the approval, want %d (%d)", n, np, before-1, beforePage-1)
		}
	})
}
