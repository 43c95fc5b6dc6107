package policy

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Training is the accreditation model's policy data (issue 21,
// docs/training.md): the kinds of accreditation the force recognises and
// which of them the people doing a piece of work must hold.
type Training struct {
	// Kinds are the accreditations recorded on people: the shipped ones
	// (PIP levels, ABE, the CSE course) and any the force adds.
	Kinds []AccreditationKind `yaml:"kinds"`
	// Requirements say, per role in the work ("owner" of a case,
	// "approver" of its closure), which kinds are needed and when.
	Requirements map[string][]Requirement `yaml:"requirements"`
	// OverrideMax is the longest a manager's override may last.
	OverrideMax Span `yaml:"override_max"`
	kinds       map[string]*AccreditationKind
}

// AccreditationKind is one kind of accreditation.
type AccreditationKind struct {
	Key    string `yaml:"key"`
	Label  string `yaml:"label"`
	Source string `yaml:"source"` // where the standard comes from
}

// Requirement is one rule: who does the work Needs a kind, on cases that
// match (every case when no condition is given).
type Requirement struct {
	Needs string `yaml:"needs"`
	// MinVictims applies the rule to cases with at least this many victims.
	MinVictims int `yaml:"min_victims"`
	// Offences applies it to cases recording any of these offence types.
	Offences []string `yaml:"offences"`
	// Why is the plain reason given with a refusal.
	Why string `yaml:"why"`
}

// Requirement roles: who in a piece of work a requirement is for.
const (
	NeedOwner    = "owner"    // the officer in charge of the case
	NeedApprover = "approver" // whoever approves the case's closure
)

// Kind returns the accreditation kind with key, or nil.
func (t *Training) Kind(key string) *AccreditationKind { return t.kinds[key] }

// KindLabel is the label of key, or the key itself when the policy no
// longer lists it (an accreditation recorded under an older policy).
func (t *Training) KindLabel(key string) string {
	if k := t.kinds[key]; k != nil {
		return k.Label
	}
	return key
}

// Needs lists the requirements for role on a case with these offence
// types and this many victims: those whose conditions all hold.
func (t *Training) Needs(role string, offences []string, victims int) []Requirement {
	var out []Requirement
	for _, r := range t.Requirements[role] {
		if r.MinVictims > 0 && victims < r.MinVictims {
			continue
		}
		if len(r.Offences) > 0 && !anyIn(r.Offences, offences) {
			continue
		}
		out = append(out, r)
	}
	return out
}

func anyIn(want, have []string) bool {
	for _, w := range want {
		for _, h := range have {
			if w == h {
				return true
			}
		}
	}
	return false
}

// validateTraining checks the training section; bad reports a problem at
// a line.
func (t *Training) validate(root *yaml.Node, bad func(line int, format string, a ...any)) {
	sec := mapping(root, "training")
	at := func(key string) int {
		if sec == nil {
			return 1
		}
		return line(sec, key)
	}
	t.kinds = map[string]*AccreditationKind{}
	var items []*yaml.Node
	if sec != nil {
		items = seq(sec, "kinds")
	}
	for i := range t.Kinds {
		k := &t.Kinds[i]
		ln := at("kinds")
		if i < len(items) {
			ln = items[i].Line
		}
		switch {
		case k.Key == "" || k.Label == "":
			bad(ln, "training.kinds: an accreditation kind needs a key and a label")
		case t.kinds[k.Key] != nil:
			bad(ln, "training.kinds: kind %q is listed twice", k.Key)
		}
		t.kinds[k.Key] = k
	}
	var reqs *yaml.Node
	if sec != nil {
		reqs = mapping(sec, "requirements")
	}
	for i := 0; reqs != nil && reqs.Kind == yaml.MappingNode && i+1 < len(reqs.Content); i += 2 {
		role, list := reqs.Content[i], reqs.Content[i+1]
		if role.Value != NeedOwner && role.Value != NeedApprover {
			bad(role.Line, "training.requirements: unknown role %q (one of %s, %s)", role.Value, NeedOwner, NeedApprover)
			continue
		}
		for j, r := range t.Requirements[role.Value] {
			ln := role.Line
			if list.Kind == yaml.SequenceNode && j < len(list.Content) {
				ln = list.Content[j].Line
			}
			if t.kinds[r.Needs] == nil {
				bad(ln, "training.requirements.%s: needs: unknown accreditation kind %q (one of %s)", role.Value,
					r.Needs, strings.Join(t.keys(), ", "))
			}
			if r.MinVictims < 0 {
				bad(ln, "training.requirements.%s: min_victims must not be negative", role.Value)
			}
		}
	}
	if t.OverrideMax.N == 0 {
		t.OverrideMax = Span{N: 7, Unit: Days}
	}
}

func (t *Training) keys() []string {
	out := make([]string, 0, len(t.Kinds))
	for _, k := range t.Kinds {
		out = append(out, k.Key)
	}
	return out
}

// String names a requirement for logs and tests.
func (r Requirement) String() string {
	return fmt.Sprintf("%s (victims >= %d, offences %v)", r.Needs, r.MinVictims, r.Offences)
}
