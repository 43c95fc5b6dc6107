package audit

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/offence"
	"github.com/holdfast/holdfast/internal/policy"
)

// Criteria select closed cases for triage (see domain.AuditCriteria).
type Criteria = domain.AuditCriteria

// Preset names.
const (
	PresetRoutine    = "routine"
	PresetBeaconport = "beaconport"
)

// Routine is the routine audit's criteria: every closed case, whatever
// its outcome. The audit's period narrows it to closures in that period.
func Routine() Criteria { return Criteria{Name: PresetRoutine} }

// ContactOffences are the offence classifications (internal/offence) the
// Beaconport preset counts as contact offences against a child or an
// adult: every rape (19C-19H); assault by penetration and sexual assault
// of a male or a female, child or adult (17A, 17B, 20A, 20B); causing
// sexual activity without consent (22A); sexual activity involving a
// child under 13 or under 16 (21, 22B); familial child sexual offences
// (23); abuse of a position of trust (73); sexual activity with a person
// with a mental disorder (70); the exploitation of children (71) and
// trafficking for sexual exploitation (72). Grooming (88A), exposure and
// voyeurism (88E), the miscellaneous classes (88C, 88D), indecent images
// (86), prostitution of adults (24), child abduction (13) and the child
// sexual exploitation flag (CSE) are not contact offences by definition:
// a case needs one of the codes above as well. docs/audits.md says why.
var ContactOffences = []string{
	"19C", "19D", "19E", "19F", "19G", "19H",
	"17A", "17B", "20A", "20B", "22A",
	"21", "22B", "23", "73", "70",
	"71", "72",
}

// RapeOffences are the rape classifications: Beaconport reviews rape
// allegations first.
var RapeOffences = []string{"19C", "19D", "19E", "19F", "19G", "19H"}

// Beaconport is the national review's scope (../shared/domain.md §1): cases reported
// from 1 January 2010 to 31 March 2025 that ended without a charge, with
// two or more suspects, more than one victim, contact offences, a suspect
// still alive, and no earlier independent review; rape allegations first.
func Beaconport() Criteria {
	return Criteria{
		Name:                     PresetBeaconport,
		ReportedFrom:             "2010-01-01",
		ReportedTo:               "2025-03-31",
		ExcludeOutcomes:          []string{"1", "1A", "4"}, // charged or summonsed, or taken into consideration
		MinSuspects:              2,
		MinVictims:               2,
		OffenceTypes:             slices.Clone(ContactOffences),
		LivingSuspect:            true,
		NotIndependentlyReviewed: true,
		PriorityOffences:         slices.Clone(RapeOffences),
	}
}

// Preset returns the named preset.
func Preset(name string) (Criteria, bool) {
	switch name {
	case PresetRoutine:
		return Routine(), true
	case PresetBeaconport:
		return Beaconport(), true
	}
	return Criteria{}, false
}

// Presets lists the shipped presets.
func Presets() []Criteria { return []Criteria{Routine(), Beaconport()} }

// govDay is how a refusal writes a date: 1 January 2026.
const govDay = "2 January 2006"

// maxList bounds every list in criteria: nothing sensible is near it.
const maxList = 200

