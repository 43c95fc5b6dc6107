package service_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"

	"github.com/holdfast/holdfast/internal/service"
)

// TestEscalationNamesALeaverAsLeft: the escalation of a duty owed by
// someone who has left named them "(no longer active)" where every page
// says "(left)" (the walk of 2026-12-07); it now says "(left)" too.
func TestEscalationNamesALeaverAsLeft(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: c.OwnerID, Reason: "retired"}); err != nil {
			t.Fatal(err)
		}
		sweep(t, f, f.Clock.Now().Add(30*24*time.Hour))
		evs, err := db.CaseEvents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var texts []string
		for _, e := range evs {
			var p domain.DutyEscalated
			if e.Type == domain.EvDutyEscalated && json.Unmarshal(e.Payload, &p) == nil && strings.Contains(p.Text, "Nobody active owes it") {
				texts = append(texts, p.Text)
			}
		}
		if len(texts) == 0 {
			t.Fatal("no escalation of the leaver's duty names them")
		}
		for _, s := range texts {
			if strings.Contains(s, "no longer active") || !strings.Contains(s, "(left)") {
				t.Errorf("the escalation does not name the leaver as left: %q", s)
			}
		}
	})
}
