package offence

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a classification file, with its line.
type Problem struct {
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field"`
	Rule    string `json:"rule"`
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

// file is the YAML shape, shared by the shipped file and a force's.
type file struct {
	Version  int       `yaml:"version"`
	Source   string    `yaml:"source"`
	Offences []Offence `yaml:"offences"`
	Mappings []Mapping `yaml:"mappings"`
}

// maxFile bounds a classification file; the shipped one is a few KB.
const maxFile = 1 << 20

// codeForm is a code: a Home Office class (digits and an optional
// letter) or a force's own (capitals, digits, '-' and '/', up to 12).
var codeForm = regexp.MustCompile(`^[0-9A-Z][0-9A-Z/-]{0,11}$`)

// Parse reads and validates a whole classification (the shipped file).
func Parse(b []byte) (*Classification, error) {
	f, lines, p := decode(b)
	if len(p) > 0 {
		return nil, p
	}
	c := &Classification{Source: strings.TrimSpace(f.Source), byCode: map[string]int{}, byTitle: map[string]string{},
		mappings: map[string]Mapping{}}
	if f.Version != 1 {
		p = append(p, Problem{Line: lines.top["version"], Field: "version", Rule: "version", Message: "version must be 1"})
	}
	if c.Source == "" {
		p = append(p, Problem{Line: lines.top["source"], Field: "source", Rule: "required",
			Message: "name the source of the classification"})
	}
	if len(f.Offences) == 0 {
		p = append(p, Problem{Line: lines.top["offences"], Field: "offences", Rule: "required",
			Message: "list at least one offence"})
	}
	p = c.add(f, lines, false, p)
	if len(p) > 0 {
		return nil, p
	}
	return c, nil
}

// Extend returns base with a force's file added: new codes (a shipped
// code cannot be redefined) and mappings (a force's spelling replaces a
// shipped one of the same text).
func Extend(base *Classification, b []byte) (*Classification, error) {
	f, lines, p := decode(b)
	if len(p) > 0 {
		return nil, p
	}
	if f.Version != 0 && f.Version != 1 {
		p = append(p, Problem{Line: lines.top["version"], Field: "version", Rule: "version", Message: "version must be 1"})
	}
	c := &Classification{Source: base.Source, offences: slices.Clone(base.offences), byCode: map[string]int{},
		byTitle: map[string]string{}, mappings: map[string]Mapping{}}
	for k, v := range base.byCode {
		c.byCode[k] = v
	}
	for k, v := range base.byTitle {
		c.byTitle[k] = v
	}
	for k, v := range base.mappings {
		c.mappings[k] = v
	}
	if s := strings.TrimSpace(f.Source); s != "" {
		c.Source = base.Source + "; extended by the force: " + s
	}
	p = c.add(f, lines, true, p)
	if len(p) > 0 {
		return nil, p
	}
	return c, nil
}

type fileLines struct {
	top      map[string]int
	offences []int
	mappings []int
}

func decode(b []byte) (file, fileLines, Problems) {
	var f file
	lines := fileLines{top: map[string]int{}}
	if len(b) > maxFile {
		return f, lines, Problems{{Field: "file", Rule: "size", Message: fmt.Sprintf("the file is over %d bytes", maxFile)}}
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&root); err != nil {
		return f, lines, Problems{{Field: "file", Rule: "yaml", Message: "not valid YAML: " + err.Error()}}
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return f, lines, Problems{{Line: root.Line, Field: "file", Rule: "yaml", Message: "the file must be a mapping"}}
	}
	var p Problems
	known := map[string][]string{
		"":         {"version", "source", "offences", "mappings"},
		"offences": {"code", "title", "group", "contact", "child", "legislation", "note"},
		"mappings": {"text", "code", "note"},
	}
	top := root.Content[0]
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		lines.top[k.Value] = k.Line
		if !slices.Contains(known[""], k.Value) {
			p = append(p, Problem{Line: k.Line, Field: k.Value, Rule: "unknown_field", Message: "unknown field " + k.Value})
			continue
		}
		if k.Value != "offences" && k.Value != "mappings" {
			continue
		}
		if v.Kind != yaml.SequenceNode {
			p = append(p, Problem{Line: v.Line, Field: k.Value, Rule: "yaml", Message: k.Value + " must be a list"})
			continue
		}
		for j, item := range v.Content {
			field := fmt.Sprintf("%s[%d]", k.Value, j)
			if item.Kind != yaml.MappingNode {
				p = append(p, Problem{Line: item.Line, Field: field, Rule: "yaml", Message: "each entry is a mapping"})
				continue
			}
			for x := 0; x+1 < len(item.Content); x += 2 {
				if key := item.Content[x]; !slices.Contains(known[k.Value], key.Value) {
					p = append(p, Problem{Line: key.Line, Field: field + "." + key.Value, Rule: "unknown_field",
						Message: "unknown field " + key.Value})
				}
			}
			if k.Value == "offences" {
				lines.offences = append(lines.offences, item.Line)
			} else {
				lines.mappings = append(lines.mappings, item.Line)
			}
		}
	}
	if len(p) > 0 {
		return f, lines, p
	}
	if err := top.Decode(&f); err != nil {
		return f, lines, Problems{{Line: top.Line, Field: "file", Rule: "yaml", Message: "a field has the wrong type: " + err.Error()}}
	}
	return f, lines, nil
}

