package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// TestAnalystRulesOutALinkInTheBrowser: the analyst finds a possible link
// awaiting review in the network around a case, opens it, is told a reason
// is needed to rule it out, gives one, and the decision is recorded on both
// cases as hers, with both owners told in their inboxes. Every page passes
// axe, and each step is a screenshot.
func TestAnalystRulesOutALinkInTheBrowser(t *testing.T) {
	f, db, b := findWorld(t)
	ctx := context.Background()
	other := must(f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "referral",
		OffenceTypes: []string{"child_sexual_exploitation"}}))
	other = must(f.Svc.AddSuspect(ctx, f.OtherTeam, other.ID, service.NewSuspect{Version: other.Version,
		Name: "Jon Smyth", DateOfBirth: "1979-11-02", Phone: "07700 900555"}))
	c := f.Allocated(t)
	c = must(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
		Name: "John Smith", DateOfBirth: "1979-11-02", Phone: "+44 7700 900555"}))
	if len(c.Links) != 1 {
		t.Fatalf("no link raised: %+v", c.Links)
	}

	b.signIn("ana")
	b.open("/network?case=" + c.Ref)
	b.expect("the network", "Possible links awaiting review", "Suspect John Smith", "Jon Smyth", other.Ref)
	b.check("link-decision-01-network")
	b.followLink("Confirm or rule out")
	b.expect("the links page", "Are they the same person?", "Jon Smyth")
	b.check("link-decision-02-links")
	b.run(clickX(`//label[contains(., 'No: not the same person')]`))
	b.press("Record the review")
	b.expect("refused without a reason", "There is a problem", "Say why the two are not the same person")
	b.check("link-decision-03-reason-needed")
	b.run(chromedp.SendKeys("#f-note", "Different man: custody photographs compared"))
	b.press("Record the review")
	b.expect("after the decision", "Marked not the same person", "Not the same person",
		"Ana Analyst: Different man: custody photographs compared")
	b.check("link-decision-04-ruled-out")

	for _, id := range []string{c.ID, other.ID} {
		got, _ := db.Case(ctx, id)
		if l := got.Links[0]; l.Outcome != domain.LinkNotSame || l.ReviewedBy != f.Analyst.ID() {
			t.Errorf("%s: link %+v", got.Ref, l)
		}
	}
	for _, who := range []*service.Actor{f.Investigator, f.OtherTeam} {
		in, err := f.Svc.Inbox(ctx, who)
		if err != nil {
			t.Fatal(err)
		}
		told := false
		for _, al := range in {
			told = told || al.Kind == domain.AlertLinkDecided && strings.Contains(al.Text, "ruled out")
		}
		if !told {
			t.Errorf("%s was not told of the analyst's decision", who.User.Name)
		}
	}
}
