package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var refusedRE = regexp.MustCompile(`id="refused">([^<]*)<`)

// A form for one action, refused, says why for that action: the sergeant who
// resulted A2 and opens File A2 is told they resulted it, not why A1 (still
// allocated) cannot be filed — the reason of whichever action came first.
// (A sergeant: only a supervisor or manager files a result at all.)
func TestRefusedFormSaysWhyForItsOwnTarget(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		s, ok := f.Svc, mustCase(t)
		c := f.Allocated(t)
		c = ok(s.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version, Title: "Trace the car"}))
		c = ok(s.RaiseAction(ctx, f.Investigator, c.ID, service.NewAction{Version: c.Version, Title: "House-to-house"}))
		for _, a := range c.Actions {
			c = ok(s.AllocateAction(ctx, f.Investigator, c.ID, service.AllocateAction{Version: c.Version,
				Action: a.ID, To: f.Supervisor.ID()}))
		}
		a2 := c.Actions[1]
		c = ok(s.ResultAction(ctx, f.Supervisor, c.ID, service.ResultAction{Outcome: domain.ActionCompleted,
			Version: c.Version, Action: a2.ID,
			Result: "Nobody saw anything"}))
		cl := newClient(t, base, "sam")
		status, page := cl.get("/cases/" + request.PathRef(c.Ref) + "/do/file-action?" +
			url.Values{"action": {a2.ID}}.Encode())
		page = html.UnescapeString(page)
		m := refusedRE.FindStringSubmatch(page)
		if status != 403 || m == nil {
			t.Fatalf("File A2 for the officer who resulted it: %d, no refusal", status)
		}
		if !strings.Contains(m[1], "You resulted action A2") || strings.Contains(m[1], "A1") {
			t.Errorf("File A2 refused for the wrong reason: %q", m[1])
		}
	})
}