// add validates f's offences and mappings and adds them to c.
func (c *Classification) add(f file, lines fileLines, force bool, p Problems) Problems {
	line := func(ls []int, i int) int {
		if i < len(ls) {
			return ls[i]
		}
		return 0
	}
	for i, o := range f.Offences {
		n, field := line(lines.offences, i), fmt.Sprintf("offences[%d]", i)
		bad := func(sub, rule, msg string) {
			p = append(p, Problem{Line: n, Field: field + sub, Rule: rule, Message: msg})
		}
		o.Code, o.Title, o.Note = strings.TrimSpace(o.Code), strings.TrimSpace(o.Title), strings.TrimSpace(o.Note)
		o.Force = force
		switch {
		case !codeForm.MatchString(o.Code):
			bad(".code", "code", fmt.Sprintf("%q is not a code: capitals and digits (and - or /), up to 12", o.Code))
		case c.IsCode(o.Code) && force && !c.offences[c.byCode[o.Code]].Force:
			bad(".code", "code_taken", fmt.Sprintf("%s is a shipped classification: a force adds codes, it does not redefine them", o.Code))
		case c.IsCode(o.Code):
			bad(".code", "duplicate", fmt.Sprintf("%s is listed twice", o.Code))
		}
		if o.Title == "" || len(o.Title) > 200 {
			bad(".title", "title", "give a title of 1 to 200 characters")
		}
		if !slices.Contains(Groups(), o.Group) {
			bad(".group", "group", fmt.Sprintf("%q is not a group: one of %s", o.Group, strings.Join(Groups(), ", ")))
		}
		if o.Group == GroupFlag && o.Contact {
			bad(".contact", "flag_contact", "a flag is not an offence: it cannot be a contact offence")
		}
		for j, l := range o.Legislation {
			if strings.TrimSpace(l) == "" {
				bad(fmt.Sprintf(".legislation[%d]", j), "required", "name the act and section")
			}
		}
		for _, other := range c.offences {
			if o.Title != "" && Normal(other.Title) == Normal(o.Title) && other.Code != o.Code {
				bad(".title", "duplicate_title", fmt.Sprintf("%q is already the title of %s", o.Title, other.Code))
			}
		}
		if codeForm.MatchString(o.Code) && !c.IsCode(o.Code) {
			if _, taken := c.byTitle[Normal(o.Title)]; !taken {
				c.byTitle[Normal(o.Title)] = o.Code
			}
			c.byCode[o.Code] = len(c.offences)
			c.offences = append(c.offences, o)
		}
	}
	seen := map[string]bool{}
	for i, m := range f.Mappings {
		n, field := line(lines.mappings, i), fmt.Sprintf("mappings[%d]", i)
		bad := func(sub, rule, msg string) {
			p = append(p, Problem{Line: n, Field: field + sub, Rule: rule, Message: msg})
		}
		m.Text, m.Code, m.Note = strings.TrimSpace(m.Text), strings.TrimSpace(m.Code), strings.TrimSpace(m.Note)
		key := Normal(m.Text)
		switch {
		case key == "" || len(m.Text) > 200:
			bad(".text", "text", "give the source system's text, 1 to 200 characters with a letter or digit")
		case seen[key]:
			bad(".text", "duplicate", fmt.Sprintf("%q is mapped twice", m.Text))
		case c.IsCode(strings.ToUpper(m.Text)):
			bad(".text", "is_code", fmt.Sprintf("%q is a code already", m.Text))
		}
		if !c.IsCode(m.Code) {
			bad(".code", "unknown_code", fmt.Sprintf("%q is not a code of the classification", m.Code))
		}
		seen[key] = true
		if key != "" && c.IsCode(m.Code) {
			c.mappings[key] = m
		}
	}
	return p
}
