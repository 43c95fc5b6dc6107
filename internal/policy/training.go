package policy

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/offence"

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
	// Notice is how long before an accreditation lapses the watchdog
	// asks the holder's line manager to refresh it or reallocate the work
	// that needs it (default 90 days; days or months).
	Notice Span `yaml:"notice"`
	kinds  map[string]*AccreditationKind
}

// AccreditationKind is one kind of accreditation.
type AccreditationKind struct {
	Key    string `yaml:"key"`
	Label  string `yaml:"label"`
	Source string `yaml:"source"` // where the standard comes from
}

// Requirement is one rule: who does the work Needs a kind, on work that
// matches every condition given (all work of its role when none is).
type Requirement struct {
	// ID names the rule in refusals, overrides and tests; unique.
	ID    string `yaml:"id"`
	Needs string `yaml:"needs"`
	// Case conditions (every role): the case's offences, by type or
	// classification code or by group; its numbers of victims and
	// suspects; a child victim; Sensitive, the case's priority class
	// (a child victim or a named suspect, the one gate.Sensitive uses).
	Offences    []string `yaml:"offences"`
	Groups      []string `yaml:"groups"`
	MinVictims  int      `yaml:"min_victims"`
	MinSuspects int      `yaml:"min_suspects"`
	ChildVictim bool     `yaml:"child_victim"`
	Sensitive   bool     `yaml:"sensitive"`
	// Actions (role action only) applies it to these standard actions;
	// Priorities to actions of these priorities.
	Actions    []string `yaml:"actions"`
	Priorities []string `yaml:"priorities"`
	// Outcomes (role approver only) applies it to closures with these
	// outcome codes: the decision approved.
	Outcomes []string `yaml:"outcomes"`
	// Why is the plain reason given with a refusal.
	Why string `yaml:"why"`
}

// Requirement roles: who in a piece of work a requirement is for.
const (
	NeedOwner    = "owner"    // the officer in charge of the case (allocation, transfer acceptance)
	NeedAction   = "action"   // the officer an action is allocated to
	NeedApprover = "approver" // whoever approves the case's closure
)

// Work is what the requirements are matched against: the facts of the
// case, and of the action or closure where the work is one.
type Work struct {
	Offences    []string
	Groups      []string // the offences' classification groups
	Victims     int
	Suspects    int
	ChildVictim bool
	Sensitive   bool
	Action      string // standard action key (role action)
	Priority    string // action priority (role action)
	Outcome     string // closure outcome code (role approver)
}

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

// Needs lists the requirements for role on w: those whose conditions all
// hold.
func (t *Training) Needs(role string, w Work) []Requirement {
	var out []Requirement
	for _, r := range t.Requirements[role] {
		if r.applies(w) {
			out = append(out, r)
		}
	}
	return out
}

// Requirement finds the rule with id, or nil.
func (t *Training) Requirement(id string) *Requirement {
	for role := range t.Requirements {
		for i := range t.Requirements[role] {
			if t.Requirements[role][i].ID == id {
				return &t.Requirements[role][i]
			}
		}
	}
	return nil
}

