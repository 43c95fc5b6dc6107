// Package offence is the offence classification cases are recorded by:
// the Home Office Counting Rules' classifications of sexual offences (with
// the Sexual Offences Act 2003 sections each covers), shipped as data in
// the binary (classification.yaml, its source named there), validated
// like the policy and extendable by a force with codes and spellings of
// its own. It maps a source system's offence text to a code and, for a
// text it cannot map, suggests the nearest titles.
package offence

import (
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"unicode"
)

// Groups: what kind of offence a classification is.
const (
	GroupRape                = "rape"
	GroupSexualAssault       = "sexual_assault"
	GroupChildSexualActivity = "child_sexual_activity"
	GroupExploitation        = "exploitation"
	GroupOtherSexual         = "other_sexual"
	GroupOther               = "other"
	GroupFlag                = "flag"
)

// Groups lists the groups, in the order the pages show them.
func Groups() []string {
	return []string{GroupRape, GroupSexualAssault, GroupChildSexualActivity, GroupExploitation, GroupOtherSexual,
		GroupOther, GroupFlag}
}

// Offence is one classification.
type Offence struct {
	Code  string `yaml:"code" json:"code"`
	Title string `yaml:"title" json:"title"`
	Group string `yaml:"group" json:"group"`
	// Contact: the classification's offences involve physical sexual
	// contact with the victim by their definition.
	Contact bool `yaml:"contact" json:"contact"`
	// Child: the classification names a child victim.
	Child       bool     `yaml:"child" json:"child"`
	Legislation []string `yaml:"legislation" json:"legislation,omitempty"`
	// Note says what the classification covers beyond its title, or what
	// Holdfast is not sure of.
	Note string `yaml:"note" json:"note,omitempty"`
	// Force: added by the force, not in the shipped classification.
	Force bool `yaml:"-" json:"force,omitempty"`
}

// Mapping turns a source system's text into a code.
type Mapping struct {
	Text string `yaml:"text" json:"text"`
	Code string `yaml:"code" json:"code"`
	// Note says what the mapping assumes where the text says less than
	// the code (the victim's sex or age).
	Note string `yaml:"note" json:"note,omitempty"`
}

// Classification is the list of offences and the spellings mapped to
// them. It is never changed once built: Extend returns a new one.
type Classification struct {
	Source   string
	offences []Offence
	byCode   map[string]int
	byTitle  map[string]string  // Normal(title) -> code
	mappings map[string]Mapping // by Normal(text)
}

// All lists the offences in the file's order (the force's after).
func (c *Classification) All() []Offence { return slices.Clone(c.offences) }

// Mappings lists the mappings, sorted by text.
func (c *Classification) Mappings() []Mapping {
	out := make([]Mapping, 0, len(c.mappings))
	for _, m := range c.mappings {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Text < out[j].Text })
	return out
}

// Lookup returns the offence with code (exactly as the classification
// spells it).
func (c *Classification) Lookup(code string) (Offence, bool) {
	i, ok := c.byCode[code]
	if !ok {
		return Offence{}, false
	}
	return c.offences[i], true
}

// IsCode reports whether s is a code of the classification.
func (c *Classification) IsCode(s string) bool { _, ok := c.byCode[s]; return ok }

// Title is a code's title; a value that is not a code (a free-text
// offence type recorded before classification) is shown readably.
func (c *Classification) Title(code string) string {
	if o, ok := c.Lookup(code); ok {
		return o.Title
	}
	return readable(code)
}

// Map finds the code text means: a code (in any case), a title, or a
// mapped spelling, compared by Normal. The mapping is returned when one
// was used (its Note says what it assumes).
func (c *Classification) Map(text string) (string, *Mapping, bool) {
	t := strings.TrimSpace(text)
	if c.IsCode(t) {
		return t, nil, true
	}
	if u := strings.ToUpper(t); c.IsCode(u) {
		return u, nil, true
	}
	n := Normal(t)
	if n == "" {
		return "", nil, false
	}
	if code, ok := c.byTitle[n]; ok {
		return code, nil, true
	}
	if m, ok := c.mappings[n]; ok {
		return m.Code, &m, true
	}
	return "", nil, false
}

// Normal is text as mappings compare it: lower case, every run of
// punctuation, underscores and spaces one space, trimmed.
func Normal(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

func readable(code string) string {
	s := strings.TrimSpace(strings.ReplaceAll(code, "_", " "))
	if s == "" {
		return ""
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

//go:embed classification.yaml
var shipped []byte

var (
	dflt = mustParseShipped()
	// current is the force's extension set by Use; nil until then, when
	// the shipped classification is in force.
	current atomic.Pointer[Classification]
)

// mustParseShipped parses the embedded classification: an invalid one is
// a fault of the build, found by every test that imports the package.
func mustParseShipped() *Classification {
	c, err := Parse(shipped)
	if err != nil {
		panic(fmt.Sprintf("offence: the shipped classification is invalid: %v", err))
	}
	return c
}

// Default is the shipped classification.
func Default() *Classification { return dflt }

// Shipped is the shipped classification file, as embedded.
func Shipped() []byte { return slices.Clone(shipped) }

// Current is the classification in force: the shipped one, or the
// force's extension of it set by Use.
func Current() *Classification {
	if c := current.Load(); c != nil {
		return c
	}
	return dflt
}

// Use puts c in force (nil: the shipped classification). Pages, imports
// and commands read Current, so a force's codes and spellings apply
// everywhere at once.
func Use(c *Classification) {
	if c == nil {
		c = dflt
	}
	current.Store(c)
}
