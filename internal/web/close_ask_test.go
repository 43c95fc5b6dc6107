package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/testdb"
)

var supervisedRE = regexp.MustCompile(`(?s)<li data-rule="supervised">(.*?)</li>`)

// TestCloseChecklistSaysWhoToAsk: a detective constable's "no supervisory
// review" blocker linked to Decisions, where a constable may record no
// review. They are told whom to ask, by rank and name, from the rule the
// service refuses them with; the supervisor still gets the link.
func TestCloseChecklistSaysWhoToAsk(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			f, base := start(t, testdb.Open(t, engine))
			c := f.Allocated(t)
			path := "/cases/" + request.PathRef(c.Ref) + "/close/checklist?outcome=16"
			item := func(user string) string {
				t.Helper()
				status, page := newClient(t, base, user).get(path)
				m := supervisedRE.FindStringSubmatch(page)
				if status != 200 || m == nil {
					t.Fatalf("%s's checklist: %d, no supervision blocker in\n%s", user, status, page)
				}
				return m[1]
			}
			dc := item("ivy")
			if strings.Contains(dc, "Put it right") {
				t.Errorf("the constable is sent to put right what only a supervisor can: %s", dc)
			}
			if !strings.Contains(dc, "Ask DS Sam Supervisor") || !strings.Contains(dc, "to record a supervisory review.") {
				t.Errorf("the constable is not told whom to ask: %s", dc)
			}
			ds := item("sam")
			if !strings.Contains(ds, "Put it right") || strings.Contains(ds, "Ask ") {
				t.Errorf("the supervisor, who may review, has no link: %s", ds)
			}
		})
	}
}
