package guidance

import (
	_ "embed"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync/atomic"

	"go.yaml.in/yaml/v3"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/gate"
)

// What an entry explains: a rule a gate refuses by, or a kind of duty.
const (
	ForRule    = "rule"
	ForDuty    = "duty"
	ForFinding = "finding" // a kind of watchdog finding
)

// Entry is one explanation, as a force may edit it.
type Entry struct {
	ID      string   `json:"id"`
	For     string   `json:"for"` // ForRule or ForDuty
	Title   string   `json:"title"`
	Summary string   `json:"summary"` // one sentence, shown beside the link's target
	Body    string   `json:"body"`    // paragraphs, blank-line separated; "- " starts a list item
	Sources []Source `json:"sources"`
}

// Source is where a rule comes from: cited, never copied.
type Source struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

// Block is one paragraph or list of an entry's body, as pages show it.
type Block struct {
	Text  string
	Items []string // set for a list
}

// Blocks splits the body into paragraphs and lists.
func (e *Entry) Blocks() []Block {
	var out []Block
	for _, para := range strings.Split(strings.ReplaceAll(e.Body, "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		if strings.HasPrefix(para, "- ") {
			var b Block
			for _, ln := range strings.Split(para, "\n") {
				ln = strings.TrimSpace(ln)
				if it, ok := strings.CutPrefix(ln, "- "); ok {
					b.Items = append(b.Items, it)
				} else if n := len(b.Items); n > 0 {
					b.Items[n-1] += " " + ln
				}
			}
			out = append(out, b)
			continue
		}
		out = append(out, Block{Text: strings.Join(strings.Fields(para), " ")})
	}
	return out
}

// Rule is the entry explaining a refusal by rule: its own, or the
// training gate's when isRequirement says the id is one of the policy's
// training requirements. Nil when there is none (a role refusal, a
// field's format).
func (s *Set) Rule(rule string, isRequirement func(string) bool) *Entry {
	if e := s.Get(rule); e != nil {
		return e
	}
	if rule != "" && isRequirement != nil && isRequirement(rule) {
		return s.Get(Accreditation)
	}
	return nil
}

// Set is every entry in force, by id.
type Set struct {
	byID map[string]*Entry
}

// Get returns the entry for id, or nil.
func (s *Set) Get(id string) *Entry {
	if s == nil {
		return nil
	}
	return s.byID[id]
}

// All lists the entries, rules first then duties, each by title.
func (s *Set) All() []*Entry {
	out := make([]*Entry, 0, len(s.byID))
	for _, e := range s.byID {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].For != out[j].For {
			return forOrder[out[i].For] < forOrder[out[j].For]
		}
		return out[i].Title < out[j].Title
	})
	return out
}

// forOrder is the order All lists the kinds of entry in.
var forOrder = map[string]int{ForRule: 0, ForDuty: 1, ForFinding: 2}

// Accreditation explains every refusal by the training gate: its rules
// are the force's policy requirements, named by the force, so one entry
// covers them all (Rule finds it for a requirement's id).
const Accreditation = "accreditation"

// Known lists the ids an entry may explain, for.
func Known(what string) []string {
	var out []string
	switch what {
	case ForRule:
		for _, r := range gate.Rules {
			out = append(out, r.ID)
		}
		out = append(out, Accreditation)
	case ForDuty:
		for k := range domain.DutyKindLabels {
			out = append(out, k)
		}
		// Links to review are owed on the links page, not a case, so the
		// case duties' labels do not list them; they are duties all the same.
		if !slices.Contains(out, domain.DutyLinkRev) {
			out = append(out, domain.DutyLinkRev)
		}
	case ForFinding:
		out = append(out, domain.WatchdogFindingKinds()...)
	}
	sort.Strings(out)
	return out
}

