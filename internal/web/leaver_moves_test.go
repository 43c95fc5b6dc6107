package web_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// The leaver page said a leaver's victim duties "escalate to" the
// supervisor, but they move to the case's supervisor the moment the user
// leaves (a2764b3). Those rows say so; the others still escalate.
func TestLeaverPageSaysVictimDutiesMoveAtOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		c := f.Allocated(t)
		must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
			DateOfBirth: "2012-05-01"}))
		status, page := newClient(t, base, "admin").get("/admin/users/" + c.OwnerID + "/leave")
		table := regexp.MustCompile(`(?s)<table class="govuk-table" id="leaver-duties">.*?</table>`).FindString(page)
		if status != 200 || table == "" {
			t.Fatalf("the leaver page: %d, no duties listed:\n%s", status, page)
		}
		sup := domain.PersonName(&f.Supervisor.User)
		rows := strings.Split(table, "</tr>")
		var moved, escalated bool
		for _, row := range rows {
			victim := false
			for _, k := range []string{duty.FirstVictimContact, duty.ContactPlan, duty.SupportReferral, duty.VictimUpdate} {
				victim = victim || strings.Contains(row, html.EscapeString(domain.DutyKindLabel(k)))
			}
			switch {
			case victim && strings.Contains(row, "Moves to "+sup+" as soon as they leave"):
				moved = true
			case victim:
				t.Errorf("a victim duty is not said to move at once: %s", row)
			case strings.Contains(row, "Moves to"):
				t.Errorf("a duty that stays with the leaver is said to move: %s", row)
			case strings.Contains(row, "Escalates to "+sup):
				escalated = true
			}
		}
		if !moved || !escalated {
			t.Errorf("want victim duties moving and the rest escalating:\n%s", table)
		}
	})
}
