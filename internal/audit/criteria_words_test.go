package audit_test

import (
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/audit"
)

// TestCriteriaRefusedInWords: criteria refused for a date that is not one,
// an outcome the policy does not have, or too many outcomes say so as the
// plan form does, each message a sentence, with no format or raw code to
// decode.
func TestCriteriaRefusedInWords(t *testing.T) {
	many := make([]string, 201)
	for i := range many {
		many[i] = "x"
	}
	p := audit.Validate(audit.Criteria{ClosedFrom: "2026-02-31", ReportedTo: "soon",
		Outcomes: []string{"no_such"}, ExcludeOutcomes: many}, pol)
	var got []string
	for _, x := range p {
		got = append(got, x.Field+": "+x.Message)
	}
	want := []string{
		"criteria.reported_to: Reported to must be a real date, for example 27 3 2026.",
		"criteria.closed_from: Closed from must be a real date, for example 27 3 2026.",
		`criteria.outcomes[0]: The force's policy has no outcome "no_such": choose outcomes from the list.`,
		"criteria.exclude_outcomes: Choose 200 outcomes or fewer.",
	}
	if !slices.Equal(got, want) {
		t.Errorf("refused with\n%q\nwant\n%q", got, want)
	}
}
