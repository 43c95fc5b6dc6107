package service_test

import (
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestEscalationOfAMetDutyIsNotNew: the demo's inbox counted 170 new
// alerts, among them escalations from years ago of duties long met. An
// escalation of a duty no longer open is resolved: kept in the inbox, not
// counted new.
func TestEscalationOfAMetDutyIsNotNew(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		c := f.Allocated(t)
		plan := openDuty(c, duty.InvestigationPlan)
		f.Clock.Set(plan.Due.Add(time.Hour))
		sweep(t, f, f.Clock.Now())
		newAbout := func() (n int, kept bool) {
			t.Helper()
			all, err := svc.Inbox(ctx, f.Investigator)
			if err != nil {
				t.Fatal(err)
			}
			for _, al := range all {
				if al.About == plan.ID {
					kept = true
					if al.State == service.AlertNew {
						n++
					}
				}
			}
			return n, kept
		}
		if n, _ := newAbout(); n != 1 {
			t.Fatalf("the escalation of the overdue plan: %d new alerts, want 1", n)
		}
		before, err := svc.UnreadAlerts(ctx, f.Investigator)
		if err != nil {
			t.Fatal(err)
		}
		c, err = db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		ok(t)(svc.SetPlan(ctx, f.Investigator, c.ID, service.SetPlan{Version: c.Version, Plan: "Interview, then devices"}))
		if n, kept := newAbout(); n != 0 || !kept {
			t.Fatalf("after the plan was recorded: %d new alerts about it (kept %v), want 0 and kept", n, kept)
		}
		if after, err := svc.UnreadAlerts(ctx, f.Investigator); err != nil || after != before-1 {
			t.Fatalf("unread %d before the plan, %d after (%v): want one fewer", before, after, err)
		}
	})
}
