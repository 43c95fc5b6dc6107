package policy

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	_ "time/tzdata" // time zones are checked on machines without zoneinfo

	"go.yaml.in/yaml/v3"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
)

//go:embed default.yaml
var defaultYAML []byte

// London is the only time zone a policy may name (see Policy.TimeZone).
var London = clock.London.String()

// DefaultYAML is the shipped policy file.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Calendar counts working days. internal/calendar implements it.
type Calendar interface {
	AddWorkingDays(t time.Time, n int) time.Time
}

// Unit is what a span counts.
type Unit string

const (
	WorkingDays Unit = "working days"
	Days        Unit = "days"
	Hours       Unit = "hours"
	Months      Unit = "months"
)

// Span is a policy period such as "5 working days" or "28 days".
type Span struct {
	N    int
	Unit Unit
}

func (s Span) String() string {
	u := string(s.Unit)
	if s.N == 1 {
		u = strings.TrimSuffix(u, "s")
	}
	return fmt.Sprintf("%d %s", s.N, u)
}

// After is the deadline s after t. Working days end at the close of the
// London working day; calendar days and hours are exact durations.
func (s Span) After(t time.Time, cal Calendar) time.Time {
	switch s.Unit {
	case WorkingDays:
		return cal.AddWorkingDays(t, s.N)
	case Days:
		return t.AddDate(0, 0, s.N)
	case Months:
		return t.AddDate(0, s.N, 0)
	default:
		return t.Add(time.Duration(s.N) * time.Hour)
	}
}

