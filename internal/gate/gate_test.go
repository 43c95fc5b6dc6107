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