// Validate lists every problem with cr. With a policy, outcome codes must
// be ones it knows.
func Validate(cr Criteria, pol *policy.Policy) domain.Problems {
	var p domain.Problems
	if len(cr.Name) > 100 || !utf8.ValidString(cr.Name) {
		p.Add("criteria.name", "length", "give the criteria a name of at most 100 characters")
	}
	// A range's refusal names its ends as the plan form does ("Closed
	// to") and its dates the GOV.UK way, and says how to put it right.
	dates := func(what, from, to string) {
		fromField, toField := "criteria."+what+"_from", "criteria."+what+"_to"
		f, okF := parseDay(from)
		t, okT := parseDay(to)
		if !okF {
			p.Add(fromField, "date", domain.Capitalise(what)+" from must be a real date, for example 27 3 2026")
		}
		if !okT {
			p.Add(toField, "date", domain.Capitalise(what)+" to must be a real date, for example 27 3 2026")
		}
		if okF && okT && !f.IsZero() && !t.IsZero() && t.Before(f) {
			p.Add(toField, "order", fmt.Sprintf("%s to (%s) must be the same as or after %s from (%s)",
				what, t.Format(govDay), what, f.Format(govDay)))
		}
	}
	dates("reported", cr.ReportedFrom, cr.ReportedTo)
	dates("closed", cr.ClosedFrom, cr.ClosedTo)
	if cr.MinSuspects < 0 || cr.MinSuspects > 1000 {
		p.Add("criteria.min_suspects", "range", "minimum number of suspects must be between 0 and 1,000")
	}
	if cr.MinVictims < 0 || cr.MinVictims > 1000 {
		p.Add("criteria.min_victims", "range", "minimum number of victims must be between 0 and 1,000")
	}
	codes := func(field string, list []string) {
		if len(list) > maxList {
			p.Add(field, "length", fmt.Sprintf("Choose %d outcomes or fewer", maxList))
			return
		}
		for i, c := range list {
			if pol != nil && pol.Outcome(c) == nil {
				p.Add(
					fmt.Sprintf("%s[%d]", field, i),
					"outcome_code",
					fmt.Sprintf("The force's policy has no outcome %q: choose outcomes from the list", c),
				)
			}
		}
	}
	codes("criteria.outcomes", cr.Outcomes)
	codes("criteria.exclude_outcomes", cr.ExcludeOutcomes)
	patterns := func(field string, list []string) {
		if len(list) > maxList {
			p.Add(field, "length", fmt.Sprintf("Choose %d offences or fewer", maxList))
			return
		}
		cls := offence.Current()
		for i, s := range list {
			if strings.TrimSpace(s) == "" || len(s) > 100 || !utf8.ValidString(s) {
				p.Add(
					fmt.Sprintf("%s[%d]", field, i),
					"pattern",
					"a pattern is 1 to 100 characters; * matches any run of characters",
				)
				continue
			}
			if !matchesACode(cls, s) {
				msg := fmt.Sprintf("%q matches no offence code of the classification", s)
				if near := cls.Suggest(s, 3); len(near) > 0 {
					var names []string
					for _, o := range near {
						names = append(names, o.Code+" ("+o.Title+")")
					}
					msg += "; nearest: " + strings.Join(names, ", ")
				}
				p.Add(fmt.Sprintf("%s[%d]", field, i), "offence_code", msg)
			}
		}
	}
	patterns("criteria.offence_types", cr.OffenceTypes)
	patterns("criteria.priority_offences", cr.PriorityOffences)
	return p
}

// ParseCriteria reads criteria written as JSON, refusing unknown fields
// and trailing data, and validates them.
func ParseCriteria(b []byte, pol *policy.Policy) (Criteria, error) {
	var cr Criteria
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cr); err != nil {
		return Criteria{}, domain.Problems{
			{Field: "criteria", Rule: "json", Message: "the criteria are not valid JSON: " + err.Error()},
		}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Criteria{}, domain.Problems{
			{Field: "criteria", Rule: "json", Message: "the criteria must be one JSON object"},
		}
	}
	if err := Validate(cr, pol).Err(); err != nil {
		return Criteria{}, err
	}
	return cr, nil
}

// parseDay reads YYYY-MM-DD as the start of that day in London; "" is the
// zero time (no bound).
func parseDay(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation(time.DateOnly, s, clock.London)
	return t, err == nil
}

// inDays reports whether t falls within the inclusive days from..to.
func inDays(t time.Time, from, to string) bool {
	if f, _ := parseDay(from); !f.IsZero() && t.Before(f) {
		return false
	}
	if e, _ := parseDay(to); !e.IsZero() && !t.Before(e.AddDate(0, 0, 1)) {
		return false
	}
	return true
}

