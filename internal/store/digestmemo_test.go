package store

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
)

// Values the random cases draw from: few enough that people, phones and
// postcodes repeat within a case (dedup, several numbers in a field).
var (
	memoNames    = []string{"", "Ann Smith", "ann smith", "O'Brien", "Jo", "Mary-Jane Kelly", "Zoë Adébáyọ̀"}
	memoDOBs     = []string{"", "1990-01-02", "1984-12-31"}
	memoPhones   = []string{"", "07700 900123", "07700900123, 0113 496 0000", "+44 7700 900456/07700900123", "12"}
	memoVehicles = []string{"", "AB12 CDE", "ab12cde", "X"}
	memoAddrs    = []string{"", "1 High St, Leeds LS1 4AB", "flat 2, 3 Low Road LS14AB", "somewhere"}
	memoRoles    = []string{"", "witness", "parent_or_carer", "other"}
	memoDescs    = []string{"", "tall, red coat", "  a  very long description of someone seen near the station at night  "}
)

func pick(r *rand.Rand, vs []string) string { return vs[r.IntN(len(vs))] }

func randomCase(r *rand.Rand) *domain.Case {
	c := &domain.Case{ID: fmt.Sprintf("c%d", r.IntN(3))}
	for i := range r.IntN(4) {
		c.Victims = append(c.Victims, domain.Victim{ID: fmt.Sprintf("v%d", i), Name: pick(r, memoNames),
			DateOfBirth: pick(r, memoDOBs), Contact: pick(r, memoPhones)})
	}
	for i := range r.IntN(4) {
		c.Suspects = append(c.Suspects, domain.Suspect{ID: fmt.Sprintf("s%d", i), Name: pick(r, memoNames),
			Description: pick(r, memoDescs), DateOfBirth: pick(r, memoDOBs), Phone: pick(r, memoPhones),
			Vehicle: pick(r, memoVehicles), Address: pick(r, memoAddrs)})
	}
	for i := range r.IntN(4) {
		c.People = append(c.People, domain.Person{ID: fmt.Sprintf("p%d", i), Name: pick(r, memoNames),
			Role: pick(r, memoRoles)})
	}
	return c
}

// mutate changes c as a command might: most leave its people alone, some
// change one field of one of them, some add or remove one.
func mutate(r *rand.Rand, c *domain.Case) *domain.Case {
	n := *c
	n.Victims = append([]domain.Victim(nil), c.Victims...)
	n.Suspects = append([]domain.Suspect(nil), c.Suspects...)
	n.People = append([]domain.Person(nil), c.People...)
	o := randomCase(r)
	switch r.IntN(8) {
	case 0:
		if len(n.Suspects) > 0 && len(o.Suspects) > 0 {
			i := r.IntN(len(n.Suspects))
			switch r.IntN(4) {
			case 0:
				n.Suspects[i].Phone = o.Suspects[0].Phone
			case 1:
				n.Suspects[i].Address = o.Suspects[0].Address
			case 2:
				n.Suspects[i].Description = o.Suspects[0].Description
			default:
				n.Suspects[i].Status = domain.SuspectCharged // not indexed
			}
		}
	case 1:
		if len(n.Victims) > 0 && len(o.Victims) > 0 {
			i := r.IntN(len(n.Victims))
			n.Victims[i].Contact, n.Victims[i].DateOfBirth = o.Victims[0].Contact, o.Victims[0].DateOfBirth
		}
	case 2:
		n.People = o.People
	case 3:
		if len(n.Victims) > 0 {
			n.Victims = n.Victims[1:]
		}
	}
	return &n
}

// Whatever cases went before, a remembered digest is the one the rows
// give (poleEntries and caseTerms, without the memo, are the oracle).
func TestKnownDigestsEqualBuilt(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 1))
	cases := []*domain.Case{randomCase(r), randomCase(r), randomCase(r)}
	hits := 0
	for range 4000 {
		i := r.IntN(len(cases))
		c := mutate(r, cases[i])
		cases[i] = c
		_, _, want := poleEntries(c)
		if got, ok := KnownPoleDigest(c); ok {
			hits++
			if got != want {
				t.Fatalf("remembered POLE digest %s, built %s, for %+v", got, want, c)
			}
		}
		rows := caseTerms(c)
		if got, ok := KnownTermDigest(c); ok && got != rows[len(rows)-1][2] {
			t.Fatalf("remembered term digest %s, built %s, for %+v", got, rows[len(rows)-1][2], c)
		}
		if r.IntN(2) == 0 { // a write that builds the rows, and so remembers
			PoleEntries(c)
			CaseTerms(c)
		}
	}
	if hits < 1000 {
		t.Fatalf("only %d of 4000 digests were remembered: the property was barely tested", hits)
	}
}

