package web

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
)

// TestPossessiveTheGOVUKWay: the close page said "Record Jade Lewis' view"
// (the page's possessive) beside "Victim Jade Lewis's view" (the closure
// rule's): one helper, the GOV.UK way, "'s" even after an s.
func TestPossessiveTheGOVUKWay(t *testing.T) {
	for name, want := range map[string]string{"Jade Lewis": "Jade Lewis's", "Child A": "Child A's", "James": "James's"} {
		if got := caseFuncs["possessive"].(func(string) string)(name); got != want {
			t.Errorf("the pages' possessive of %q is %q, want %q", name, got, want)
		}
		if got := domain.Possessive(name); got != want {
			t.Errorf("domain.Possessive(%q) = %q, want %q", name, got, want)
		}
	}
}
