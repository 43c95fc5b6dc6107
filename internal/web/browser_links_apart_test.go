package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// TestLinksTellApartInTheBrowser: one suspect linked to three cases of a
// team the investigator may not see shows three cards that read apart (what
// matched, numbered, whom to ask), none naming the other cases; the
// analyst's network lists two unconfirmed records of one name as two key
// people, each with its case; and a person's matches page counts what it
// lists and pages it. Every page passes axe, and each step is a screenshot.
func TestLinksTellApartInTheBrowser(t *testing.T) {
	f, _, b := findWorld(t)
	ctx := context.Background()
	others := teamCCases(t, f,
		service.NewSuspect{Name: "Mark Okafor", Phone: "07700 900111"},
		service.NewSuspect{Name: "Marek Okafer", Vehicle: "pe20fef"},
		service.NewSuspect{Name: "Marek Okafor", DateOfBirth: "1988-04-09",
			Address: "12 High Street, Holtby HB1 2CD"})
	c := f.Allocated(t)
	c = must(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
		Name: "Marek Okafor", DateOfBirth: "1988-04-09", Phone: "+44 7700 900111", Vehicle: "PE20FEF",
		Address: "12 High St, Holtby HB1 2CD"}))
	if len(c.Links) != 3 {
		t.Fatalf("links raised: %+v", c.Links)
	}

	b.signIn("ivy")
	b.open("/cases/" + request.PathRef(c.Ref) + "/links")
	b.expect("the links page", "Possible link 1 of 3 for this person", "What matched", "Who to ask",
		"PE20 FEF", "DC Olly Other, who supervises its team")
	var cards []string
	b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll(".govuk-summary-card .govuk-summary-list"))`+
		`.map(e => e.innerText)`, &cards))
	if len(cards) != 3 {
		t.Fatalf("%d cards, want 3", len(cards))
	}
	seen := map[string]bool{}
	for _, card := range cards {
		if seen[card] {
			t.Errorf("two cards read alike: %s", card)
		}
		seen[card] = true
	}
	m := b.main()
	for _, o := range others {
		if strings.Contains(m, o.Ref) {
			t.Errorf("Ivy is shown %s, which she may not see", o.Ref)
		}
	}
	b.check("links-apart-01-cards")
	b.signOut()

	b.signIn("ana")
	b.open("/network?case=" + request.PathRef(c.Ref))
	var rows []string
	b.run(chromedp.Evaluate(`Array.from(document.querySelectorAll("#key-people tbody tr"))`+
		`.map(r => r.cells[0].innerText + " | " + r.cells[1].innerText)`, &rows))
	okafor := 0
	for _, r := range rows {
		if strings.HasPrefix(r, "Marek Okafor") {
			okafor++
			if !strings.Contains(r, "not confirmed as one person") {
				t.Errorf("a namesake key person is not told apart: %q", r)
			}
		}
		if seen[r] {
			t.Errorf("two key people read alike: %q", r)
		}
		seen[r] = true
	}
	if okafor != 2 {
		t.Errorf("%d key people named Marek Okafor, want 2 (one on each case): %q", okafor, rows)
	}
	b.expect("the network", "Suspect on "+c.Ref, "Suspect on "+others[2].Ref)
	b.check("links-apart-02-network")

	b.open("/cases/" + request.PathRef(c.Ref) + "/people/" + c.Suspects[0].ID + "/matches")
	b.expect("the matches page", "3 people on other cases may be Marek Okafor", "phone the same", "the same vehicle",
		"Agreed: ", "Strongly for")
	if strings.Contains(b.main(), "Jaro-Winkler") {
		t.Error("the matches page names a measure")
	}
	b.check("links-apart-03-matches")
}
