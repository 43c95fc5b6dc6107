package gate

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/policy"
)

var now = time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)

func rules(p domain.Problems) []string {
	var out []string
	for _, x := range p {
		out = append(out, x.Rule)
	}
	return out
}

// Every rule in the table has a unique id, a known gate and a check.
func TestRulesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Rules {
		if seen[r.ID] || r.Check == nil || r.Prevents == "" {
			t.Errorf("rule %+v: duplicate id, or no check or description", r.ID)
		}
		seen[r.ID] = true
		if !slices.Contains([]string{"closure", "approval", "transfer", "reopen", "vrr"}, r.Gate) {
			t.Errorf("rule %s: unknown gate %q", r.ID, r.Gate)
		}
	}
}

// The closure gate reads how recently a victim must have been updated from
// the policy, unless the victim's contact plan says how often.
func TestVictimContactFromPolicy(t *testing.T) {
	// The contact is added as the fold adds it: the gate reads the
	// victim's latest contact of each kind, not the whole list, which
	// lives in the contact log (migration 00041).
	v := domain.Victim{Name: "Child A", AccountTaken: true, View: "agrees"}
	v.AddContact(domain.Contact{Kind: domain.ContactUpdate, At: now.AddDate(0, 0, -20)})
	c := &domain.Case{Victims: []domain.Victim{v}}
	contact := func(pol *policy.Policy) []string {
		var out []string
		for _, p := range Closure(c, Proposal{Outcome: "18"}, pol, now) {
			if p.Rule == "victim_contact" {
				out = append(out, p.Message)
			}
		}
		return out
	}
	if got := contact(policy.Default()); len(got) != 0 {
		t.Errorf("contacted 20 days ago, policy 28 days: refused %v", got)
	}
	strict, err := policy.Parse([]byte(strings.Replace(string(policy.DefaultYAML()),
		"victim_contact: 28 days", "victim_contact: 14 days", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if got := contact(strict); len(got) != 1 || !strings.Contains(got[0], "last 14 days") {
		t.Errorf("contacted 20 days ago, policy 14 days: got %v, want one refusal naming 14 days", got)
	}
	c.Victims[0].Plan = &domain.ContactPlan{EveryDays: 30}
	if got := contact(strict); len(got) != 0 {
		t.Errorf("the victim's plan (every 30 days) must win over the policy: refused %v", got)
	}
}

// A victim's problems are listed together, victim by victim, between the
// case-wide rules.
func TestClosureListsVictimByVictim(t *testing.T) {
	c := &domain.Case{Victims: []domain.Victim{{Name: "Child A"}, {Name: "Child B"}}}
	got := rules(Closure(c, Proposal{Outcome: "18"}, policy.Default(), now))
	want := []string{"rationale", "rationale", "rationale", "rationale",
		"victim_account", "victim_contact", "victim_view", "victim_account", "victim_contact", "victim_view",
		"supervised"}
	if !slices.Equal(got, want) {
		t.Errorf("rules %v, want %v", got, want)
	}
}

// With no closure decision, a review is refused once, as vrr_rank.
func TestVRRWithoutDecision(t *testing.T) {
	c := &domain.Case{Ref: "CSE-2026-000001", OwnerID: "u1"}
	got := rules(VRRReviewer(c, &domain.User{ID: "u1"}, domain.NewOrgState()))
	if !slices.Equal(got, []string{"vrr_rank"}) {
		t.Errorf("rules %v, want [vrr_rank]", got)
	}
}

// Outcomes 6, 7 and 19 (a penalty notice, a cannabis warning, a fraud
// report filed) cannot apply to a sexual offence: the gate refuses them,
// saying what each is for, and the form's list (Outcomes) leaves them out,
// by the same rule, while an outcome that fits is accepted and offered.
func TestOutcomeMustFitTheOffences(t *testing.T) {
	pol := policy.Default()
	c := &domain.Case{OffenceTypes: []string{"CSE", "88A"}}
	for _, code := range []string{"6", "7", "19"} {
		var got []string
		for _, p := range Closure(c, Proposal{Outcome: code}, pol, now) {
			if p.Rule == "outcome_fits" {
				got = append(got, p.Field+": "+p.Message)
			}
		}
		if len(got) != 1 || !strings.HasPrefix(got[0], "outcome: Outcome "+code+" (") ||
			!strings.Contains(got[0], "is only for "+pol.Outcome(code).OnlyFor) ||
			!strings.Contains(got[0], "Sexual grooming") {
			t.Errorf("outcome %s on a grooming case: refused %v, want one outcome_fits saying what it is for", code, got)
		}
	}
	offered := map[string]bool{}
	for _, o := range Outcomes(c, pol, now) {
		offered[o.Code] = true
	}
	for _, code := range []string{"6", "7", "19"} {
		if offered[code] {
			t.Errorf("outcome %s offered for a grooming case", code)
		}
	}
	for _, code := range []string{"1", "15", "16", "18", "21", "22"} {
		if !offered[code] {
			t.Errorf("outcome %s not offered for a grooming case", code)
		}
		if got := rules(Closure(c, Proposal{Outcome: code}, pol, now)); slices.Contains(got, "outcome_fits") {
			t.Errorf("outcome %s refused as not fitting: %v", code, got)
		}
	}
	// Before 22 existed it is neither accepted nor offered: the form and
	// the gate share the date rule too.
	if slices.ContainsFunc(Outcomes(c, pol, time.Date(2019, 3, 1, 0, 0, 0, 0, time.UTC)),
		func(o policy.Outcome) bool { return o.Code == "22" }) {
		t.Error("outcome 22 offered before 1 April 2019")
	}
	// A force whose own classification has a drugs offence lists it: then
	// the cannabis warning fits a case of it, and only such a case.
	forced, err := policy.Parse([]byte(strings.Replace(string(policy.DefaultYAML()),
		`only_for: "possession of cannabis or khat", offences: []`,
		`only_for: "possession of cannabis or khat", offences: ["92X", "drugs"]`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	drugs := &domain.Case{OffenceTypes: []string{"92X"}}
	if got := rules(Closure(drugs, Proposal{Outcome: "7"}, forced, now)); slices.Contains(got, "outcome_fits") {
		t.Errorf("cannabis warning on a listed drugs offence refused: %v", got)
	}
	if got := rules(Closure(c, Proposal{Outcome: "7"}, forced, now)); !slices.Contains(got, "outcome_fits") {
		t.Errorf("cannabis warning on a grooming case accepted under the force's policy: %v", got)
	}
}
