package domain_test

import (
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
)

// TestParseRankAndRoleSpeakInSentences: a rank or role nobody knows is
// refused with a sentence that names each choice as it is typed (ranks
// with their labels), joined with "or" — never a Go list in brackets.
func TestParseRankAndRoleSpeakInSentences(t *testing.T) {
	for _, r := range domain.Ranks() {
		if got, err := domain.ParseRank(string(r)); err != nil || got != r {
			t.Errorf("ParseRank(%q) = %q, %v", r, got, err)
		}
	}
	for _, r := range domain.Roles() {
		if got, err := domain.ParseRole(string(r)); err != nil || got != r {
			t.Errorf("ParseRole(%q) = %q, %v", r, got, err)
		}
	}
	_, err := domain.ParseRank("sgt")
	if err == nil {
		t.Fatal("ParseRank accepted sgt")
	}
	msg := err.Error()
	for _, want := range []string{"“sgt” is not a rank", "sergeant (detective sergeant)",
		"or chief_constable (chief constable)", "staff (police staff), constable"} {
		if !strings.Contains(msg, want) {
			t.Errorf("ParseRank's refusal %q does not say %q", msg, want)
		}
	}
	_, err = domain.ParseRole("")
	if err == nil {
		t.Fatal("ParseRole accepted nothing")
	}
	msg2 := err.Error()
	for _, want := range []string{"Nothing is not a role", "victim_liaison", "inspector or administrator"} {
		if !strings.Contains(msg2, want) {
			t.Errorf("ParseRole's refusal %q does not say %q", msg2, want)
		}
	}
	for _, m := range []string{msg, msg2} {
		if strings.ContainsAny(m, "[]") {
			t.Errorf("a refusal prints a Go list: %q", m)
		}
	}
}
