package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestCloseDraftSurvivesPutItRightInTheBrowser: the tester's fault. An
// officer filled in Close case, followed a link to record the victim's
// view (from=close) and came back to an empty form. What was typed must
// come back, and once the closure is proposed it must be gone.
func TestCloseDraftSurvivesPutItRightInTheBrowser(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		c := readyToClose(t, f)
		path := "/cases/" + request.PathRef(c.Ref)
		b := newBrowser(t, base)
		b.signIn("ivy")
		b.open(path + "/close")
		typed := map[string]string{
			"f-lines_considered": "CCTV, the phone, house-to-house",
			"f-why_none_remain":  "Every line was followed to its end",
			"f-suspects_status":  "No suspect identified",
		}
		b.run(set("f-outcome", "15"))
		for id, v := range typed {
			b.run(set(id, v))
		}
		b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
			clickX(`//main//a[contains(@href, "from=close")]`))
		b.waitFresh()
		b.run(set("f-view", "Would give evidence if the suspect is found"))
		b.press("Record the view")
		if m := b.main(); !strings.Contains(m, "Close case") || !strings.Contains(m, "Would give evidence") {
			t.Fatalf("back from recording the view: %s", m)
		}
		if got := b.value("f-outcome"); got != "15" {
			t.Errorf("the outcome was lost: %q", got)
		}
		for id, v := range typed {
			if got := b.value(id); got != v {
				t.Errorf("%s was lost: %q, want %q", id, got, v)
			}
		}
		// The checklist follows the restored answers.
		b.waitText("#checklist", "Ready to propose")
		b.press("Check against the closure rules")
		b.press("Propose closure")
		if m := b.main(); !strings.Contains(m, "proposed") {
			t.Fatalf("propose: %s", m)
		}
		b.open(path + "/close")
		if got := b.value("f-why_none_remain"); got != "" {
			t.Errorf("the draft outlived the proposal: %q", got)
		}
	})
}