// ParseSpan reads "N working days", "N days", "N hours", "N months" (or "Nh").
func ParseSpan(text string) (Span, error) {
	f := strings.Fields(strings.ToLower(strings.TrimSpace(text)))
	if len(f) == 1 && strings.HasSuffix(f[0], "h") {
		f = []string{strings.TrimSuffix(f[0], "h"), "hours"}
	}
	if len(f) < 2 {
		return Span{}, fmt.Errorf(
			"%q is not a period: write it as \"5 working days\", \"28 days\", \"24 hours\" or \"3 months\"",
			text,
		)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n < 0 || n > 3650 {
		return Span{}, fmt.Errorf("%q: %q is not a whole number between 0 and 3650", text, f[0])
	}
	unit := strings.Join(f[1:], " ")
	unit = strings.TrimSuffix(unit, "s") + "s"
	switch Unit(unit) {
	case WorkingDays, Days, Hours, Months:
		return Span{N: n, Unit: Unit(unit)}, nil
	}
	return Span{}, fmt.Errorf(
		"%q: unknown unit %q (working days, days, hours or months)",
		text,
		strings.Join(f[1:], " "),
	)
}

// UnmarshalYAML lets spans be written as text, with the line on error.
func (s *Span) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseSpan(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*s = v
	return nil
}

// Duty is when a kind of duty falls due and what it asks.
type Duty struct {
	Within Span   `yaml:"within"`
	Says   string `yaml:"says"`
}

// Escalation is the ladder for an overdue duty.
type Escalation struct {
	SupervisorAfter Span        `yaml:"supervisor_after"`
	ManagerAfter    Span        `yaml:"manager_after"`
	ManagerMinRank  domain.Rank `yaml:"manager_min_rank"`
}

// Gates holds the figures the decision gates check against (internal/gate).
type Gates struct {
	// VictimContact is how recently each victim must have been updated
	// before a closure is proposed, when no contact plan agreed with the
	// victim says how often. In days: the gate counts elapsed time.
	VictimContact Span `yaml:"victim_contact"`
}

// Outcome is a Home Office outcome code and who may approve it.
type Outcome struct {
	Code              string      `yaml:"code"`
	Title             string      `yaml:"title"`
	Approver          domain.Rank `yaml:"approver"`
	ApproverSensitive domain.Rank `yaml:"approver_sensitive"`
	NeedsVictimView   bool        `yaml:"needs_victim_view"`
	Since             string      `yaml:"since"` // YYYY-MM-DD: not valid for closures before
	// OnlyFor, on an outcome that applies to some offences only (a
	// cannabis warning, a fraud report filed), says in words which; such
	// an outcome fits a case only if one of its offences is named in
	// Offences, by classification code or group (internal/offence). The
	// closure gate refuses it otherwise, and the form does not offer it.
	OnlyFor  string   `yaml:"only_for"`
	Offences []string `yaml:"offences"`
}

// Fits reports whether the outcome can apply to a case with offences,
// each a classification code (or text recorded before classification),
// whose groups group names: any outcome without OnlyFor, or one whose
// Offences name one of them or its group.
func (o *Outcome) Fits(offences []string, group func(code string) string) bool {
	if o.OnlyFor == "" {
		return true
	}
	for _, code := range offences {
		if slices.Contains(o.Offences, code) {
			return true
		}
		if g := group(code); g != "" && slices.Contains(o.Offences, g) {
			return true
		}
	}
	return false
}

// StandardAction is an entry in the library offered when a case opens.
type StandardAction struct {
	Key      string `yaml:"key"`
	Title    string `yaml:"title"`
	Priority string `yaml:"priority"`
}

// Policy is a validated policy.
type Policy struct {
	Version int `yaml:"version"`
	// TimeZone is where working days and deadlines are reckoned. The
	// calendar is England and Wales's, so only Europe/London is accepted;
	// the field states it in the file rather than leaving it assumed.
	TimeZone        string           `yaml:"time_zone"`
	Duties          map[string]Duty  `yaml:"duties"`
	Escalation      Escalation       `yaml:"escalation"`
	VRRWindow       Span             `yaml:"vrr_window"`
	Findings        map[string]Span  `yaml:"findings"`
	Gates           Gates            `yaml:"gates"`
	Outcomes        []Outcome        `yaml:"outcomes"`
	StandardActions []StandardAction `yaml:"standard_actions"`
	// BreakGlass is how long an emergency access to a case outside one's
	// need to know lasts (default 1 hour).
	BreakGlass Span `yaml:"break_glass"`
	Auth       Auth `yaml:"auth"` // signing in (auth.go)
	// Training is accreditations and what needs them (training.go).
	Training Training `yaml:"training"`
	// Links is when a match between cases raises an alert (links.go).
	Links    Links               `yaml:"links"`
	outcomes map[string]*Outcome `yaml:"-"`
	source   []byte
}

// Source is the policy file as read, for people to check what is in force.
func (p *Policy) Source() []byte { return bytes.Clone(p.source) }

// Default returns the shipped policy. It panics only if the embedded file
// is broken, which the package's tests rule out.
func Default() *Policy {
	p, err := Parse(defaultYAML)
	if err != nil {
		panic("policy: the embedded default is invalid: " + err.Error())
	}
	return p
}

// Parse reads and validates a policy file. Every problem is reported with
// its line; a policy with any problem is refused whole.
func Parse(b []byte) (*Policy, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	var probs []string
	bad := func(line int, format string, a ...any) {
		probs = append(probs, fmt.Sprintf("line %d: %s", line, fmt.Sprintf(format, a...)))
	}
	if p.Version != 1 {
		bad(line(&root, "version"), "version must be 1, not %d", p.Version)
	}
	if p.TimeZone == "" {
		p.TimeZone = London
	} else if _, err := time.LoadLocation(p.TimeZone); err != nil {
		bad(line(&root, "time_zone"), "time_zone %q is not a time zone (write it as an IANA name such as %s)", p.TimeZone, London)
	} else if p.TimeZone != London {
		bad(line(&root, "time_zone"), "time_zone %q: working days follow the England-and-Wales calendar, so it must be %s", p.TimeZone, London)
	}
	for _, k := range keys(&root, "duties") {
		if !knownKind(k.Value) {
			bad(k.Line, "duties: unknown duty kind %q (one of %s)", k.Value, strings.Join(Kinds(), ", "))
		}
	}
	for k, d := range optionalDuties {
		if _, ok := p.Duties[k]; !ok {
			if p.Duties == nil {
				p.Duties = map[string]Duty{}
			}
			p.Duties[k] = d
		}
	}
	if p.BreakGlass.N == 0 {
		p.BreakGlass = Span{N: 1, Unit: Hours}
	}
	for _, k := range Kinds() {
		if _, ok := p.Duties[k]; !ok {
			bad(line(&root, "duties"), "duty kind %q has no deadline: add `%s: {within: ..., says: ...}`", k, k)
		}
	}
	for _, k := range keys(&root, "findings") {
		if k.Value != "victim_without_contact_plan" {
			bad(k.Line, "unknown finding grace %q", k.Value)
		}
	}
	if !validRank(p.Escalation.ManagerMinRank) {
		bad(
			line(&root, "escalation"),
			"escalation.manager_min_rank %q is not a rank (%v)",
			p.Escalation.ManagerMinRank,
			domain.Ranks(),
		)
	}
	if p.VRRWindow.N == 0 {
		bad(line(&root, "vrr_window"), "vrr_window is missing or zero")
	}
	switch vc := p.Gates.VictimContact; {
	case vc.N == 0:
		bad(line(&root, "gates"), "gates.victim_contact is missing or zero: add `gates: {victim_contact: 28 days}`")
	case vc.Unit != Days:
		bad(line(&root, "gates"), "gates.victim_contact %q must be a number of days, such as \"28 days\"", vc.String())
	}
	p.outcomes = map[string]*Outcome{}
	items := seq(&root, "outcomes")
	for i := range p.Outcomes {
		o := &p.Outcomes[i]
		ln := 0
		if i < len(items) {
			ln = items[i].Line
		}
		if o.Code == "" || o.Title == "" {
			bad(ln, "an outcome needs a code and a title")
		}
		if _, dup := p.outcomes[o.Code]; dup {
			bad(ln, "outcome %q is listed twice", o.Code)
		}
		if !validRank(o.Approver) {
			bad(ln, "outcome %q: approver %q is not a rank: give %s", o.Code, o.Approver, domain.RankChoices())
		}
		if o.ApproverSensitive == "" {
			o.ApproverSensitive = o.Approver
		} else if !validRank(o.ApproverSensitive) {
			bad(ln, "outcome %q: approver_sensitive %q is not a rank", o.Code, o.ApproverSensitive)
		}
		if o.Since != "" {
			if _, err := time.Parse(time.DateOnly, o.Since); err != nil {
				bad(ln, "outcomes: outcome %q: since %q is not a date (YYYY-MM-DD)", o.Code, o.Since)
			}
		}
		if len(o.Offences) > 0 && strings.TrimSpace(o.OnlyFor) == "" {
			bad(ln, "outcome %q: offences given without only_for: say in words which offences it is for", o.Code)
		}
		if slices.Contains(o.Offences, "") {
			bad(ln, "outcome %q: an empty entry in offences: give a classification code or group", o.Code)
		}
		p.outcomes[o.Code] = o
	}
	if len(p.Outcomes) == 0 {
		bad(line(&root, "outcomes"), "no outcome codes: closures could never be recorded")
	}
	seen := map[string]bool{}
	for i, a := range p.StandardActions {
		if a.Key == "" || a.Title == "" || seen[a.Key] {
			bad(itemLine(&root, "standard_actions", i), "standard action %d needs a unique key and a title", i+1)
		}
		seen[a.Key] = true
	}
	p.Auth.authDefaults(func(format string, a ...any) { bad(line(&root, "auth"), format, a...) })
	p.Training.validate(&root, &p, bad)
	p.Links.validate(func(format string, a ...any) { bad(line(&root, "links"), format, a...) })
	if len(probs) > 0 {
		return nil, fmt.Errorf("policy: %s", strings.Join(probs, "; "))
	}
	p.source = bytes.Clone(b)
	return &p, nil
}

// Outcome returns the outcome with code, or nil if the policy has none.
func (p *Policy) Outcome(code string) *Outcome { return p.outcomes[code] }

// OutcomeLabel names an outcome as every page, form and export does —
// "Outcome 16: Named suspect identified: …" — from the policy's own title,
// the one list of outcome titles; "Outcome 77" for a code it does not know,
// "" for none.
func (p *Policy) OutcomeLabel(code string) string {
	if code == "" {
		return ""
	}
	if o := p.outcomes[code]; o != nil {
		return "Outcome " + code + ": " + o.Title
	}
	return "Outcome " + code
}

// Due is when a duty of kind opened at t falls due.
func (p *Policy) Due(kind string, t time.Time, cal Calendar) time.Time {
	return p.Duties[kind].Within.After(t, cal)
}

// Says is what a duty of kind asks of its accountable person.
func (p *Policy) Says(kind string) string { return p.Duties[kind].Says }

func validRank(r domain.Rank) bool {
	_, err := domain.ParseRank(string(r))
	return err == nil
}

func mapping(root *yaml.Node, key string) *yaml.Node {
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == key {
			return root.Content[i+1]
		}
	}
	return nil
}

