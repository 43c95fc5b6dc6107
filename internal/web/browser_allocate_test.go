package web_test

import (
	"context"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAllocateAndDirectWithCaseloads (the walk of 7 December 2026): a
// supervisor allocating a referral sees each officer of the team, by rank
// and name, with their open cases and overdue duties, and chooses one; a
// supervisory review gives each direction to an officer, the officer in
// charge unless another is chosen, and each becomes an action allocated
// to them. Every page is axe-clean.
func TestAllocateAndDirectWithCaseloads(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	f.Allocated(t) // DC Ivy Investigator holds one case
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	b.signIn("sam")

	r := f.Referral(t)
	b.open("/cases/" + request.PathRef(r.Ref))
	b.follow("Allocate")
	m := b.main()
	ian, ivy := strings.Index(m, "DC Ian Investigator"), strings.Index(m, "DC Ivy Investigator")
	if !b.has(`//table[@id='caseloads']//tr[td[1][normalize-space()='DC Ivy Investigator'] and td[2][normalize-space()='1'] and td[3][normalize-space()='0']]`) ||
		!b.has(`//select[@id='f-owner_id']/option[normalize-space()='DC Ian Investigator (0 open cases, 0 overdue duties)']`) ||
		ian < 0 || ivy < ian {
		t.Fatalf("the allocation page does not list the officers by name with their caseloads: %s", m)
	}
	b.check("80-allocate-with-caseloads")
	b.run(choose("f-owner_id", "DC Ian Investigator"))
	b.press("Allocate")
	if m := b.main(); !strings.Contains(m, "Owner assigned: DC Ian Investigator is now the officer in charge") {
		t.Fatalf("allocation: %s", m)
	}

	b.open("/cases/" + request.PathRef(r.Ref) + "/do/review")
	if got := b.value("f-direction-1-to"); got != f.Investigator2.ID() {
		t.Fatalf("a direction is not the officer in charge's unless changed: %q", got)
	}
	b.press("Add another direction")
	if !b.has(`//input[@id='f-direction-4']`) {
		t.Fatalf("Add another direction offers no fourth: %s", b.main())
	}
	b.run(set("f-summary", "Reviewed: the phone and the school first"),
		set("f-direction-1", "Trace the phone"), set("f-direction-2", "Visit the school"),
		choose("f-direction-2-to", "DC Ivy Investigator"))
	b.check("81-review-directions")
	b.press("Record the review")
	if m := b.main(); !strings.Contains(m, "Supervisory review recorded") {
		t.Fatalf("the review: %s", m)
	}
	c, err := db.Case(context.Background(), r.ID)
	if err != nil || len(c.Actions) != 2 || c.Actions[0].AllocatedTo != f.Investigator2.ID() ||
		c.Actions[1].AllocatedTo != f.Investigator.ID() {
		t.Fatalf("the directions were not allocated as chosen: %+v %v", c.Actions, err)
	}
}

// TestReviewDirectionRefusalsLinkTheirFields: a review giving directions
// to officers who cannot hold the case is refused with every reason, each
// linked to its direction's chooser, and what was typed is kept.
func TestReviewDirectionRefusalsLinkTheirFields(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		c := f.Allocated(t)
		sam := newClient(t, base, "sam")
		path := "/cases/" + request.PathRef(c.Ref) + "/do/review"
		_, page := sam.get(path)
		status, body := sam.post(path, url.Values{"csrf": {sam.csrf(page)}, "version": {itoa(c.Version)},
			"summary": {"Reviewed"}, "direction-1": {"Trace the phone"}, "direction-1-to": {""},
			"direction-2": {""}, "direction-2-to": {""},
			"direction-3": {"Visit the school"}, "direction-3-to": {f.OtherTeam.ID()},
			"direction-4": {"Speak to the mother"}, "direction-4-to": {"nobody"}})
		if status != 422 || !strings.Contains(body, `href="#f-direction-3-to"`) ||
			!strings.Contains(body, `href="#f-direction-4-to"`) || !strings.Contains(body, "DC Olly Other cannot see") ||
			!strings.Contains(body, `value="Speak to the mother"`) {
			t.Fatalf("the refused directions: %d\n%s", status, body)
		}
		if got, _ := db.Case(context.Background(), c.ID); len(got.Actions) != 0 {
			t.Errorf("a refused review raised %d actions", len(got.Actions))
		}
	})
}
