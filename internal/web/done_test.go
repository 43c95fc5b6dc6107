package web

import (
	"net/url"
	"strings"
	"testing"
)

// TestDoneURLKeepsTheFragmentLast: a signed message after "#" is never
// sent by the browser (found by a tester: recording an accreditation
// redirected to "…#accreditations?done=…", and its banner never showed).
func TestDoneURLKeepsTheFragmentLast(t *testing.T) {
	for _, path := range []string{"/admin/users/u1#accreditations", "/cases/CSE-2026-000001"} {
		u, err := url.Parse(doneURL(path, "Accreditation recorded", "token"))
		if err != nil {
			t.Fatal(err)
		}
		if got := flash("token", u.Query()); got != "Accreditation recorded" {
			t.Errorf("%s: the page would show %q", path, got)
		}
		if want, _, _ := strings.Cut(path, "#"); u.Path != want {
			t.Errorf("%s: path %q", path, u.Path)
		}
		if _, frag, ok := strings.Cut(path, "#"); ok && u.Fragment != frag {
			t.Errorf("%s: fragment %q", path, u.Fragment)
		}
	}
}
