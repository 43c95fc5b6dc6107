package offence_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/offence"
)

// TestShippedClassification: the embedded file is valid, names its
// source, and every code has a title, a group and (but for the flag) the
// law it covers.
func TestShippedClassification(t *testing.T) {
	c := offence.Default()
	if !strings.Contains(c.Source, "Home Office Counting Rules") {
		t.Errorf("source %q does not name the Counting Rules", c.Source)
	}
	all := c.All()
	if len(all) < 20 {
		t.Fatalf("%d offences: the sexual offence classes are missing", len(all))
	}
	for _, o := range all {
		if o.Title == "" || o.Group == "" {
			t.Errorf("%s: no title or group", o.Code)
		}
		if o.Group != offence.GroupFlag && len(o.Legislation) == 0 {
			t.Errorf("%s (%s): no legislation named", o.Code, o.Title)
		}
	}
	for code, title := range map[string]string{
		"19E": "Rape of a female child under 13",
		"19C": "Rape of a female aged 16 and over",
		"20B": "Sexual assault on a female child under 13",
		"21":  "Sexual activity involving a child under 13",
		"22B": "Sexual activity involving a child under 16",
		"71":  "Abuse of children through sexual exploitation",
		"88A": "Sexual grooming",
	} {
		if got := c.Title(code); got != title {
			t.Errorf("%s: title %q, want %q", code, got, title)
		}
	}
	if got := c.Title("some_free_text"); got != "Some free text" {
		t.Errorf("a value that is not a code reads %q", got)
	}
}

// TestMap: a code, a title or a mapped spelling maps, however spaced,
// punctuated or cased; anything else does not.
func TestMap(t *testing.T) {
	c := offence.Default()
	for text, want := range map[string]string{
		"19E":                              "19E",
		"19e":                              "19E",
		" rape of a FEMALE child under 13": "19E",
		"Rape_of_a_female_child_under_13":  "19E",
		"assault_of_a_child_under_13_by_penetration": "20B",
		"assault_by_penetration":                     "20A",
		"child_sexual_exploitation":                  "CSE",
		"Sexual grooming":                            "88A",
	} {
		got, _, ok := c.Map(text)
		if !ok || got != want {
			t.Errorf("Map(%q) = %q, %t; want %q", text, got, ok, want)
		}
	}
	for _, text := range []string{"", "  ", "burglary", "rape of a", "19Z"} {
		if got, _, ok := c.Map(text); ok {
			t.Errorf("Map(%q) = %q: want no code", text, got)
		}
	}
	if _, m, _ := c.Map("rape_of_a_child"); m == nil || !strings.Contains(m.Note, "female") {
		t.Errorf("a mapping that assumes the victim's sex must say so: %+v", m)
	}
}

// TestSuggest: an unmapped text is offered the nearest titles, nearest
// first.
func TestSuggest(t *testing.T) {
	c := offence.Default()
	for text, want := range map[string]string{
		"rape of a girl under 13":               "19E",
		"sexual asault on female child under13": "20B",
		"groomming":                             "88A",
		"exploitation of a child, sexual":       "71",
	} {
		got := c.Suggest(text, 3)
		if len(got) == 0 {
			t.Errorf("Suggest(%q): nothing", text)
			continue
		}
		codes := []string{}
		for _, o := range got {
			codes = append(codes, o.Code)
		}
		if !strings.Contains(","+strings.Join(codes, ",")+",", ","+want+",") {
			t.Errorf("Suggest(%q) = %v: want %s among them", text, codes, want)
		}
	}
	if got := c.Suggest("", 3); got != nil {
		t.Errorf("Suggest of nothing: %v", got)
	}
}

func rules(t *testing.T, err error) string {
	t.Helper()
	var p offence.Problems
	if !errors.As(err, &p) {
		t.Fatalf("want problems, got %v", err)
	}
	var out []string
	for _, x := range p {
		if x.Line == 0 && x.Rule != "yaml" && x.Rule != "size" {
			t.Errorf("problem %+v has no line", x)
		}
		out = append(out, x.Rule)
	}
	return strings.Join(out, ",")
}

// TestParseRefusesEveryProblemAtOnce: a bad file is refused with every
// problem, each with its line and rule.
func TestParseRefusesEveryProblemAtOnce(t *testing.T) {
	bad := `version: 2
source: ""
colour: red
offences:
  - {code: "19E", title: "Rape", group: rape}
  - {code: "19E", title: "Rape again", group: rape}
  - {code: "bad code", title: "", group: nonsense}
  - {code: "F1", title: "A flag", group: flag, contact: true}
mappings:
  - {text: "x", code: "NOPE"}
`
	_, err := offence.Parse([]byte(bad))
	if got := rules(t, err); got != "unknown_field" {
		t.Fatalf("unknown field first: rules %s", got)
	}
	bad = strings.Replace(bad, "colour: red\n", "", 1)
	_, err = offence.Parse([]byte(bad))
	want := "version,required,duplicate,code,title,group,flag_contact,unknown_code"
	if got := rules(t, err); got != want {
		t.Fatalf("rules %s, want %s", got, want)
	}
	if _, err := offence.Parse([]byte("offences: [")); err == nil {
		t.Fatal("broken YAML accepted")
	}
}

// TestExtend: a force adds codes and spellings; it cannot redefine a
// shipped code; the shipped classification is left as it was.
func TestExtend(t *testing.T) {
	base := offence.Default()
	ext := `source: "Beaconshire local codes"
offences:
  - {code: "L-CSE1", title: "Local: online child exploitation (pilot)", group: exploitation, child: true, legislation: ["SOA 2003 s.15A"]}
mappings:
  - {text: "Rape U13", code: "19E"}
  - {text: "rape", code: "19D", note: "our old system's rape was of girls under 16"}
  - {text: "OCE", code: "L-CSE1"}
`
	c, err := offence.Extend(base, []byte(ext))
	if err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]string{"rape u13": "19E", "rape": "19D", "oce": "L-CSE1", "L-CSE1": "L-CSE1"} {
		if got, _, ok := c.Map(text); !ok || got != want {
			t.Errorf("extended Map(%q) = %q, want %q", text, got, want)
		}
	}
	if o, _ := c.Lookup("L-CSE1"); !o.Force {
		t.Error("a force's code is not marked as the force's")
	}
	if got, _, _ := base.Map("rape"); got != "19C" {
		t.Errorf("extending changed the shipped mapping: rape is %s", got)
	}
	if _, ok := base.Lookup("L-CSE1"); ok {
		t.Error("extending changed the shipped classification")
	}
	_, err = offence.Extend(base, []byte(`offences:
  - {code: "19E", title: "Our rape", group: rape}
`))
	if got := rules(t, err); got != "code_taken" {
		t.Fatalf("redefining a shipped code: %s", got)
	}
}

// FuzzParse: no file makes the parser panic, and what it accepts is
// consistent (every mapping names a code it holds).
func FuzzParse(f *testing.F) {
	f.Add(offence.Shipped())
	f.Add([]byte("version: 1\nsource: s\noffences:\n  - {code: A1, title: t, group: other}\nmappings:\n  - {text: x, code: A1}\n"))
	f.Add([]byte("offences: 3"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := offence.Parse(b)
		if err != nil {
			return
		}
		for _, m := range c.Mappings() {
			if !c.IsCode(m.Code) {
				t.Fatalf("mapping %+v to a code not held", m)
			}
		}
		if _, err := offence.Extend(c, b); err == nil && len(c.All()) > 0 {
			t.Fatal("extending a classification by itself redefines its codes: must be refused")
		}
	})
}
