package web_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestBreakGlassInTheBrowser (issue 16): an officer of another team opens
// a case outside their need to know; the refusal offers emergency access;
// the form asks why (refusing no reason with an error summary); the case
// then opens read-only with a banner on every page of it saying when the
// access ends and that it is recorded; the auditor finds it on the page of
// accesses awaiting review and reviews it. Every page is axe-clean.
func TestBreakGlassInTheBrowser(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db)
	c := f.Allocated(t) // CSE Team North's; olly is on another team
	srv := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
	t.Cleanup(srv.Close)
	b := newBrowser(t, srv.URL)
	path := "/cases/" + request.PathRef(c.Ref)

	b.signIn("olly")
	b.open(path)
	if !b.has(`//a[@id='break-glass' and normalize-space()='Request emergency access']`) {
		t.Fatalf("the refusal does not offer emergency access: %s", b.main())
	}
	if strings.Contains(b.main(), c.Summary) {
		t.Fatal("the refusal shows the case")
	}
	b.check("60-glass-refused")
	b.follow("Request emergency access")
	b.check("61-glass-form")
	b.press("Open the case in an emergency")
	if !b.has(`//div[contains(@class,'govuk-error-summary')]//a[@href='#f-reason']`) ||
		!b.has(`//p[@id='f-reason-error']`) {
		t.Fatalf("no reason given: no error summary linked to the field: %s", b.main())
	}
	b.check("62-glass-no-reason")
	b.run(set("f-reason", "A child named in this case was reported missing tonight: I am the on-call "+
		"sergeant and need the family's contacts now."))
	b.press("Open the case in an emergency")
	if b.location() != srv.URL+path && !strings.HasPrefix(b.location(), srv.URL+path+"?") {
		t.Fatalf("after asking, at %s, want the case", b.location())
	}
	gs, err := f.Svc.BreakGlassAwaitingReview(context.Background(), f.Auditor)
	if err != nil || len(gs) != 1 {
		t.Fatalf("accesses awaiting review: %+v %v", gs, err)
	}
	ends := clock.GovUKClock(gs[0].Access.Until)
	want := "Your emergency access to this case ends at " + ends + ". Everything you look at is being recorded."
	for _, s := range []string{"", "/history", "/victims", "/do/add-note"} {
		if s != "" {
			b.open(path + s)
		}
		if m := b.main(); !strings.Contains(m, want) {
			t.Errorf("%s%s has no banner saying %q: %.600s", path, s, want, m)
		}
		if s == "/do/add-note" && b.has(`//main//form[@method='post']`) {
			t.Error("emergency access is offered a form that writes")
		}
	}
	b.open(path)
	b.check("63-glass-case")
	b.signOut()

	b.signIn("aud")
	b.open("/break-glass/reviews")
	if m := b.main(); !strings.Contains(m, c.Ref) || !strings.Contains(m, "DC Olly Other") ||
		!strings.Contains(m, "reported missing tonight") {
		t.Fatalf("the review page does not list the access: %s", m)
	}
	b.check("64-glass-reviews")
	b.follow("Review DC Olly Other's access to " + c.Ref)
	b.check("65-glass-review")
	b.press("Record the review")
	if !b.has(`//div[contains(@class,'govuk-error-summary')]//a[@href='#f-note']`) {
		t.Fatalf("a review with no note: no error summary linked to the field: %s", b.main())
	}
	b.check("66-glass-review-no-note")
	b.run(set("f-note", "Justified: the child was missing and the team's sergeant was off duty."))
	b.press("Record the review")
	if m := b.main(); !strings.Contains(m, "has been reviewed") || !strings.Contains(m, "No emergency access is "+
		"awaiting review") {
		t.Fatalf("after the review: %s", m)
	}
	b.check("67-glass-reviewed")
	b.open(path + "/history")
	if m := b.main(); !strings.Contains(m, "Justified: the child was missing") {
		t.Errorf("the case's history does not show the review: %.1500s", m)
	}
}
