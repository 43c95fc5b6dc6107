package service_test

import (
	"errors"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestActionReviewEscalationSkipsWhoResultedIt: the sergeant who resulted
// a line of enquiry owes no review of it (the inspector does), and no step
// of the overdue review's escalation asks them either. The ladder's second
// step is the team's supervisor — the sergeant — and went to them, asking
// them to see that their own result was reviewed.
func TestActionReviewEscalationSkipsWhoResultedIt(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c, _ := resultedBy(t, f, f.Supervisor)
		d := openDuty(c, duty.ActionReview)
		if d == nil || d.Accountable != f.Inspector.ID() {
			t.Fatalf("the review of the sergeant's own result is %+v, want the inspector's", d)
		}
		steps := map[int]string{}
		for _, at := range []time.Time{d.Due.Add(time.Minute), d.Due.Add(30 * 24 * time.Hour)} {
			for _, e := range sweep(t, f, at).Escalations {
				if e.DutyID == d.ID {
					steps[e.Level] = e.To
				}
			}
		}
		if len(steps) != 3 {
			t.Fatalf("the overdue review climbed %d steps, want 3: %v", len(steps), steps)
		}
		for level, to := range steps {
			if to == f.Supervisor.User.Username {
				t.Errorf("step %d of the review's escalation asks the sergeant who resulted the action: %v",
					level, steps)
			}
		}
	})
}

// TestOnlyASupervisorFilesAResult: in MIRSAP a result is read and reviewed
// by the receiver or office manager and only then filed
// (../shared/domain.md §4), so the officer in charge may not file another
// officer's result — they filed it unread by any supervisor — and is not
// offered File; they may still refer it back for more work, which files
// nothing. The supervisor who owes the review files it.
func TestOnlyASupervisorFilesAResult(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		p := permCase{f: f, t: t}
		c, act := resultedBy(t, f, f.Investigator2) // the investigator is the officer in charge
		perm, err := f.Svc.Permissions(ctx, f.Investigator, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if perm.CanOn("file-action", act.ID) {
			t.Error("the officer in charge is offered File on another officer's result")
		}
		if !perm.CanOn("refer-back-action", act.ID) {
			t.Errorf("the officer in charge cannot refer a result back: %q", perm.WhyOn("refer-back-action", act.ID))
		}
		_, err = f.Svc.FileAction(ctx, f.Investigator, c.ID, service.FileAction{Version: c.Version, Action: act.ID})
		if !errors.Is(err, service.ErrForbidden) {
			t.Fatalf("the officer in charge filed another officer's result: %v", err)
		}
		if d := openDuty(c, duty.ActionReview); d == nil || d.Accountable != f.Supervisor.ID() {
			t.Fatalf("the review is %+v, want the supervisor's", d)
		}
		c = p.must(f.Svc.FileAction(ctx, f.Supervisor, c.ID, service.FileAction{Version: c.Version, Action: act.ID}))
		if openDuty(c, duty.ActionReview) != nil {
			t.Fatalf("filing must meet the review: %+v", c.Duties)
		}
	})
}

// resultedBy is an allocated case of the investigator's with one line of
// enquiry, allocated to by and resulted by them.
func resultedBy(t *testing.T, f *fixture.Force, by *service.Actor) (*domain.Case, domain.Action) {
	t.Helper()
	p := permCase{f: f, t: t}
	c := f.Allocated(t)
	c = p.must(f.Svc.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version,
		Title: "Interview the taxi driver"}))
	act := c.Actions[0]
	c = p.must(f.Svc.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
		Action: act.ID, To: by.ID()}))
	c = p.must(f.Svc.ResultAction(ctx, by, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
		Version: c.Version,
		Action:  act.ID, Result: "Driver interviewed: picked two girls up from the hotel"}))
	return c, act
}
