package guidance

import (
	"go/build"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/gate"
)

// TestEveryRuleAndDutyHasGuidance fails when a gate rule or a kind of
// duty is added without its explanation: every refusal and duty row
// links to one.
func TestEveryRuleAndDutyHasGuidance(t *testing.T) {
	s := Default()
	for _, r := range gate.Rules {
		if e := s.Get(r.ID); e == nil || e.For != ForRule {
			t.Errorf("gate rule %s has no guidance in default.yaml", r.ID)
		}
	}
	for k := range domain.DutyKindLabels {
		if e := s.Get(k); e == nil || e.For != ForDuty {
			t.Errorf("duty kind %s has no guidance in default.yaml", k)
		}
	}
	// Every finding the watchdog raises links its Why? page.
	for _, k := range domain.WatchdogFindingKinds() {
		if e := s.Get(k); e == nil || e.For != ForFinding {
			t.Errorf("finding kind %s has no guidance in default.yaml", k)
		}
	}
	if e := s.Rule("cse_owner_pip2", func(id string) bool { return id == "cse_owner_pip2" }); e == nil || e.ID != Accreditation {
		t.Errorf("a training requirement's refusal finds %v, want the accreditation entry", e)
	}
	if e := s.Rule("required", func(string) bool { return false }); e != nil {
		t.Errorf("a field's format refusal finds guidance %s", e.ID)
	}
	if e := s.Get(domain.DutyLinkRev); e == nil {
		t.Errorf("duty kind %s has no guidance", domain.DutyLinkRev)
	}
	for _, e := range s.All() {
		if len(e.Sources) == 0 || len(e.Blocks()) == 0 {
			t.Errorf("%s: no source or no body", e.ID)
		}
	}
}

const good = `version: 1
guidance:
  - id: rationale
    for: rule
    title: Our force's rationale rule
    summary: Say why.
    body: |
      First paragraph
      continues here.

      - one
      - two
    sources:
      - name: Force policy 12
`

func TestExtendReplacesOneEntry(t *testing.T) {
	s, err := Extend(Default(), []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	e := s.Get("rationale")
	if e.Title != "Our force's rationale rule" {
		t.Fatalf("title %q", e.Title)
	}
	b := e.Blocks()
	if len(b) != 2 || b[0].Text != "First paragraph continues here." || len(b[1].Items) != 2 {
		t.Fatalf("blocks %+v", b)
	}
	if s.Get("actions_filed") != Default().Get("actions_filed") {
		t.Fatal("other entries should stay the shipped ones")
	}
	if Default().Get("rationale").Title == e.Title {
		t.Fatal("extending changed the shipped set")
	}
}

// TestBadFileRefusedWithLineAndField: every problem at once, each at its
// line and field, and nothing in force changes.
func TestBadFileRefusedWithLineAndField(t *testing.T) {
	bad := `version: 1
guidance:
  - id: no_such_rule
    for: rule
    title: T
    summary: S
    body: B
    sources: [{name: N}]
  - id: no_such_duty
    for: duty
    title: T
    summary: S
    body: B
    sources: [{name: N, url: "ftp://x"}]
  - id: rationale
    for: rules
    colour: red
    title: ""
    summary: S
    body: B
    sources: []
`
	Use(nil)
	_, err := Extend(Default(), []byte(bad))
	p, ok := err.(Problems)
	if !ok {
		t.Fatalf("want Problems, got %v", err)
	}
	want := []string{
		`line 3: guidance[0].id: unknown rule id "no_such_rule"`,
		`line 9: guidance[1].id: unknown duty kind "no_such_duty"`,
		`line 14: guidance[1].sources[0].url: give the url as https://`,
		`line 16: guidance[2].for: for must be "rule"`,
		`line 17: guidance[2].colour: unknown field "colour"`,
		`line 18: guidance[2].title: give the title`,
		`line 21: guidance[2].sources: cite at least one source`,
	}
	msg := p.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("missing %q in\n%s", w, strings.ReplaceAll(msg, "; ", "\n"))
		}
	}
	if Current() != Default() {
		t.Fatal("a bad file changed the guidance in force")
	}
}

func TestParseWantsEveryEntry(t *testing.T) {
	_, err := Parse([]byte(good))
	if err == nil || !strings.Contains(err.Error(), "rule actions_filed, ") {
		t.Fatalf("a whole file missing entries was accepted: %v", err)
	}
	for _, src := range []string{"", "[1]", "version: 2\nguidance: []\n", "guidance: {}\n", ":\n\t"} {
		if _, err := Extend(Default(), []byte(src)); err == nil {
			t.Errorf("%q accepted", src)
		}
	}
}

func FuzzExtend(f *testing.F) {
	f.Add([]byte(good))
	f.Add(defaultFile)
	f.Add([]byte("version: 1\nguidance:\n  - id: x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Extend(Default(), b)
		if err != nil {
			if _, ok := err.(Problems); !ok {
				t.Fatalf("error not Problems: %T", err)
			}
			return
		}
		if m := s.Missing(); len(m) > 0 {
			t.Fatalf("extending lost entries: %v", m)
		}
		for _, e := range s.All() {
			if e.Title == "" || e.Body == "" || len(e.Sources) == 0 {
				t.Fatalf("accepted an incomplete entry %+v", e)
			}
		}
	})
}

// TestGuidanceNeedsOnlyTheDomain: the guidance reads the kinds of rule,
// duty and finding from the domain and the gate, never the service (which
// serves the guidance to the pages: the service must be free to use it).
func TestGuidanceNeedsOnlyTheDomain(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"github.com/holdfast/holdfast/internal/service",
		"github.com/holdfast/holdfast/internal/store"} {
		if slices.Contains(pkg.Imports, bad) {
			t.Errorf("internal/guidance imports %s", bad)
		}
	}
}
