package service

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// doingRE finds what a role check says the refused person cannot do:
// a.need("reading the security log", …), a.mayDo(org, c, "reopen cases", …).
var doingRE = regexp.MustCompile(`\.(?:need|mayDo)\((?:[^"()]*, )?"([^"]+)"`)

// TestEveryRefusalReadsAsASentence: every "Only … can …" a role check
// writes completes with a verb ("can read the security log"), never a
// gerund ("can reading the security log", as the page said).
func TestEveryRefusalReadsAsASentence(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range doingRE.FindAllStringSubmatch(string(src), -1) {
			seen++
			verb, _, _ := strings.Cut(infinitive(m[1]), " ")
			if strings.HasSuffix(verb, "ing") {
				t.Errorf("%s: \"Only … can %s.\"", f, infinitive(m[1]))
			}
		}
	}
	if seen < 20 {
		t.Fatalf("found %d role checks: the pattern no longer finds them", seen)
	}
}
