package service_test

import (
	"slices"
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

// TestApprovalRoutedToAnAccreditedApprover: routing a closure's approval
// and allowing it are one rule. The nearest inspector lacks the PIP2 the
// policy asks of an outcome-15 approver, so the approval duty passes her
// by and falls to the chief inspector who holds it: he is alerted and may
// approve; she is refused, and told who may.
func TestApprovalRoutedToAnAccreditedApprover(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		award(t, f, f.Investigator, "pip2", "")
		award(t, f, f.Manager, "pip2", "")
		withGate(t, f)
		p := permCase{f: f, t: t}
		c := p.proposed() // outcome 15, a child victim: an inspector or above
		if d := openDuty(c, duty.ClosureApproval); d == nil || d.Accountable != f.Manager.ID() {
			t.Fatalf("the approval must fall to the accredited chief inspector, not the nearest inspector: %+v", d)
		}
		if !decisionAlerted(t, f, f.Manager, c.ID) {
			t.Error("the chief inspector is not alerted to the closure waiting on him")
		}
		perm, err := f.Svc.Permissions(ctx, f.Inspector, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if perm.Can("approve-closure") || !strings.Contains(perm.Why("approve-closure"), "DCI Max Manager") {
			t.Errorf("the inspector's page must refuse her and name who may: %q", perm.Why("approve-closure"))
		}
		if perm, err = f.Svc.Permissions(ctx, f.Manager, c.ID); err != nil {
			t.Fatal(err)
		} else if !perm.Can("approve-closure") {
			t.Errorf("the chief inspector the approval fell to may not approve it: %q", perm.Why("approve-closure"))
		}
		if _, err := f.Svc.ApproveClosure(ctx, f.Manager, c.ID, service.ApproveClosure{Version: c.Version}); err != nil {
			t.Fatalf("the officer the approval fell to is refused: %v", err)
		}
	})
}

// TestWaitingApprovalFollowsAccreditations: a closure already waiting for
// approval is re-routed at once when an accreditation changes who may
// approve it, not when the case next changes. The inspector gaining PIP2
// takes the approval from the chief inspector (the lowest rank that may)
// and is alerted; withdrawn, it goes back; lapsed, the watchdog's next run
// takes it back too. Each move is a duty closed and one opened.
func TestWaitingApprovalFollowsAccreditations(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		award(t, f, f.Investigator, "pip2", "")
		award(t, f, f.Manager, "pip2", "")
		withGate(t, f)
		c := permCase{f: f, t: t}.proposed()
		holder := func(want *service.Actor, when string) {
			t.Helper()
			got, err := db.Case(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d := openDuty(got, duty.ClosureApproval); d == nil || d.Accountable != want.ID() {
				t.Fatalf("%s: the approval is on %+v, want %s", when, d, want.User.Name)
			}
			if perm, err := f.Svc.Permissions(ctx, want, c.ID); err != nil || !perm.Can("approve-closure") {
				t.Fatalf("%s: the officer holding the approval may not approve: %v %q", when, err,
					perm.Why("approve-closure"))
			}
		}
		holder(f.Manager, "routed")

		acc := award(t, f, f.Inspector, "pip2", "")
		holder(f.Inspector, "the inspector accredited")
		if !decisionAlerted(t, f, f.Inspector, c.ID) {
			t.Error("the inspector is not alerted to the approval now hers")
		}

		if _, err := f.Svc.WithdrawAccreditation(ctx, f.Admin, service.WithdrawAccreditation{User: f.Inspector.ID(),
			ID: acc.ID, Reason: "Recorded against the wrong officer"}); err != nil {
			t.Fatal(err)
		}
		holder(f.Manager, "the accreditation withdrawn")

		// Accredited until tomorrow; the day after, lapsed: the watchdog
		// moves the approval back.
		award(t, f, f.Inspector, "pip2", f.Clock.Now().AddDate(0, 0, 1).Format(time.DateOnly))
		holder(f.Inspector, "accredited again")
		f.Clock.Advance(3 * 24 * time.Hour)
		if _, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{}); err != nil {
			t.Fatal(err)
		}
		holder(f.Manager, "the accreditation lapsed")
	})
}

// decisionAlerted says whether who's inbox holds a decision alert on the
// case.
func decisionAlerted(t *testing.T, f *fixture.Force, who *service.Actor, caseID string) bool {
	t.Helper()
	items, err := f.Svc.Inbox(ctx, who)
	if err != nil {
		t.Fatal(err)
	}
	return slices.ContainsFunc(items, func(it service.InboxAlert) bool {
		return it.CaseID == caseID && it.Kind == domain.AlertDecision
	})
}
