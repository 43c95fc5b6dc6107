package service

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// forbiddenRE finds a Forbidden written out, to the end of its literal.
var forbiddenRE = regexp.MustCompile(`(?s)&Forbidden\{.*?[")]\}\n`)

// TestEveryOnlyRefusalSaysWhatItRefuses: a refusal that says "Only … can
// …" names what it refuses in Doing, which the page's title reads ("You
// cannot read the security log"); the page no longer parses the sentence.
func TestEveryOnlyRefusalSaysWhatItRefuses(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, lit := range forbiddenRE.FindAllString(string(b), -1) {
			if strings.Contains(lit, `"Only `) {
				seen++
				if !strings.Contains(lit, "Doing:") {
					t.Errorf("%s: a refusal says who only can, but not what it refuses: %s", name, lit)
				}
			}
		}
	}
	if seen < 5 {
		t.Errorf("found %d refusals saying \"Only … can …\": the search has lost them", seen)
	}
}

// TestRefusalDoing: a role check's refusal names what it refuses as its
// sentence does.
func TestRefusalDoing(t *testing.T) {
	a := &Actor{}
	f, ok := AsForbidden(a.need("reading the security log", "auditor"))
	if !ok || f.Doing != "read the security log" || !strings.HasSuffix(f.Message, " can "+f.Doing+".") {
		t.Errorf("need refuses %+v", f)
	}
}
