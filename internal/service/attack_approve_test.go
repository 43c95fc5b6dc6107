package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestApprovalRefusals: the one approval rule must refuse an
// approver whose override lapsed, whose accreditation lapsed, and the
// proposer approving their own closure.
func TestApprovalRefusals(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		t.Run("lapsed override", func(t *testing.T) {
			f := fixture.New(t, testdb.Open(t, db.Engine()))
			award(t, f, f.Investigator, "pip2", "")
			withGate(t, f)
			p := permCase{f: f, t: t}
			c := p.proposed()
			c, err := f.Svc.OverrideTraining(ctx, f.Manager, c.ID, service.OverrideTraining{Version: c.Version,
				Work: "approver", User: f.Inspector.ID(), Reason: "no accredited approver on duty", Hours: 1})
			if err != nil {
				t.Fatal(err)
			}
			f.Clock.Advance(2 * time.Hour)
			if _, err := f.Svc.ApproveClosure(ctx, f.Inspector, c.ID, service.ApproveClosure{Version: c.Version}); err == nil || !strings.Contains(err.Error(), "PIP") {
				t.Fatalf("an approver whose override lapsed approved the closure, or was refused for another reason: %v", err)
			}
		})
		t.Run("lapsed accreditation", func(t *testing.T) {
			f := fixture.New(t, testdb.Open(t, db.Engine()))
			award(t, f, f.Investigator, "pip2", "")
			award(t, f, f.Manager, "pip2", f.Clock.Now().AddDate(0, 0, 1).Format(time.DateOnly))
			withGate(t, f)
			p := permCase{f: f, t: t}
			c := p.proposed()
			f.Clock.Advance(72 * time.Hour)
			if _, err := f.Svc.ApproveClosure(ctx, f.Manager, c.ID, service.ApproveClosure{Version: c.Version}); err == nil || !strings.Contains(err.Error(), "PIP") {
				t.Fatalf("an approver whose accreditation lapsed approved the closure, or was refused for another reason: %v", err)
			}
		})
	})
}
