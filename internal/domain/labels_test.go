package domain_test

import (
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/offence"
)

// TestEveryCodeHasALabel: every code in the domain's enumerations has a
// literal label, so a page never shows a raw code.
func TestEveryCodeHasALabel(t *testing.T) {
	has := func(what, code string, ok bool) {
		t.Helper()
		if !ok {
			t.Errorf("%s %q has no label", what, code)
		}
	}
	for _, s := range []domain.Status{domain.StatusReferral, domain.StatusOpen, domain.StatusClosureProposed,
		domain.StatusClosed} {
		_, ok := domain.StatusLabels[s]
		has("case status", string(s), ok)
	}
	for _, s := range []domain.ActionState{domain.ActionStateRaised, domain.ActionStateAllocated,
		domain.ActionStateResulted, domain.ActionStateReferred, domain.ActionStateFiled, domain.ActionStateCancelled} {
		_, ok := domain.ActionStateLabels[s]
		has("action state", string(s), ok)
	}
	for _, s := range domain.SuspectStatuses() {
		_, ok := domain.SuspectStatusLabels[s]
		has("suspect status", string(s), ok)
	}
	for _, k := range domain.ContactKinds() {
		_, ok := domain.ContactKindLabels[k]
		has("contact kind", k, ok)
	}
	for _, r := range domain.Roles() {
		_, ok := domain.RoleLabels[r]
		_, plural := domain.RolePlurals[r]
		has("role", string(r), ok && plural)
	}
	for _, r := range domain.Ranks() {
		_, ok := domain.RankLabels[r]
		_, ab := domain.RankAbbrevs[r]
		has("rank", string(r), ok && ab)
	}
	for _, s := range []domain.DutyStatus{domain.DutyOpen, domain.DutyMet, domain.DutyWaived, domain.DutyCancelled} {
		_, ok := domain.DutyStatusLabels[s]
		has("duty status", string(s), ok)
	}
	for _, k := range []string{duty.AllocateReferral, duty.InvestigationPlan, duty.FirstVictimContact,
		duty.ContactPlan, duty.SupportReferral, duty.VictimUpdate, duty.DecisionNotice, duty.SupervisoryReview,
		duty.ActionTarget, duty.ActionReview, duty.TransferAccept, duty.ClosureApproval, duty.VRRAcknowledge,
		duty.VRRReview, duty.FindingResponse, duty.ClosureSentBack, duty.BreakGlassReview} {
		_, ok := domain.DutyKindLabels[k]
		has("duty kind", k, ok)
	}
	for _, k := range []string{"escalation", "finding", domain.AlertClosureSentBack, domain.AlertBreakGlass} {
		_, ok := domain.AlertKindLabels[k]
		has("alert kind", k, ok)
	}
	for _, typ := range domain.EventTypes() {
		_, ok := domain.EventLabels[typ]
		has("event kind", typ, ok)
	}
	for _, k := range domain.AuditFindingKinds {
		_, ok := domain.FindingKindLabels[k]
		has("audit finding kind", k, ok)
	}
	for _, k := range []domain.UnitKind{domain.UnitForce, domain.UnitDepartment, domain.UnitTeam} {
		_, ok := domain.UnitKindLabels[k]
		has("unit kind", string(k), ok)
	}
	for _, r := range []string{"witness", "parent_or_carer", "social_worker", "professional", "reporting_person",
		"other"} {
		_, ok := domain.PersonRoleLabels[r]
		has("person role", r, ok)
	}
	// Every offence code reads as its title, a capitalised phrase.
	for _, o := range offence.Current().All() {
		if l := domain.OffenceLabel(o.Code); l != o.Title || l == "" || strings.Contains(l, "_") || l != domain.Capitalise(l) {
			t.Errorf("offence %s: label %q is not its title as a capitalised phrase", o.Code, l)
		}
	}
	// A value recorded before classification reads as its code's title.
	if got := domain.OffenceLabel("rape_of_a_child"); got != "Rape of a female child under 13" {
		t.Errorf("a mapped free-text offence reads %q", got)
	}
}

func TestPersonNameAndWords(t *testing.T) {
	for _, c := range []struct {
		u    *domain.User
		want string
	}{
		{&domain.User{Name: "Amy Lloyd", Rank: domain.RankConstable}, "DC Amy Lloyd"},
		{&domain.User{Name: "Ines Khan", Rank: domain.RankInspector}, "DI Ines Khan"},
		{&domain.User{Name: "DI Ines Khan", Rank: domain.RankInspector}, "DI Ines Khan"},
		{&domain.User{Name: "Ada Admin", Rank: domain.RankStaff}, "Ada Admin"},
		{nil, "someone no longer on the record"},
	} {
		if got := domain.PersonName(c.u); got != c.want {
			t.Errorf("PersonName(%+v) = %q, want %q", c.u, got, c.want)
		}
	}
	if got := domain.RankNoun(domain.RankInspector); got != "an inspector" {
		t.Errorf("RankNoun(inspector) = %q", got)
	}
	if got := domain.RankNoun(domain.RankSergeant); got != "a sergeant" {
		t.Errorf("RankNoun(sergeant) = %q", got)
	}
	if got := domain.Plural(1, "other case", "other cases"); got != "1 other case" {
		t.Errorf("Plural: %q", got)
	}
	if got := domain.Plural(3, "line of enquiry", "lines of enquiry"); got != "3 lines of enquiry" {
		t.Errorf("Plural: %q", got)
	}
	if got := domain.OffenceLabel("some_new_offence"); got != "Some new offence" {
		t.Errorf("an unlisted offence must still read as words: %q", got)
	}
	if got := domain.JoinAnd([]string{"a", "b", "c"}); got != "a, b and c" {
		t.Errorf("JoinAnd: %q", got)
	}
}
