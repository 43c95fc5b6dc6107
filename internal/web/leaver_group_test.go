package web

import (
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/service"
)

// TestLeaverDutiesAreGrouped: the leaver page lists one row for the duties
// of one kind on one case (the walk of 2026-12-07 found one case's link
// review listed ten times, and a decision notice twice for its two
// victims), counting them and giving the earliest due date.
func TestLeaverDutiesAreGrouped(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, time.UTC) }
	var ds []service.LeaverDuty
	for i := range 10 {
		ds = append(ds, service.LeaverDuty{Ref: "CSE/2026/000212", Kind: domain.DutyLinkRev, Due: day(11 - i%3),
			GoesTo: "sam"})
	}
	ds = append(ds,
		service.LeaverDuty{Ref: "CSE/2017/000002", Kind: duty.DecisionNotice, Due: day(1), Subject: "v1", GoesTo: "sam"},
		service.LeaverDuty{Ref: "CSE/2017/000002", Kind: duty.DecisionNotice, Due: day(1), Subject: "v2", GoesTo: "sam"},
		service.LeaverDuty{Ref: "CSE/2026/000212", Kind: duty.VictimUpdate, Due: day(11), GoesTo: "sam"},
	)
	gs := groupLeaverDuties(ds)
	if len(gs) != 3 {
		t.Fatalf("%d rows, want 3: %+v", len(gs), gs)
	}
	if g := gs[0]; g.Count != 10 || g.Of() != "10 possible links" || !g.Due.Equal(day(9)) {
		t.Errorf("the link reviews: %+v (%s)", g, g.Of())
	}
	if g := gs[1]; g.Count != 2 || g.Of() != "2 victims" {
		t.Errorf("the decision notices: %+v (%s)", g, g.Of())
	}
	if g := gs[2]; g.Count != 1 || g.Kind != duty.VictimUpdate {
		t.Errorf("the victim update: %+v", g)
	}
}

// TestContactMethodsOfferTheAdviserOnce: a contact plan agreed "via the
// ISVA" is offered in its own words, and not again as "Through their
// adviser (ISVA)" (the walk of 2026-12-07 found both on the contact form).
func TestContactMethodsOfferTheAdviserOnce(t *testing.T) {
	for planned, want := range map[string]int{"via the ISVA": 5, "home visit with the ISVA": 5, "phone": 5,
		"in person at school": 6, "": 5} {
		opts := methodOpts(planned)
		advisers := 0
		for _, o := range opts {
			if viaAdviser(o[1]) {
				advisers++
			}
		}
		if len(opts) != want || (planned != "phone" && planned != "in person at school" && advisers != 1) {
			t.Errorf("%q: %d options, %d through the adviser: %v", planned, len(opts), advisers, opts)
		}
	}
}

// TestAnswerUnderItsLabelSaysItOnce: "Lines of enquiry considered: 1 ..."
// under the label "Lines of enquiry considered" is shown as "1 ..." (the
// walk of 2026-12-07 found the approval and decisions pages saying it
// twice); an answer that merely starts with the words is kept whole.
func TestAnswerUnderItsLabelSaysItOnce(t *testing.T) {
	const l = "Lines of enquiry considered"
	for in, want := range map[string]string{
		"Lines of enquiry considered: 1 Strategy discussion (filed).": "1 Strategy discussion (filed).",
		"lines of enquiry considered:2 ABE":                           "2 ABE",
		"Lines of enquiry considered were all filed":                  "Lines of enquiry considered were all filed",
		"1 Strategy discussion":                                       "1 Strategy discussion",
	} {
		if got := underLabel(l, in); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}
