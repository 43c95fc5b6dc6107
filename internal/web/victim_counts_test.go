package web

import (
	"testing"

	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// TestVictimsCountedNotDuties: the liaison home said "23 victims are
// overdue contact" of 23 duties owed to 20 victims. A victim owed two
// overdue duties is one victim overdue; one owed an overdue duty and a
// duty due this week is not also "due this week".
func TestVictimsCountedNotDuties(t *testing.T) {
	row := func(c, v string, overdue, closed bool) service.VictimDue {
		return service.VictimDue{WorkItem: service.WorkItem{DutyRow: store.DutyRow{CaseID: c}, Overdue: overdue}, VictimID: v,
			CaseClosed: closed}
	}
	rows := []service.VictimDue{
		row("c1", "v1", true, false), row("c1", "v1", true, false), // first contact and support referral
		row("c1", "v1", false, false),
		row("c1", "v2", false, false),
		row("c2", "v1", true, true), row("c2", "v1", false, true),
	}
	overdue, soon, closed := countVictims(rows)
	if overdue != 2 || soon != 1 || closed != 1 {
		t.Fatalf("overdue %d, due this week %d, of closed cases %d: want 2, 1, 1", overdue, soon, closed)
	}
}
