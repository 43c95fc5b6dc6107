package web

import "testing"

// A contact method is free text: the history must not say "by via the
// ISVA" (seen on the demo's cases).
func TestByMethodReadsAsEnglish(t *testing.T) {
	for in, want := range map[string]string{
		"":                        "",
		"phone":                   " by phone",
		"  home visit ":           " by home visit",
		"via the ISVA":            " via the ISVA",
		"In person at school":     " In person at school",
		"by letter":               " by letter",
		"through their adviser":   " through their adviser",
		"video call":              " by video call",
		"invitation to interview": " by invitation to interview",
	} {
		if got := byMethod(in); got != want {
			t.Errorf("byMethod(%q) = %q, want %q", in, got, want)
		}
	}
}
