package web_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestTrainingNeedsAndGuidanceInTheBrowser (issue 21, items 4 and 5): a
// manager opens the training-needs page from the navigation and sees who
// lacks what their work needs, the chart and its table; a supervisor's
// allocation to an officer without the accreditation is refused, and the
// refusal's Why? link opens the rule's guidance. Every page is axe-clean.
func TestTrainingNeedsAndGuidanceInTheBrowser(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	c := trainingForce(t, f, 0)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)

	b.signIn("max")
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(`//nav//a[normalize-space()='Training needs']`))
	b.waitFresh()
	m := b.main()
	for _, want := range []string{"Training needs", "DC Ivy Investigator", c.Ref, "PIP level 2",
		"DS Sam Supervisor", "Achieving Best Evidence", "Work done by accredited officers, by month"} {
		if !strings.Contains(m, want) {
			t.Errorf("the training-needs page does not show %q: %s", want, m)
		}
	}
	if !b.has(`//main//*[local-name()='svg' and contains(@class,'hf-chart')]`) || !b.has(`//main//details//table`) {
		t.Error("the chart or its table alternative is missing")
	}
	b.check("70-training-needs")
	b.signOut()

	b.signIn("sam")
	r := f.Referral(t)
	b.open("/cases/" + request.PathRef(r.Ref) + "/do/assign-owner")
	b.run(set("f-owner_id", f.Investigator.ID()))
	b.press("Allocate")
	why := `//div[contains(@class,'govuk-error-summary')]//li[@data-rule='cse_owner_pip2']//a[contains(@class,'hf-why')]`
	if !b.has(why) {
		t.Fatalf("the refused allocation has no Why? link: %s", b.main())
	}
	b.check("71-allocation-refused-why")
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil), clickX(why))
	b.waitFresh()
	if m := b.main(); !strings.Contains(m, "The work needs an accredited officer") ||
		!strings.Contains(m, "Where it comes from") || !strings.Contains(m, "Professionalising Investigation Programme") {
		t.Fatalf("the Why? link did not open the rule's guidance: %s", m)
	}
	if !strings.HasSuffix(b.location(), "/guidance/accreditation") {
		t.Errorf("at %s, want /guidance/accreditation", b.location())
	}
	b.check("72-guidance-accreditation")
}