func line(root *yaml.Node, key string) int {
	if n := mapping(root, key); n != nil {
		return n.Line
	}
	return 1
}

func keys(root *yaml.Node, key string) []*yaml.Node {
	n := mapping(root, key)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var out []*yaml.Node
	for i := 0; i < len(n.Content); i += 2 {
		out = append(out, n.Content[i])
	}
	return out
}

func seq(root *yaml.Node, key string) []*yaml.Node {
	n := mapping(root, key)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}

func itemLine(root *yaml.Node, key string, i int) int {
	if s := seq(root, key); i < len(s) {
		return s[i].Line
	}
	return line(root, key)
}

// Kinds lists every duty kind, sorted.
func Kinds() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func knownKind(k string) bool { return kinds[k] }

var kinds = map[string]bool{
	"allocate_referral": true, "investigation_plan": true, "first_victim_contact": true, "contact_plan": true,
	"support_referral": true, "victim_update": true, "decision_notice_enhanced": true, "decision_notice_standard": true,
	"first_review": true, "review": true, "action_target": true, "action_review": true, "transfer_accept": true,
	"closure_approval": true, "vrr_acknowledge": true, "vrr_review": true, "finding_response": true,
	// An audit's reviews and sign-offs are owed on the audit, not on a
	// case, so no case duty carries them; the watchdog reads their
	// deadlines here all the same, so a force sets them where it sets
	// every other.
	"audit_review": true, "audit_sign_off": true,
	// Added after forces wrote their own policies: a file without them
	// takes optionalDuties' deadlines.
	"closure_sent_back": true, "break_glass_review": true, "link_review": true,
	// Issue 21: due on the last working day an accreditation counts, not
	// within a span; the span is unused but kept so every kind has one.
	"accreditation_expiry": true,
}

// optionalDuties are the deadlines of duty kinds a policy file may leave
// out (they came later): the shipped values.
var optionalDuties = map[string]Duty{
	"closure_sent_back": {Within: Span{N: 10, Unit: WorkingDays},
		Says: "Act on the closure sent back, then propose it again"},
	"break_glass_review": {Within: Span{N: 5, Unit: WorkingDays},
		Says: "Review an emergency (break-glass) access to a case"},
	"link_review": {Within: Span{N: 5, Unit: WorkingDays},
		Says: "Review a possible link to a person on another case"},
	"accreditation_expiry": {Within: Span{N: 0, Unit: WorkingDays},
		Says: "Refresh the officer's accreditation, or reallocate the work that needs it"},
}
