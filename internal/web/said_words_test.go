package web

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
)

// A tester approving a closure was told "Closure approved: the case is
// closed", naming no case (the banner may follow the approver to My work);
// a supervisor adding a suspect the index linked to three other cases was
// told only "Suspect added". The banners name the case, and say how many
// possible links were found and where they are listed.
func TestBannersNameTheCaseAndTheLinksFound(t *testing.T) {
	c := &domain.Case{Ref: "CSE/2026/000007", Status: domain.StatusClosed}
	if got := caseForms(nil)["approve-closure"].said(c, nil, nil); got != "Closure approved: CSE/2026/000007 is closed" {
		t.Errorf("approving the closure: %q", got)
	}
	c.Suspects = []domain.Suspect{{ID: "s1"}, {ID: "s2"}}
	if got := saidSuspect(c, nil, nil); got != "Suspect added" {
		t.Errorf("a suspect with no links: %q", got)
	}
	c.Links = []domain.CaseLink{{Person: "s2"}, {Person: "s1"}, {Person: "s2", Outcome: "not_same"}, {Person: "s2"}}
	if got := saidSuspect(c, nil, nil); got != "Suspect added. 2 possible links to other cases were found: "+
		"see Possible links to people on other cases, below." {
		t.Errorf("a suspect with two links: %q", got)
	}
	c.Links = c.Links[:2]
	if got := saidSuspect(c, nil, nil); got != "Suspect added. 1 possible link to another case was found: "+
		"see Possible links to people on other cases, below." {
		t.Errorf("a suspect with one link: %q", got)
	}
}
