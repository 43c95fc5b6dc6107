package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// TestAnalystWalksANetworkInTheBrowser: one man recorded on three teams'
// cases under three spellings (and once with his date of birth
// transposed) surfaces as links raised from the index; his case's owner
// reads the alert without the other case named, and confirms the link; the
// analyst opens the networks around a case, finds him as its key person
// under his spellings with his role on each case and the phone he shares
// in words, narrows it to phones, and reads it on a phone's screen, 375 px
// wide, without scrolling sideways. Every page passes axe, and each step
// is a screenshot.
func TestAnalystWalksANetworkInTheBrowser(t *testing.T) {
	f, db, b := findWorld(t)
	ctx := context.Background()
	record := func(by *service.Actor, c *domain.Case, s service.NewSuspect) *domain.Case {
		s.Version = c.Version
		return must(f.Svc.AddSuspect(ctx, by, c.ID, s))
	}
	a := record(f.Investigator, f.Allocated(t), service.NewSuspect{Name: "Mohammed Rashid",
		DateOfBirth: "1984-05-07", Phone: "07700 900444", Vehicle: "NS65 KTR"})
	bc := must(f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "referral",
		OffenceTypes: []string{"child_sexual_exploitation"}}))
	bc = record(f.OtherTeam, bc, service.NewSuspect{Name: "Mohamed Rashid", DateOfBirth: "1984-07-05"})
	cc := must(f.Svc.OpenReferral(ctx, f.Inspector, service.NewReferral{TeamID: f.TeamB, Summary: "referral",
		OffenceTypes: []string{"child_sexual_exploitation"}}))
	cc = record(f.Inspector, cc, service.NewSuspect{Name: "Mo Rashid", Phone: "+44 7700 900444"})
	if len(bc.Links) == 0 || len(cc.Links) == 0 {
		t.Fatalf("no links raised: %+v %+v", bc.Links, cc.Links)
	}

	// The owner of team C's case: told, without team A's case named.
	b.signIn("olly")
	b.open("/cases/" + request.PathRef(bc.Ref) + "/links")
	b.expect("Olly's links page", "Suspect Mohamed Rashid", "a case in another team", "Sam Supervisor")
	if m := b.main(); strings.Contains(m, a.Ref) {
		t.Errorf("Olly is shown %s, which he may not see", a.Ref)
	}
	b.check("network-01-owner-links")
	b.run(clickX(`//label[contains(., 'Yes: link the two cases')]`))
	b.press("Record the review")
	b.expect("after the review", "Link confirmed", "Confirmed: the same person")
	b.check("network-02-owner-confirmed")
	b.signOut()

	// The analyst: the network around team C's case.
	b.signIn("ana")
	b.open("/network?case=" + request.PathRef(bc.Ref))
	b.expect("the network", "1 network", "Network 1 of 1", "Mohammed Rashid / Mohamed Rashid", "Mo Rashid",
		"Suspect on "+a.Ref, a.Ref, bc.Ref, cc.Ref, "What they share", "Phone ")
	if !b.has(`//*[name()='svg']/*[name()='title' and contains(., 'Network 1 around')]`) {
		t.Error("the network is not drawn")
	}
	b.check("network-03-analyst-network")
	b.open("/network?case=" + request.PathRef(bc.Ref) + "&kind=phone")
	if m := b.main(); strings.Contains(m, "NS65 KTR") || !strings.Contains(m, cc.Ref) {
		t.Errorf("phones only: the vehicle is shown or the case joined by the phone is not")
	}
	b.check("network-04-analyst-phones")
	// On a phone: the tables stack, and nothing reaches past the edge.
	b.run(chromedp.EmulateViewport(375, 812))
	b.open("/network?case=" + request.PathRef(bc.Ref))
	var over string
	b.run(chromedp.Evaluate(overflowJS, &over))
	if over != "" {
		t.Errorf("the network at 375 px wide scrolls sideways: %s", over)
	}
	var size int
	b.run(chromedp.Evaluate(`document.documentElement.outerHTML.length`, &size))
	if size > 50_000 {
		t.Errorf("the network page is %d bytes", size)
	}
	b.check("network-05-analyst-narrow")
	c, _ := db.Case(ctx, bc.ID)
	if c.Links[0].Outcome != domain.LinkConfirmed {
		t.Errorf("the link is %q", c.Links[0].Outcome)
	}
}
