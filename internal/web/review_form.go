package web

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// reviewSlots is how many directions the review form offers at first;
// "Add another direction" offers one more each time.
const reviewSlots = 3

// maxSlots bounds the directions one form may send.
const maxSlots = 50

// reviewForm is the supervisory review: what was reviewed, then each
// direction with the officer who does it (the officer in charge unless
// another is chosen), by rank and name with what each holds.
func reviewForm(s *service.Service) caseForm {
	cf := caseForm{done: "Supervisory review recorded", section: "decisions", button: "Record the review",
		title: titled("Record a supervisory review"), caseloads: true, more: true,
		fields: func(v *caseView, _ string) []field {
			fs := []field{{Name: "summary", Label: "What you reviewed and concluded", Kind: "textarea"}}
			opts := v.officerOpts(v.Case.TeamID)
			opts[0] = [2]string{"", "Nobody yet: allocate it later"}
			if v.Case.OwnerID != "" {
				opts[0] = [2]string{"", "The officer in charge, " + v.Person(v.Case.OwnerID)}
			}
			for i := 1; i <= max(reviewSlots, v.Slots); i++ {
				n := strconv.Itoa(i)
				d := field{Name: "direction-" + n, Label: "Direction " + n + " (optional)", Kind: "text"}
				if i == 1 {
					d.Hint = "Each direction becomes a high-priority line of enquiry for the officer you choose"
				}
				fs = append(fs, d, field{Name: "direction-" + n + "-to", Label: "Who does direction " + n,
					Kind: "select", Options: opts, Value: v.Case.OwnerID})
			}
			return fs
		}}
	cf.run = func(ctx context.Context, a *service.Actor, caseID string, f url.Values) (*domain.Case, error) {
		in, slots := reviewInput(f)
		c, err := s.RecordReview(ctx, a, caseID, in)
		return c, slotProblems(err, slots)
	}
	cf.decode = func(url.Values) error { return nil }
	return cf
}

// directionSlots is how many direction fields a sent review form held.
func directionSlots(f url.Values) int {
	n := 0
	for n < maxSlots {
		if _, ok := f["direction-"+strconv.Itoa(n+1)]; !ok {
			break
		}
		n++
	}
	return n
}

// reviewInput reads the review form: the directions written, each with
// its officer, and the form's number of each (slots), as the service's
// problems name them by their place among those written.
func reviewInput(f url.Values) (service.RecordReview, []int) {
	in := service.RecordReview{Version: formVersion(f.Get("version")), Summary: f.Get("summary")}
	var slots []int
	for i := 1; i <= directionSlots(f); i++ {
		n := strconv.Itoa(i)
		d := strings.TrimSpace(f.Get("direction-" + n))
		if d == "" {
			continue
		}
		in.Directions = append(in.Directions, d)
		in.DirectionsTo = append(in.DirectionsTo, f.Get("direction-"+n+"-to"))
		slots = append(slots, i)
	}
	return in, slots
}

// slotProblems names the service's problems with the directions by the
// form's fields: "directions_to[1]" is the second written's officer.
func slotProblems(err error, slots []int) error {
	ps, ok := domain.AsProblems(err)
	if !ok {
		return err
	}
	out := make(domain.Problems, len(ps))
	for i, p := range ps {
		var j int
		switch {
		case scanIndex(p.Field, "directions_to[", &j) && j < len(slots):
			p.Field = fmt.Sprintf("direction-%d-to", slots[j])
		case scanIndex(p.Field, "directions[", &j) && j < len(slots):
			p.Field = fmt.Sprintf("direction-%d", slots[j])
		}
		out[i] = p
	}
	return out
}

// scanIndex reads the index of a field named prefix+"N]".
func scanIndex(field, prefix string, j *int) bool {
	rest, ok := strings.CutPrefix(field, prefix)
	if !ok {
		return false
	}
	n, err := strconv.Atoi(strings.TrimSuffix(rest, "]"))
	*j = n
	return err == nil && strings.HasSuffix(rest, "]")
}