// Missing lists, as "rule x" or "duty y", what has no entry in s.
func (s *Set) Missing() []string {
	var out []string
	for _, what := range []string{ForRule, ForDuty, ForFinding} {
		for _, id := range Known(what) {
			if e := s.Get(id); e == nil || e.For != what {
				out = append(out, what+" "+id)
			}
		}
	}
	return out
}

// Problem is one thing wrong with a guidance file, at a line and field.
type Problem struct {
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Problems lists everything wrong with a file at once.
type Problems []Problem

func (p Problems) Error() string {
	parts := make([]string, len(p))
	for i, x := range p {
		parts[i] = fmt.Sprintf("line %d: %s: %s", x.Line, x.Field, x.Message)
	}
	return strings.Join(parts, "; ")
}

// maxFile bounds a guidance file; the shipped one is tens of KB.
const maxFile = 1 << 20

// Limits on an entry, so a page stays a short explanation.
const (
	maxTitle   = 120
	maxSummary = 300
	maxBody    = 4000
)

//go:embed default.yaml
var defaultFile []byte

var shipped = func() *Set {
	s, err := Parse(defaultFile)
	if err != nil {
		panic("guidance: the shipped file is invalid: " + err.Error())
	}
	return s
}()

// Default is the shipped guidance.
func Default() *Set { return shipped }

var current atomic.Pointer[Set]

// Use puts s in force (nil: the shipped guidance).
func Use(s *Set) {
	if s == nil {
		s = shipped
	}
	current.Store(s)
}

// Current is the guidance in force.
func Current() *Set {
	if s := current.Load(); s != nil {
		return s
	}
	return shipped
}

// Parse reads and validates a whole guidance file (the shipped one):
// every rule and duty must then have an entry.
func Parse(b []byte) (*Set, error) {
	s, p := decode(b, nil)
	if len(p) > 0 {
		return nil, p
	}
	if m := s.Missing(); len(m) > 0 {
		return nil, Problems{{Line: 1, Field: "guidance", Message: "no guidance for " + strings.Join(m, ", ")}}
	}
	return s, nil
}

// Extend returns base with a force's file laid over it: an entry replaces
// the one with its id, so a force rewrites only what it wants to.
func Extend(base *Set, b []byte) (*Set, error) {
	s, p := decode(b, base)
	if len(p) > 0 {
		return nil, p
	}
	return s, nil
}

// decode reads a file's entries over base (nil: none), reporting every
// problem with its line and field.
func decode(b []byte, base *Set) (*Set, Problems) {
	var p Problems
	bad := func(line int, field, format string, a ...any) {
		p = append(p, Problem{Line: line, Field: field, Message: fmt.Sprintf(format, a...)})
	}
	if len(b) > maxFile {
		bad(1, "file", "the file is over %d bytes", maxFile)
		return nil, p
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		bad(1, "file", "not YAML: %v", err)
		return nil, p
	}
	s := &Set{byID: map[string]*Entry{}}
	if base != nil {
		for id, e := range base.byID {
			s.byID[id] = e
		}
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		bad(max(root.Line, 1), "file", "the file must be a mapping with version and guidance")
		return nil, p
	}
	top := root.Content[0]
	var list *yaml.Node
	version := false
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		switch k.Value {
		case "version":
			version = true
			if v.Value != "1" {
				bad(v.Line, "version", "version must be 1")
			}
		case "guidance":
			list = v
		default:
			bad(k.Line, k.Value, "unknown field %q (version, guidance)", k.Value)
		}
	}
	if !version {
		bad(top.Line, "version", "give version: 1")
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		bad(top.Line, "guidance", "give guidance as a list of entries")
		return nil, p
	}
	seen := map[string]int{}
	for i, n := range list.Content {
		field := fmt.Sprintf("guidance[%d]", i)
		e, ok := entry(n, field, bad)
		if !ok {
			continue
		}
		if at, dup := seen[e.ID]; dup {
			bad(n.Line, field+".id", "%q is given twice (first at line %d)", e.ID, at)
			continue
		}
		seen[e.ID] = n.Line
		s.byID[e.ID] = e
	}
	return s, p
}