// Match reports whether a pattern matches s, ignoring case. "*" matches
// any run of characters, including none; every other character itself.
func Match(pattern, s string) bool {
	p, str := strings.ToLower(pattern), strings.ToLower(s)
	// Iterative glob with one backtrack point: linear in practice.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(str) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == str[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

// matchesACode reports whether pattern names at least one code: criteria
// name codes, so a pattern that names none is a mistake.
func matchesACode(c *offence.Classification, pattern string) bool {
	for _, o := range c.All() {
		if Match(pattern, o.Code) {
			return true
		}
	}
	return false
}

// Codes are a case's offences as classification codes: a value recorded
// before offences were classified counts as the code it maps to, so a
// case not yet upgraded is judged as it will be.
func Codes(c *domain.Case) []string {
	cls := offence.Current()
	out := make([]string, 0, len(c.OffenceTypes))
	for _, v := range c.OffenceTypes {
		if !cls.IsCode(v) {
			if code, _, ok := cls.Map(v); ok {
				v = code
			}
		}
		out = append(out, v)
	}
	return out
}

func matchAny(patterns, values []string) bool {
	for _, v := range values {
		for _, p := range patterns {
			if Match(p, v) {
				return true
			}
		}
	}
	return false
}

// Exclusion reasons: why a case is not in a queue.
const (
	ExNotClosed      = "not_closed"
	ExClosedPeriod   = "closed_outside_period"
	ExReportedPeriod = "reported_outside_period"
	ExOutcome        = "outcome"
	ExSuspects       = "too_few_suspects"
	ExVictims        = "too_few_victims"
	ExOffence        = "no_matching_offence"
	ExNoLivingSusp   = "no_living_suspect"
	ExReviewed       = "already_reviewed"
)

// Excluded says why c does not meet cr ("" if it does). reviewed reports
// whether the case has already been independently reviewed elsewhere (an
// earlier audit); a decided Victims' Right to Review counts too.
func Excluded(cr Criteria, c *domain.Case, reviewed bool) string {
	if c.Status != domain.StatusClosed || c.Closure == nil {
		return ExNotClosed
	}
	if !inDays(c.ClosedAt, cr.ClosedFrom, cr.ClosedTo) {
		return ExClosedPeriod
	}
	if cr.ReportedFrom != "" || cr.ReportedTo != "" {
		if !inDays(Reported(c), cr.ReportedFrom, cr.ReportedTo) {
			return ExReportedPeriod
		}
	}
	if len(cr.Outcomes) > 0 && !contains(cr.Outcomes, c.Outcome) {
		return ExOutcome
	}
	if contains(cr.ExcludeOutcomes, c.Outcome) {
		return ExOutcome
	}
	if len(c.Suspects) < cr.MinSuspects {
		return ExSuspects
	}
	if len(c.Victims) < cr.MinVictims {
		return ExVictims
	}
	if len(cr.OffenceTypes) > 0 && !matchAny(cr.OffenceTypes, Codes(c)) {
		return ExOffence
	}
	if cr.LivingSuspect {
		alive := false
		for _, s := range c.Suspects {
			alive = alive || s.Status != domain.SuspectDeceased
		}
		if !alive {
			return ExNoLivingSusp
		}
	}
	if cr.NotIndependentlyReviewed && (reviewed || vrrDecided(c)) {
		return ExReviewed
	}
	return ""
}

// Priority reports whether c has an offence the criteria put first.
func Priority(cr Criteria, c *domain.Case) bool {
	return matchAny(cr.PriorityOffences, Codes(c))
}

// Reported is when the case was reported: the recorded report time, or
// when it was opened.
func Reported(c *domain.Case) time.Time {
	if !c.ReportedAt.IsZero() {
		return c.ReportedAt
	}
	return c.OpenedAt
}

func vrrDecided(c *domain.Case) bool {
	for _, v := range c.VRRs {
		if !v.DecidedAt.IsZero() {
			return true
		}
	}
	return false
}

func contains[T comparable](xs []T, x T) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
