package store

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
)

// TestPoleEntries: every person of a case is indexed with their role, the
// objects they bear normalised, their blocking keys, and a digest that
// moves when any of it does.
func TestPoleEntries(t *testing.T) {
	c := &domain.Case{ID: "c1",
		Victims: []domain.Victim{{ID: "v1", Name: "Amy Jones", DateOfBirth: "2010-05-06", Contact: "07700 900001"}},
		Suspects: []domain.Suspect{{ID: "s1", Name: "Adam  Smith", DateOfBirth: "1980-01-02",
			Phone: "07700 900123; +44 7700 900124", Vehicle: "silver Astra ab12 cde", Address: "12 High St, Leeds LS1 4AB"}},
		People: []domain.Person{{ID: "p1", Name: "Wendy Witness", Role: "witness"}},
	}
	people, keys, digest := PoleEntries(c)
	if len(people) != 3 {
		t.Fatalf("people %+v", people)
	}
	roles := map[string]string{}
	for _, p := range people {
		roles[p.PersonID] = p.Role
	}
	if roles["v1"] != RoleVictim || roles["s1"] != RoleSuspect || roles["p1"] != "witness" {
		t.Errorf("roles %v", roles)
	}
	var s PolePerson
	for _, p := range people {
		if p.PersonID == "s1" {
			s = p
		}
	}
	if s.Phone != "+447700900123" || s.Vehicle != "AB12CDE" || s.Postcode != "LS14AB" ||
		s.Address != "12 high street leeds" {
		t.Errorf("suspect indexed as %+v", s)
	}
	if r := s.Record(); r.Given != "Adam" || r.Family != "Smith" {
		t.Errorf("record %+v", r)
	}
	want := map[string]bool{"phone +447700900123 s1": false, "phone +447700900124 s1": false,
		"vehicle AB12CDE s1": false, "address LS1 4AB|12 high street leeds s1": false, "phone +447700900001 v1": false,
		"m:dob 19800102 s1": false, "m:name jones|amy v1": false, "m:given_fi wendy|w p1": false}
	for _, k := range keys {
		if k.CaseID != "c1" {
			t.Errorf("key of case %q", k.CaseID)
		}
		if _, ok := want[k.Kind+" "+k.Key+" "+k.PersonID]; ok {
			want[k.Kind+" "+k.Key+" "+k.PersonID] = true
		}
	}
	for k, ok := range want {
		if !ok {
			t.Errorf("no key %s in %v", k, keys)
		}
	}
	c.Suspects[0].Vehicle = ""
	_, keys2, digest2 := PoleEntries(c)
	if digest2 == digest || len(keys2) != len(keys)-1 {
		t.Errorf("removing a vehicle: digest %s → %s, keys %d → %d", digest, digest2, len(keys), len(keys2))
	}
	if _, _, d := PoleEntries(c); d != digest2 {
		t.Error("the digest is not stable")
	}
}
