package web_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestInboxFiltersByKind: an inbox of hundreds of alerts, mostly of one
// kind, hid the few of another. The inbox offers "All / Escalation / ..."
// with each kind's count, and a kind chosen lists only its alerts, the
// pages after it keeping to it.
func TestInboxFiltersByKind(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		var a *domain.Case
		for range 3 {
			a = f.Referral(t)
		}
		f.Clock.Advance(10 * 24 * time.Hour)
		sweepNow(t, f)
		// One person on a case of team A and on one of team C: a link,
		// alerted to team A's supervisor.
		b, err := f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "Referral " +
			"from school: a 14-year-old seen with older men", OffenceTypes: []string{"child_sexual_exploitation"},
			Source: "school"})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []*domain.Case{b, a} {
			if _, err := f.Svc.AddSuspect(ctx, service.SystemActor("test"), c.ID, service.NewSuspect{Version: c.Version,
				Name: "Mohammed Khan", DateOfBirth: "1985-03-04", Phone: "07700 900111"}); err != nil {
				t.Fatal(err)
			}
		}
		alerts, err := f.Svc.Inbox(ctx, f.Supervisor)
		if err != nil {
			t.Fatal(err)
		}
		byKind := map[string]int{}
		for _, al := range alerts {
			byKind[al.Kind]++
		}
		if len(byKind) < 2 {
			t.Fatalf("the supervisor's inbox has one kind of alert: %v", byKind)
		}
		sam := newClient(t, base, "sam")
		_, page := sam.get("/inbox")
		nav := regexp.MustCompile(`(?s)<nav [^>]*id="alert-kinds">(.*?)</nav>`).FindStringSubmatch(page)
		if nav == nil {
			t.Fatalf("no filter by kind on the inbox")
		}
		if !strings.Contains(nav[1], fmt.Sprintf(`<strong aria-current="page">All (%d)</strong>`, len(alerts))) {
			t.Errorf("the filter does not count all %d alerts: %s", len(alerts), nav[1])
		}
		for kind, n := range byKind {
			link := fmt.Sprintf(`href="/inbox?kind=%s">`, kind)
			if !strings.Contains(nav[1], link) || !strings.Contains(nav[1], fmt.Sprintf("(%d)</a>", n)) {
				t.Errorf("the filter has no link to the %d %s alerts: %s", n, kind, nav[1])
			}
			_, page := sam.get("/inbox?kind=" + kind)
			rows := strings.Count(page, `<tr class="govuk-table__row" data-seq=`)
			if want := min(n, 25); rows != want {
				t.Errorf("the %s alerts: %d rows, want %d", kind, rows, want)
			}
			if !regexp.MustCompile(fmt.Sprintf(`<strong aria-current="page">[^<]* \(%d\)</strong>`, n)).MatchString(page) {
				t.Errorf("the kind shown is not marked as the current one")
			}
		}
	})
}
