package service_test

import (
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestTriageVictimNotToldWaitsForTheDeadline (issue 22, item 3): a
// closure approved two hours ago owes its child victim word by the end of
// the next working day (the policy's decision_notice_enhanced), so triage
// does not yet call her "not told"; once that deadline has passed — by the
// watchdog's own rule — it does, and a queue cached before the deadline is
// not served after it.
func TestTriageVictimNotToldWaitsForTheDeadline(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newAuditWorld(t, db)
		f, svc := w.f, w.svc
		c := closedWithVictim(t, f, f.Supervisor, auditRationale)
		if c.Victims[0].NoticeDue == nil {
			t.Fatalf("the closure owes its victim no notice: %+v", c.Victims[0])
		}
		var due time.Time
		for _, d := range c.Duties {
			if d.Kind == "decision_notice" && d.Status == domain.DutyOpen {
				due = d.Due
			}
		}
		if due.IsZero() {
			t.Fatalf("no decision_notice duty on the closed case: %+v", c.Duties)
		}
		reasons := func() string {
			t.Helper()
			res, err := svc.Triage(ctx, f.Auditor, service.TriageRequest{Preset: audit.PresetRoutine, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range res.Queue {
				if e.Ref == c.Ref {
					var out []string
					for _, r := range e.Reasons {
						out = append(out, r.Code)
					}
					return "," + strings.Join(out, ",") + ","
				}
			}
			t.Fatalf("case %s not in the routine queue", c.Ref)
			return ""
		}
		f.Clock.Advance(2 * time.Hour)
		if got := reasons(); strings.Contains(got, ","+audit.ReasonVictimNotTold+",") {
			t.Fatalf("closed two hours ago, notice due %s: flagged %s", due, got)
		}
		// Just before the deadline: still not late (and the queue is
		// cached now).
		f.Clock.Set(due.Add(-time.Minute))
		if got := reasons(); strings.Contains(got, ","+audit.ReasonVictimNotTold+",") {
			t.Fatalf("a minute before the notice was due: flagged %s", got)
		}
		f.Clock.Set(due.Add(time.Minute))
		if got := reasons(); !strings.Contains(got, ","+audit.ReasonVictimNotTold+",") {
			t.Fatalf("a minute after the notice was due (%s): not flagged, reasons %s", due, got)
		}
	})
}