func (r *Requirement) applies(w Work) bool {
	switch {
	case r.MinVictims > 0 && w.Victims < r.MinVictims,
		r.MinSuspects > 0 && w.Suspects < r.MinSuspects,
		len(r.Offences) > 0 && !anyIn(r.Offences, w.Offences),
		len(r.Groups) > 0 && !anyIn(r.Groups, w.Groups),
		r.ChildVictim && !w.ChildVictim,
		r.Sensitive && !w.Sensitive,
		len(r.Actions) > 0 && !anyIn(r.Actions, []string{w.Action}),
		len(r.Priorities) > 0 && !anyIn(r.Priorities, []string{w.Priority}),
		len(r.Outcomes) > 0 && !anyIn(r.Outcomes, []string{w.Outcome}):
		return false
	}
	return true
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
func (t *Training) validate(root *yaml.Node, p *Policy, bad func(line int, format string, a ...any)) {
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
	ids := map[string]bool{}
	for i := 0; reqs != nil && reqs.Kind == yaml.MappingNode && i+1 < len(reqs.Content); i += 2 {
		role, list := reqs.Content[i], reqs.Content[i+1]
		if role.Value != NeedOwner && role.Value != NeedAction && role.Value != NeedApprover {
			bad(role.Line, "training.requirements: unknown role %q (one of %s, %s, %s)", role.Value, NeedOwner,
				NeedAction, NeedApprover)
			continue
		}
		for j, r := range t.Requirements[role.Value] {
			ln := role.Line
			if list.Kind == yaml.SequenceNode && j < len(list.Content) {
				ln = list.Content[j].Line
			}
			t.validateRequirement(role.Value, r, ln, ids, p, bad)
		}
	}
	if t.OverrideMax.N == 0 {
		t.OverrideMax = Span{N: 7, Unit: Days}
	}
	switch {
	case t.Notice.N == 0:
		t.Notice = Span{N: 90, Unit: Days}
	case t.Notice.Unit != Days && t.Notice.Unit != Months:
		bad(at("notice"), "training.notice %q must be days or months, such as \"90 days\"", t.Notice.String())
	}
}

// validateRequirement checks one rule of role at line ln: every problem
// with it is reported, each naming its field.
func (t *Training) validateRequirement(role string, r Requirement, ln int, ids map[string]bool, p *Policy,
	bad func(line int, format string, a ...any)) {
	at := "training.requirements." + role
	switch {
	case r.ID == "":
		bad(ln, "%s: id: every requirement needs an id (it names the rule in refusals and overrides)", at)
	case ids[r.ID]:
		bad(ln, "%s: id: %q is used twice", at, r.ID)
	}
	ids[r.ID] = true
	if t.kinds[r.Needs] == nil {
		bad(ln, "%s: needs: unknown accreditation kind %q (one of %s)", at, r.Needs, strings.Join(t.keys(), ", "))
	}
	if strings.TrimSpace(r.Why) == "" {
		bad(ln, "%s: why: say in plain words why the work needs it (it is shown with every refusal)", at)
	}
	if r.MinVictims < 0 {
		bad(ln, "%s: min_victims must not be negative", at)
	}
	if r.MinSuspects < 0 {
		bad(ln, "%s: min_suspects must not be negative", at)
	}
	for _, g := range r.Groups {
		if !slices.Contains(offence.Groups(), g) {
			bad(ln, "%s: groups: unknown offence group %q (one of %s)", at, g, strings.Join(offence.Groups(), ", "))
		}
	}
	if len(r.Actions) > 0 || len(r.Priorities) > 0 {
		if role != NeedAction {
			bad(ln, "%s: actions and priorities apply to the %s role only", at, NeedAction)
		}
		for _, a := range r.Actions {
			if !slices.ContainsFunc(p.StandardActions, func(s StandardAction) bool { return s.Key == a }) {
				bad(ln, "%s: actions: unknown standard action %q", at, a)
			}
		}
		for _, pr := range r.Priorities {
			if pr != "high" && pr != "medium" && pr != "low" {
				bad(ln, "%s: priorities: unknown priority %q (high, medium or low)", at, pr)
			}
		}
	}
	if len(r.Outcomes) > 0 {
		if role != NeedApprover {
			bad(ln, "%s: outcomes apply to the %s role only", at, NeedApprover)
		}
		for _, o := range r.Outcomes {
			if p.outcomes[o] == nil {
				bad(ln, "%s: outcomes: unknown outcome code %q", at, o)
			}
		}
	}
}

func (t *Training) keys() []string {
	out := make([]string, 0, len(t.Kinds))
	for _, k := range t.Kinds {
		out = append(out, k.Key)
	}
	return out
}

// NoticeFrom is when the notice of an accreditation whose last day is
// expires begins: the start of that London day, less the notice.
func (t *Training) NoticeFrom(expires time.Time) time.Time {
	l := expires.In(clock.London) // counted in London days, across a change of the clocks
	if t.Notice.Unit == Months {
		return l.AddDate(0, -t.Notice.N, 0).UTC()
	}
	return l.AddDate(0, 0, -t.Notice.N).UTC()
}

// String names a requirement for logs and tests.
func (r Requirement) String() string {
	return fmt.Sprintf("%s: %s", r.ID, r.Needs)
}
