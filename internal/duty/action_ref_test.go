package duty

import (
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
)

// TestActionReviewerNamesTheActionByReference: the reason a resulted
// action goes to a supervisor names it as the case page does, "A3", not
// "action 3".
func TestActionReviewerNamesTheActionByReference(t *testing.T) {
	org := domain.NewOrgState()
	org.Users["u1"] = &domain.User{ID: "u1", Name: "DS Amy Lloyd", Active: true, UnitID: "t1",
		Roles: []domain.Role{domain.RoleSupervisor}}
	c := &domain.Case{TeamID: "t1"}
	_, why := actionReviewer(org, c, &domain.Action{Number: 3, ResultedBy: "u1"})
	if !strings.Contains(why, "resulted action A3,") {
		t.Errorf("the reason says %q, want the action as A3", why)
	}
}