// entry reads one entry; ok is false if it has problems (reported).
func entry(n *yaml.Node, field string, bad func(int, string, string, ...any)) (*Entry, bool) {
	if n.Kind != yaml.MappingNode {
		bad(n.Line, field, "an entry must be a mapping of id, for, title, summary, body and sources")
		return nil, false
	}
	e := &Entry{}
	lines := map[string]int{}
	var probs int
	count := func(line int, f, format string, a ...any) {
		probs++
		bad(line, f, format, a...)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		lines[k.Value] = k.Line
		f := field + "." + k.Value
		if k.Value != "sources" && v.Kind != yaml.ScalarNode {
			count(v.Line, f, "give %s as text", k.Value)
			continue
		}
		switch k.Value {
		case "id":
			e.ID = strings.TrimSpace(v.Value)
		case "for":
			e.For = strings.TrimSpace(v.Value)
		case "title":
			e.Title = strings.TrimSpace(v.Value)
		case "summary":
			e.Summary = strings.TrimSpace(v.Value)
		case "body":
			e.Body = strings.TrimSpace(v.Value)
		case "sources":
			e.Sources = sources(v, f, count)
		default:
			count(k.Line, f, "unknown field %q (id, for, title, summary, body, sources)", k.Value)
		}
	}
	at := func(k string) int {
		if l, ok := lines[k]; ok {
			return l
		}
		return n.Line
	}
	switch {
	case e.For != ForRule && e.For != ForDuty && e.For != ForFinding:
		count(at("for"), field+".for", "for must be %q (a gate's rule), %q (a kind of duty) or %q (a kind of "+
			"finding), not %q", ForRule, ForDuty, ForFinding, e.For)
	case e.ID == "":
		count(at("id"), field+".id", "give the id of the rule or duty kind it explains")
	case !slices.Contains(Known(e.For), e.ID):
		what := "rule id"
		if e.For == ForDuty {
			what = "duty kind"
		} else if e.For == ForFinding {
			what = "finding kind"
		}
		count(at("id"), field+".id", "unknown %s %q (one of %s)", what, e.ID, strings.Join(Known(e.For), ", "))
	}
	check := func(k, v string, most int) {
		switch {
		case v == "":
			count(at(k), field+"."+k, "give the %s", k)
		case len(v) > most:
			count(at(k), field+"."+k, "keep the %s to %d characters", k, most)
		}
	}
	check("title", e.Title, maxTitle)
	check("summary", e.Summary, maxSummary)
	check("body", e.Body, maxBody)
	if len(e.Sources) == 0 && lines["sources"] == 0 {
		count(n.Line, field+".sources", "cite at least one source")
	}
	return e, probs == 0
}

func sources(v *yaml.Node, field string, bad func(int, string, string, ...any)) []Source {
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		bad(v.Line, field, "cite at least one source, as a list of name and url")
		return nil
	}
	var out []Source
	for i, n := range v.Content {
		f := fmt.Sprintf("%s[%d]", field, i)
		if n.Kind != yaml.MappingNode {
			bad(n.Line, f, "a source is a mapping of name and url")
			continue
		}
		var s Source
		for j := 0; j+1 < len(n.Content); j += 2 {
			k, x := n.Content[j], n.Content[j+1]
			switch k.Value {
			case "name":
				s.Name = strings.TrimSpace(x.Value)
			case "url":
				s.URL = strings.TrimSpace(x.Value)
				if u, err := url.Parse(s.URL); err != nil || u.Scheme != "https" || u.Host == "" {
					bad(x.Line, f+".url", "give the url as https://…")
				}
			default:
				bad(k.Line, f+"."+k.Value, "unknown field %q (name, url)", k.Value)
			}
		}
		if s.Name == "" {
			bad(n.Line, f+".name", "name the source")
		}
		out = append(out, s)
	}
	return out
}
