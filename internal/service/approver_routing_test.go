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
		items, err := f.Svc.Inbox(ctx, f.Manager)
		if err != nil {
			t.Fatal(err)
		}
		alerted := false
		for _, it := range items {
			alerted = alerted || (it.CaseID == c.ID && it.Kind == domain.AlertDecision)
		}
		if !alerted {
			t.Errorf("the chief inspector is not alerted to the closure waiting on him: %+v", items)
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
