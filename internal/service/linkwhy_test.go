package service

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
)

// TestLinkWhyUnscoredSaysSo: a link on a shared vehicle where one person
// has no name was never scored; its alert said "under 1% likely the same
// person", as if the match were weak (re-walk, 7 December 2026).
func TestLinkWhyUnscoredSaysSo(t *testing.T) {
	for _, tc := range []struct {
		l    domain.CaseLink
		want string
	}{
		{domain.CaseLink{Probability: 0, Shared: []string{"vehicle"}},
			"no name to compare on one of them; the same vehicle"},
		{domain.CaseLink{Probability: 0.004, Shared: []string{"phone"}}, "under 1% likely the same person; the same phone"},
		{domain.CaseLink{Probability: 0.93}, "93% likely the same person"},
	} {
		if got := linkWhy(tc.l); got != tc.want {
			t.Errorf("linkWhy(%+v) = %q, want %q", tc.l, got, tc.want)
		}
	}
}
