package audit_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/offence"
)

// beaconportScope is written from the review's published criteria
// (docs/audits.md, ../shared/domain.md §1: "contact offences"; rape
// allegations reviewed first), one row per classification, independently
// of the preset's list: in says whether a case whose only offence is this
// one is selected, rape whether it is put first.
var beaconportScope = map[string]struct {
	in, rape bool
	why      string
}{
	"19C": {true, true, "rape of a woman"},
	"19D": {true, true, "rape of a girl under 16"},
	"19E": {true, true, "rape of a girl under 13"},
	"19F": {true, true, "rape of a man"},
	"19G": {true, true, "rape of a boy under 16"},
	"19H": {true, true, "rape of a boy under 13"},
	"17A": {true, false, "assault by penetration or sexual assault of a male 13 or over"},
	"17B": {true, false, "assault by penetration (s.6) or sexual assault of a boy under 13: the issue's missed case"},
	"20A": {true, false, "assault by penetration or sexual assault of a female 13 or over"},
	"20B": {true, false, "assault by penetration (s.6) or sexual assault of a girl under 13: the issue's missed case"},
	"22A": {true, false, "causing sexual activity without consent"},
	"21":  {true, false, "sexual activity involving a child under 13"},
	"22B": {true, false, "sexual activity involving a child under 16"},
	"23":  {true, false, "familial child sexual offences"},
	"73":  {true, false, "abuse of a position of trust: sexual activity with a child in one's care"},
	"70":  {true, false, "sexual activity with a person with a mental disorder"},
	"71":  {true, false, "the exploitation of children: paying for, causing, controlling, arranging"},
	"72":  {true, false, "trafficking for sexual exploitation"},
	"88A": {false, false, "grooming: preparatory, no contact by definition"},
	"88C": {false, false, "miscellaneous: not a contact offence by definition"},
	"88D": {false, false, "not an offence against a child or contact with a victim by definition"},
	"88E": {false, false, "exposure and voyeurism: non-contact"},
	"24":  {false, false, "prostitution of adults: the child offences are 71"},
	"86":  {false, false, "indecent images: non-contact"},
	"13":  {false, false, "child abduction: not a sexual offence"},
	"CSE": {false, false, "a flag, not an offence"},
}

// TestBeaconportByClassification (issue 22, item 2): for every code of
// the classification, whether the Beaconport preset selects a case in its
// scope with only that offence, and puts it first, matches the table
// written from the published criteria. A code added to the
// classification without a row here fails.
func TestBeaconportByClassification(t *testing.T) {
	cr := audit.Beaconport()
	for _, o := range offence.Default().All() {
		want, ok := beaconportScope[o.Code]
		if !ok {
			t.Errorf("%s (%s): not in the table; decide whether Beaconport selects it", o.Code, o.Title)
			continue
		}
		c := beaconportCase("CSE/2014/" + o.Code)
		c.OffenceTypes = []string{o.Code}
		why := audit.Excluded(cr, c, false)
		if got := why == ""; got != want.in {
			t.Errorf("%s (%s): selected %t (excluded as %q), want %t: %s", o.Code, o.Title, got, why, want.in, want.why)
		}
		if !want.in && why != audit.ExOffence {
			t.Errorf("%s: excluded as %q, want %q", o.Code, why, audit.ExOffence)
		}
		if got := audit.Priority(cr, c); got != want.rape {
			t.Errorf("%s (%s): first %t, want %t", o.Code, o.Title, got, want.rape)
		}
		// The flag on the code agrees: Beaconport selects exactly the
		// contact classifications.
		if o.Contact != want.in {
			t.Errorf("%s: the classification's contact flag %t disagrees with the scope %t", o.Code, o.Contact, want.in)
		}
	}
	for code := range beaconportScope {
		if _, ok := offence.Default().Lookup(code); !ok {
			t.Errorf("table row %s is not a code of the classification", code)
		}
	}
}

// TestBeaconportOldSpellings (issue 22, item 1 of the report): an offence
// recorded before classification as assault of a child under 13 by
// penetration (s.6) was excluded, because the preset's glob fitted only
// the adult s.2 title. Read through the classification's mapping, both
// spellings are selected; the CSE flag alone is not.
func TestBeaconportOldSpellings(t *testing.T) {
	cr := audit.Beaconport()
	for text, in := range map[string]bool{
		"assault_of_a_child_under_13_by_penetration": true,
		"assault_by_penetration":                     true,
		"child_sexual_exploitation":                  false,
		"meeting_a_child_following_sexual_grooming":  false,
	} {
		c := beaconportCase("CSE/2014/000003")
		c.OffenceTypes = []string{text}
		if got := audit.Excluded(cr, c, false) == ""; got != in {
			t.Errorf("%s: selected %t, want %t", text, got, in)
		}
	}
}

// TestCriteriaNameCodes: criteria naming no code are refused, with the
// nearest titles.
func TestCriteriaNameCodes(t *testing.T) {
	p := audit.Validate(audit.Criteria{OffenceTypes: []string{"19*", "20B", "assault_by_penetration*"}}, pol)
	if len(p) != 1 || p[0].Rule != "offence_code" || p[0].Field != "criteria.offence_types[2]" {
		t.Fatalf("problems %+v: want the one pattern naming no code", p)
	}
	if err := audit.Validate(audit.Beaconport(), pol).Err(); err != nil {
		t.Fatalf("the preset itself: %v", err)
	}
}
