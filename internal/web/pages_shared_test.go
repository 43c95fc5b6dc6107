package web

import (
	"strings"
	"testing"
)

// TestPaginationShared: the links, network and matches pages each carried
// a copy of the GOV.UK pagination block, which drifted apart (one had the
// arrows, two did not). They share layout.html's "pages" template.
func TestPaginationShared(t *testing.T) {
	for _, n := range []string{"links", "network", "person_matches"} {
		b, err := templateFS.ReadFile("templates/" + n + ".html")
		if err != nil {
			t.Fatal(err)
		}
		if s := string(b); strings.Contains(s, `class="govuk-pagination"`) || !strings.Contains(s, `{{template "pages"`) {
			t.Errorf("%s.html has its own pagination block, not the shared one", n)
		}
	}
}
