package web_test

import (
	"encoding/json"
	"html"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestHandOnResultReadsNothingUnlogged (found by the attacker): the
// hand-on result page ("Not every case was handed on") showed each
// handed-on case's summary, but HandOn records no read, and a supervisor
// may post /confirm straight away with all=<officer>, skipping the check
// page that logs it. The result now names the cases by reference only.
func TestHandOnResultReadsNothingUnlogged(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		r := newHandOnRig(t, db)
		_, page := r.sam.get("/team") // a page for the CSRF token only: not the hand-on page
		seq, _ := db.LatestSeq(r.ctx)
		r.correctMidway()
		status, body := r.sam.post(r.path+"/confirm", url.Values{"csrf": {r.sam.csrf(page)}, "all": {r.ian}})
		var done *domain.Case
		for _, id := range []string{r.a.ID, r.b.ID} {
			if c := must(db.Case(r.ctx, id)); c.OwnerID == r.ian {
				done = c
			}
		}
		if status != 200 || done == nil || !strings.Contains(body, "hand-on-missed") ||
			!strings.Contains(body, done.Ref) {
			t.Fatalf("setup: status %d, done %v; body:\n%s", status, done != nil, body)
		}
		shown := strings.Contains(html.UnescapeString(body), done.Summary)
		logged := false
		_ = db.ScanEvents(r.ctx, seq+1, 0, func(e *event.Event) error {
			var p domain.RecordsRead
			if e.Type == domain.EvRecordsRead && json.Unmarshal(e.Payload, &p) == nil &&
				e.Actor == r.f.Supervisor.ID() && slices.Contains(p.Cases, done.ID) {
				logged = true
			}
			return nil
		})
		if shown && !logged {
			t.Errorf("the result page showed %s's summary %q to sam with no read recorded", done.Ref, done.Summary)
		}
	})
}
