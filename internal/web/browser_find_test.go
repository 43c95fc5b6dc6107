package web_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// findWorld is the fixture force served for the finding journeys.
func findWorld(t *testing.T) (*fixture.Force, *sqlstore.DB, *browser) {
	t.Helper()
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	return f, db, newBrowser(t, srv.URL)
}

func sweepNow(t *testing.T, f *fixture.Force) {
	t.Helper()
	if _, err := f.Svc.Sweep(context.Background(), service.SystemActor("watchdog"),
		service.SweepOptions{AsOf: f.Clock.Now()}); err != nil {
		t.Fatal(err)
	}
}

// TestVictimLiaisonUpdatesAnOverdueVictimInTheBrowser: the victim liaison
// officer's home lists the victim whose update is overdue, with the plan,
// the last contact and the case's owner; recording the contact from that
// list, in one step, takes the victim off the overdue list.
func TestVictimLiaisonUpdatesAnOverdueVictimInTheBrowser(t *testing.T) {
	f, db, b := findWorld(t)
	ctx := context.Background()
	c := f.Allocated(t)
	c = must(f.Svc.AddVictim(ctx, f.Investigator, c.ID, service.NewVictim{Version: c.Version, Name: "Child B",
		DateOfBirth: "2012-01-01"}))
	v := c.Victims[0]
	c = must(f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v.ID,
		Kind: domain.ContactUpdate, Method: "phone", Note: "first contact"}))
	c = must(f.Svc.AgreeContactPlan(ctx, f.Liaison, c.ID, service.AgreeContactPlan{Version: c.Version, Victim: v.ID,
		EveryDays: 14, Method: "phone via mother"}))
	must(f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v.ID,
		Kind: domain.ContactSupportReferral, Method: "phone", Note: "referred to the ISVA service"}))
	f.Clock.Advance(20 * 24 * time.Hour)

	b.signIn("lia")
	b.expect("the liaison's home", "Victims overdue an update", "Child B", c.Ref, "Every 14 days by phone via mother",
		"Update by phone", "DC Ivy Investigator", "overdue")
	b.check("find-01-liaison-home")
	b.run(clickX(`//summary[contains(., 'Record contact with Child B')]`),
		set("f-note-0", "Told her mother the suspect was interviewed; next call in two weeks"))
	// The case page's ways as radios, the plan's own words first and chosen.
	if !b.has(`//input[@id='f-method-0' and @type='radio' and @value='phone via mother' and @checked]`) ||
		!b.has(`//label[normalize-space()='Phone via mother (as agreed in the contact plan)']`) ||
		!b.has(`//input[@name='method' and @type='radio' and @value='visit']`) {
		t.Errorf("the contact's method is not the case page's radios with the plan's chosen: %s", b.main())
	}
	b.check("find-02-liaison-record-contact")
	b.press("Record contact")
	b.expect("after recording the contact", "Contact with Child B recorded on "+c.Ref)
	b.check("find-03-liaison-recorded")
	if m := b.main(); !strings.Contains(m, "No victim is overdue an update") || strings.Contains(m, "Victim update due") {
		t.Errorf("Child B is still due an update after the contact: %s", m)
	}
	// The contact log, not the document, holds the contact whole.
	log, _ := db.Contacts(ctx, c.ID)
	all := log[c.Victims[0].ID]
	if len(all) == 0 {
		t.Fatal("no contact in the contact log")
	}
	last := all[len(all)-1]
	if last.Kind != domain.ContactUpdate || last.By != f.Liaison.ID() || !strings.Contains(last.Note, "next call") {
		t.Errorf("the contact recorded: %+v", last)
	}
}

// TestManagerWorksEscalationsInTheBrowser: duties left overdue in the
// manager's command are escalated; the manager's home lists them with who
// owes each, and each leads to its case; the inbox has them too.
func TestManagerWorksEscalationsInTheBrowser(t *testing.T) {
	f, _, b := findWorld(t)
	late := f.Referral(t) // nobody allocates it
	for _, d := range []time.Duration{8, 12, 16, 24} {
		f.Clock.Advance(d * 24 * time.Hour)
		sweepNow(t, f)
	}
	b.signIn("ines")
	b.expect("the manager's home", "Escalations in your command", late.Ref, "Allocate the referral",
		"DS Sam Supervisor")
	b.check("find-04-manager-home")
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(fmt.Sprintf(`//table[@id='escalations']//a[normalize-space()=%q]`, late.Ref)))
	b.waitFresh()
	if !strings.Contains(b.location(), "/cases/"+strings.ReplaceAll(late.Ref, "/", "-")) {
		t.Fatalf("the escalation led to %s, not its case", b.location())
	}
	b.check("find-05-manager-escalated-case")
	b.open("/team")
	b.expect("the team board", late.Ref)
	b.check("find-06-manager-team-board")
}