// A case's rows cannot change while its remembered source stays the same:
// changing any one field of a victim, suspect or person either leaves
// both digests alone or changes indexSource. A field newly read by
// PoleEntries or CaseTerms but not hashed fails here.
func TestIndexSourceCoversInputs(t *testing.T) {
	r := rand.New(rand.NewPCG(20, 2))
	for range 60 {
		c := randomCase(r)
		c.Victims = append(c.Victims, domain.Victim{ID: "vx", Name: "Ann Smith", DateOfBirth: "1990-01-02",
			Contact: "07700 900123"})
		c.Suspects = append(c.Suspects, domain.Suspect{ID: "sx", Name: "Bob Jones", DateOfBirth: "1984-12-31",
			Phone: "07700 900456", Vehicle: "AB12 CDE", Address: "1 High St, Leeds LS1 4AB", Description: "tall"})
		c.People = append(c.People, domain.Person{ID: "px", Name: "Cat Brown", Role: "witness"})
		for _, list := range []reflect.Value{reflect.ValueOf(c.Victims), reflect.ValueOf(c.Suspects),
			reflect.ValueOf(c.People)} {
			for i := range list.Len() {
				el := list.Index(i)
				for f := range el.NumField() {
					checkField(t, c, el.Field(f), el.Type().Field(f).Name)
				}
			}
		}
	}
}

// checkField changes field f of c in place, compares, and puts it back.
func checkField(t *testing.T, c *domain.Case, f reflect.Value, name string) {
	t.Helper()
	before := reflect.New(f.Type()).Elem()
	before.Set(f)
	switch f.Kind() {
	case reflect.String:
		f.SetString(f.String() + " 07700 900999 LS2 7UE Zed")
	case reflect.Bool:
		f.SetBool(!f.Bool())
	default:
		if tm, ok := f.Interface().(time.Time); ok {
			f.Set(reflect.ValueOf(tm.Add(time.Hour)))
		} else {
			return // lists and pointers (history, plans) are checked by the field tests of their own
		}
	}
	src := indexSource(c)
	_, _, pole := poleEntries(c)
	rows := caseTerms(c)
	f.Set(before)
	_, _, pole0 := poleEntries(c)
	rows0 := caseTerms(c)
	if (pole != pole0 || rows[len(rows)-1][2] != rows0[len(rows0)-1][2]) && src == indexSource(c) {
		t.Fatalf("%s changes the index rows but not indexSource: add it there", name)
	}
}

func benchCase() *domain.Case {
	r := rand.New(rand.NewPCG(20, 3))
	c := randomCase(r)
	for len(c.Victims) < 2 || len(c.Suspects) < 2 || len(c.People) < 2 {
		c = randomCase(r)
	}
	return c
}

// The check a write makes when its command left the people alone: before,
// the rows were built for their digest; now the digest is remembered.
func BenchmarkPoleDigestBuilt(b *testing.B) {
	c := benchCase()
	for b.Loop() {
		poleEntries(c)
	}
}

func BenchmarkPoleDigestKnown(b *testing.B) {
	c := benchCase()
	PoleEntries(c)
	for b.Loop() {
		if _, ok := KnownPoleDigest(c); !ok {
			b.Fatal("not remembered")
		}
	}
}

func BenchmarkTermDigestBuilt(b *testing.B) {
	c := benchCase()
	for b.Loop() {
		caseTerms(c)
	}
}

func BenchmarkTermDigestKnown(b *testing.B) {
	c := benchCase()
	CaseTerms(c)
	for b.Loop() {
		if _, ok := KnownTermDigest(c); !ok {
			b.Fatal("not remembered")
		}
	}
}
