package service_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAcceptedReferralIsAllocated: a referral transferred and accepted
// with a new owner was left a "Referral" in the new owner's hands; it is
// now allocated as allocation does, with the accepting team.
func TestAcceptedReferralIsAllocated(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		svc := f.Svc
		c := f.Referral(t)
		c = ok(t)(svc.ProposeTransfer(ctx, f.Supervisor, c.ID, service.ProposeTransfer{Version: c.Version,
			ToTeam: f.TeamB, Reason: "the victim lives in the other team's area"}))
		c = ok(t)(svc.AcceptTransfer(ctx, f.Inspector, c.ID, service.AcceptTransfer{Version: c.Version,
			OwnerID: f.Inspector.ID()}))
		if c.Status != domain.StatusOpen || c.OwnerID != f.Inspector.ID() || c.TeamID != f.TeamB ||
			c.AllocatedAt.IsZero() {
			t.Fatalf("accepted referral: status %s, owner %s, team %s, allocated %v", c.Status, c.OwnerID,
				c.TeamID, c.AllocatedAt)
		}
	})
}