// TestSearchByPhoneAndSlashReferenceInTheBrowser: a phone number however
// written finds the case its suspect is on; a reference with slashes goes
// straight to its case; the case list pages with a cursor that comes back.
func TestSearchByPhoneAndSlashReferenceInTheBrowser(t *testing.T) {
	f, _, b := findWorld(t)
	ctx := context.Background()
	var first *domain.Case
	for i := 0; i < service.CaseListLimit+3; i++ {
		c := f.Referral(t)
		if first == nil {
			first = c
		}
	}
	c := f.Allocated(t)
	must(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version, Name: "Adam Smith",
		Phone: "07700 900123", Vehicle: "AB12 CDE"}))

	b.signIn("sam")
	b.open("/cases")
	b.check("find-07-case-list")
	b.run(set("f-q", "+44 7700 900123"))
	b.press("Search")
	b.expect("a search by phone", c.Ref, "Suspect: Adam Smith — phone 07700 900123", "read as phone")
	b.check("find-08-search-phone")
	b.follow(c.Ref)
	if !strings.Contains(b.location(), "/cases/"+strings.ReplaceAll(c.Ref, "/", "-")) {
		t.Fatalf("the search result led to %s", b.location())
	}

	// A reference as the screen shows it, slashes and all, and shortened.
	short := first.Ref[4:8] + "/" + strings.TrimLeft(first.Ref[9:], "0")
	for _, q := range []string{first.Ref, short} {
		b.open("/cases")
		b.run(set("f-q", q))
		b.press("Search")
		if !strings.Contains(b.location(), "/cases/"+strings.ReplaceAll(first.Ref, "/", "-")) {
			t.Fatalf("searching %q led to %s, want the case %s", q, b.location(), first.Ref)
		}
	}
	b.check("find-09-search-reference")

	// The list, newest first: Next goes to older cases and Previous back.
	b.open("/cases")
	top := b.main()
	if !strings.Contains(top, c.Ref) || strings.Contains(top, first.Ref) {
		t.Fatalf("the first page is not the newest cases: %s", top)
	}
	b.followLink("Older cases")
	if loc := b.location(); !strings.Contains(loc, "before=CSE%2F") || strings.Contains(loc, "%252F") {
		t.Errorf("the next page's address %s does not carry the cursor once encoded", loc)
	}
	b.expect("the second page", first.Ref)
	if strings.Contains(b.main(), c.Ref) {
		t.Error("the second page repeats the first")
	}
	b.check("find-10-case-list-next")
	b.followLink("Newer cases")
	b.expect("back to the first page", c.Ref)
}

// TestSearchForAFullNameInTheBrowser: the search for "Yusuf Green" shows
// the older case whose victim is Yusuf Green above the newer case of Mark
// Green and Yusuf Okafor, whose row says the names are different
// people's; the page passes its accessibility check.
func TestSearchForAFullNameInTheBrowser(t *testing.T) {
	f, _, b := findWorld(t)
	ctx := context.Background()
	one := f.Allocated(t)
	must(f.Svc.AddVictim(ctx, f.Investigator, one.ID, service.NewVictim{Version: one.Version, Name: "Yusuf Green",
		DateOfBirth: "2011-04-02"}))
	two := f.Allocated(t)
	two = must(f.Svc.AddSuspect(ctx, f.Investigator, two.ID, service.NewSuspect{Version: two.Version,
		Name: "Mark Green"}))
	must(f.Svc.AddVictim(ctx, f.Investigator, two.ID, service.NewVictim{Version: two.Version, Name: "Yusuf Okafor",
		DateOfBirth: "2012-05-06"}))

	b.signIn("sam")
	b.open("/cases")
	b.run(set("f-q", "Yusuf Green"))
	b.press("Search")
	b.expect("a search for a full name", "Victim: Yusuf Green", "Names match different people in this case")
	page := b.main()
	if i, j := strings.Index(page, one.Ref), strings.Index(page, two.Ref); i < 0 || j < i {
		t.Fatalf("Yusuf Green's case %s is not listed before the two people's %s:\n%s", one.Ref, two.Ref, page)
	}
	if strings.Count(page, "Names match different people in this case") != 1 {
		t.Errorf("the mark is not on the two people's case alone:\n%s", page)
	}
	b.check("find-11-search-full-name")
}

// TestInboxAcknowledgeAndDoneInTheBrowser: the supervisor's escalations
// are counted in the navigation; acknowledging one lowers the count, and
// marking it done takes it out of the inbox into the done list.
func TestInboxAcknowledgeAndDoneInTheBrowser(t *testing.T) {
	f, db, b := findWorld(t)
	late := f.Referral(t)
	other := f.Referral(t)
	f.Clock.Advance(10 * 24 * time.Hour)
	sweepNow(t, f)

	b.signIn("sam")
	b.waitText("#unread", "2")
	b.open("/inbox")
	b.expect("the inbox", late.Ref, other.Ref, "Allocate the new referral")
	b.check("find-11-inbox")
	before, _ := db.LatestSeq(context.Background())
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(fmt.Sprintf(`//tr[td/a[normalize-space()=%q]]//button[starts-with(normalize-space(), 'Acknowledge')]`,
			late.Ref)))
	b.waitFresh()
	b.expect("after acknowledging", "Alert acknowledged: "+late.Ref)
	b.waitText("#unread", "1")
	b.check("find-12-inbox-acknowledged")
	b.run(chromedp.Evaluate(`document.body.dataset.stale = "1"`, nil),
		clickX(fmt.Sprintf(`//tr[td/a[normalize-space()=%q]]//button[starts-with(normalize-space(), 'Mark as done')]`,
			late.Ref)))
	b.waitFresh()
	m := b.expect("after marking done", "Alert marked as done: "+late.Ref, other.Ref)
	if strings.Contains(strings.ReplaceAll(m, "Alert marked as done: "+late.Ref, ""), late.Ref) {
		t.Errorf("the done alert is still listed: %s", m)
	}
	b.check("find-13-inbox-done")
	b.follow("Done")
	b.expect("the done list", late.Ref)
	b.check("find-14-inbox-done-list")
	if after, _ := db.LatestSeq(context.Background()); after <= before {
		t.Error("acknowledging and finishing alerts recorded nothing")
	}
}
