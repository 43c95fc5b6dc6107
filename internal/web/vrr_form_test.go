package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// The tester's fault: the reviewer deciding a Right to Review saw only the
// decision's two radios, not the request they were deciding. The page now
// shows who asked, when, their grounds and the decision under review.
func TestDecideVRRShowsTheRequest(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		s := f.Svc
		c := closedWithVictim(t, f)
		v := c.Victims[0].ID
		c = must(s.RequestVRR(ctx, f.Liaison, c.ID, service.RequestVRR{Version: c.Version, VictimID: v,
			Grounds: "Nobody spoke to my friend who saw it"}))
		c = must(s.AcknowledgeVRR(ctx, f.Supervisor, c.ID, service.AcknowledgeVRR{Version: c.Version,
			Reviewer: f.Manager.ID()}))
		status, page := newClient(t, base, "max").get("/cases/" + request.PathRef(c.Ref) + "/do/decide-vrr")
		if status != 200 {
			t.Fatalf("the decide-vrr page: %d", status)
		}
		i := strings.Index(page, `id="vrr-request"`)
		if i < 0 {
			t.Fatal("the decide-vrr page shows no summary of the request it decides")
		}
		list, _, _ := strings.Cut(page[i:], "</dl>")
		for what, want := range map[string]string{
			"who asked":             "Child B",
			"when":                  c.VRRs[0].At.In(clock.London).Format("2 January 2006"),
			"their grounds":         "Nobody spoke to my friend who saw it",
			"the decision reviewed": "outcome 15",
			"who approved it":       "DI Ines Inspector",
		} {
			if !strings.Contains(list, want) {
				t.Errorf("the request's summary does not show %s (%q): %s", what, want, list)
			}
		}
	})
}
