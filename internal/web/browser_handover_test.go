package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestHandOnALeaversCasesInTheBrowser (the walk of 7 December 2026): an
// officer marked as a leaver, the sergeant's My work asks them to hand on
// the leaver's open cases; the page lists each case (its victims, what is
// due next, its risks) with a chooser of the team's officers and what they
// hold, and one chooser for the rest; the check lists who gets what, and
// the hand-on says so. Every page is axe-clean, at 1280 and 375 pixels.
func TestHandOnALeaversCasesInTheBrowser(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	amy := f.AddUser(t, service.NewUser{Username: "amy", Name: "Amy Lloyd", Collar: "C4411",
		Rank: domain.RankConstable, UnitID: f.TeamA, Roles: []domain.Role{domain.RoleInvestigator},
		Password: fixture.Password})
	a, b := f.Allocated(t), f.Allocated(t)
	must(f.Svc.AddVictim(ctx, f.Liaison, b.ID, service.NewVictim{Version: b.Version, Name: "Vicky Vale",
		DateOfBirth: "2011-04-02"}))
	if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: f.Investigator.ID(), Reason: "retired"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Svc.Sweep(ctx, service.SystemActor("watchdog"), service.SweepOptions{}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	br := newBrowser(t, srv.URL)
	br.signIn("sam")

	br.open("/work")
	br.follow("Hand on DC Ivy Investigator's 2 open cases")
	if !br.has(`//h1[normalize-space()="Hand on DC Ivy Investigator's cases"]`) ||
		!br.has(`//*[contains(@class,'govuk-summary-card')]//dd[normalize-space()='Vicky Vale']`) ||
		!br.has(`//select[@id='f-all']/option[normalize-space()='DC Amy Lloyd (0 open cases, 0 overdue duties)']`) {
		t.Fatalf("the hand-on page: %s", br.main())
	}
	br.check("95-hand-on")
	br.run(chromedp.EmulateViewport(375, 812))
	br.check("95-hand-on-375")
	br.run(chromedp.EmulateViewport(1280, 1000))

	// One case by hand, the rest to Amy.
	br.run(choose("f-owner-"+a.ID, "DC Ian Investigator"), choose("f-all", "DC Amy Lloyd"))
	br.press("Continue")
	m := br.main()
	if !strings.Contains(m, "Check your answers") || !br.has(`//dl[@id='hand-on-check']//dd[normalize-space()='DC Amy Lloyd']`) ||
		!br.has(`//dl[@id='hand-on-check']//dd[normalize-space()='DC Ian Investigator']`) {
		t.Fatalf("the check: %s", m)
	}
	br.check("96-hand-on-check")
	br.press("Hand on 2 cases")
	m = br.main()
	if !strings.Contains(m, "handed to DC") || !strings.Contains(m, "1 to DC") ||
		!strings.Contains(m, "owns no open case in your command") {
		t.Fatalf("after the hand-on: %s", m)
	}
	br.check("97-handed-on")
	for id, want := range map[string]string{a.ID: f.Investigator2.ID(), b.ID: amy.ID()} {
		c, err := db.Case(ctx, id)
		if err != nil || c.OwnerID != want || c.OpenFinding(service.FindingOrphaned) != nil {
			t.Errorf("%s after the hand-on: owner %s (want %s), finding %v (%v)", c.Ref, c.OwnerID, want,
				c.OpenFinding(service.FindingOrphaned), err)
		}
	}
}

// TestHandOnMovesLinesOfEnquiryInTheBrowser (the re-walk of 7 December
// 2026): after a hand-on, the case's line of enquiry still read
// "Allocated — DC Ivy Investigator (left)". The hand-on page lists the
// lines of enquiry that go with each case, the check says to whom, and
// afterwards the case page shows the new officer; the leaver's line of
// enquiry on another officer's case stays listed with who must reallocate
// it and a link to do it. Axe-clean at 1280 and 375 pixels.
func TestHandOnMovesLinesOfEnquiryInTheBrowser(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	amy := f.AddUser(t, service.NewUser{Username: "amy", Name: "Amy Lloyd", Collar: "C4411",
		Rank: domain.RankConstable, UnitID: f.TeamA, Roles: []domain.Role{domain.RoleInvestigator},
		Password: fixture.Password})
	ivy := f.Investigator.ID()
	own, ians := f.Allocated(t), f.Allocated(t)
	ians = must(f.Svc.AssignOwner(ctx, f.Supervisor, ians.ID, service.AssignOwner{Version: ians.Version,
		OwnerID: f.Investigator2.ID()}))
	own = must(f.Svc.RaiseAction(ctx, f.Investigator, own.ID, service.NewAction{Version: own.Version,
		Title: "Trace the vehicle"}))
	must(f.Svc.AllocateAction(ctx, f.Investigator, own.ID, service.AllocateAction{Version: own.Version,
		Action: own.Actions[0].ID, To: ivy}))
	ians = must(f.Svc.RaiseAction(ctx, f.Investigator2, ians.ID, service.NewAction{Version: ians.Version,
		Title: "Seize the laptop"}))
	must(f.Svc.AllocateAction(ctx, f.Investigator2, ians.ID, service.AllocateAction{Version: ians.Version,
		Action: ians.Actions[0].ID, To: ivy}))
	if err := f.Svc.UserLeaves(ctx, f.Admin, service.UserLeaves{User: ivy, Reason: "retired"}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	br := newBrowser(t, srv.URL)
	br.signIn("sam")

	br.open("/team/leavers/" + ivy)
	reallocate := `//table[@id='elsewhere-actions']//a[starts-with(normalize-space(),'Reallocate A1')]`
	if !br.has(`//*[@id='case-`+own.ID+`']//li[normalize-space()='A1 Trace the vehicle (allocated to DC Ivy Investigator)']`) ||
		!br.has(`//table[@id='elsewhere-actions']//td[contains(normalize-space(),'A1 Seize the laptop')]`) ||
		!br.has(`//table[@id='elsewhere-actions']//td[contains(normalize-space(),'DC Ian Investigator, the officer in charge')]`) ||
		!br.has(reallocate) {
		t.Fatalf("the hand-on page does not list the lines of enquiry: %s", br.main())
	}
	br.check("98-hand-on-actions")
	br.run(chromedp.EmulateViewport(375, 812))
	br.check("98-hand-on-actions-375")
	br.run(chromedp.EmulateViewport(1280, 1000))

	br.run(choose("f-all", "DC Amy Lloyd"))
	br.press("Continue")
	if !br.has(`//dl[@id='hand-on-check']//li[starts-with(normalize-space(),'A1 Trace the vehicle — to DC Amy Lloyd, target')]`) {
		t.Fatalf("the check does not say where the line of enquiry goes: %s", br.main())
	}
	br.check("98-hand-on-actions-check")
	br.press("Hand on 1 case")
	if m := br.main(); !strings.Contains(m, "1 case handed to DC Amy Lloyd") || !br.has(reallocate) {
		t.Fatalf("after the hand-on: %s", m)
	}
	br.open("/cases/" + request.PathRef(own.Ref))
	if m := br.main(); strings.Contains(m, "(left)") || !strings.Contains(m, "Trace the vehicle") {
		t.Errorf("the handed-on case's line of enquiry still with the leaver: %s", m)
	}
	if c, err := db.Case(ctx, own.ID); err != nil || c.Actions[0].AllocatedTo != amy.ID() {
		t.Errorf("A1 after the hand-on: %+v (%v)", c.Actions[0], err)
	}
	// The link on the leaver's page opens Ian's case's own form.
	br.open("/team/leavers/" + ivy)
	br.follow("Reallocate A1 on " + ians.Ref)
	if !br.has(`//select[@name='to']`) {
		t.Errorf("the reallocate link: %s", br.main())
	}
}
