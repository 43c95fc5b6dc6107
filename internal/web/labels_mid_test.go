package web

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
)

// TestSourcesReadInASentence: a referral's source is shown by its label,
// lower-cased mid-sentence but for an acronym (the walk of 2026-12-06 found
// "referred by social_care").
func TestSourcesReadInASentence(t *testing.T) {
	for code, want := range map[string]string{
		"social_care": "children's social care",
		"CEOP":        "CEOP",
		"MASH":        "multi-agency safeguarding hub (MASH)",
		"self":        "self-referral",
	} {
		if got := lowerFirst(domain.SourceLabel(code)); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
	if got := caseFuncs["sourceLabel"].(func(string) string)("social_care"); got != "Children's social care" {
		t.Errorf("sourceLabel: %q", got)
	}
}
