package audit_test

import (
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
)

func TestNormalisePhone(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"07700 900123", "+447700900123"},
		{"+44 7700 900123", "+447700900123"},
		{"0044 7700 900123", "+447700900123"},
		{"+44 (0)7700 900123", "+447700900123"},
		{"44 7700 900123", "+447700900123"},
		{"(07700) 900-123", "+447700900123"},
		{"0113 496 0000", "+441134960000"},
		{"+1 202 555 0143", "+12025550143"},
		{"001 202 555 0143", "+12025550143"},
		{"900123", ""},            // a fragment
		{"0770 0900", ""},         // 8 digits
		{"077009001", ""},         // 9 digits
		{"00000000000", ""},       // a placeholder
		{"07777 777777", ""},      // likewise
		{"unknown", ""},           // no digits
		{"", ""},                  //
		{"+44", ""},               //
		{"+1234567890123456", ""}, // longer than E.164 allows
		{"440000000001", ""},      // +44 then 0: not a UK number (found by the fuzzer)
		{"+44 0 1134960000", "+441134960000"},
	} {
		if got := audit.NormalisePhone(tc.in); got != tc.want {
			t.Errorf("NormalisePhone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormaliseVehicle(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"AB12 CDE", "AB12CDE"},
		{"ab12cde", "AB12CDE"},
		{" ab-12-cde ", "AB12CDE"},
		{"A123 BCD", "A123BCD"},
		{"silver Vauxhall Astra, AB12 CDE", "AB12CDE"},
		{"AB12CDE (silver Astra)", "AB12CDE"},
		{"a silver saloon", ""},
		{"Ford KA", ""},
		{"", ""},
	} {
		if got := audit.NormaliseVehicle(tc.in); got != tc.want {
			t.Errorf("NormaliseVehicle(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormaliseAddress(t *testing.T) {
	a := audit.NormaliseAddress("Flat 3, 12 High St., Leeds LS1 4AB")
	if a == "" || a != audit.NormaliseAddress("flat 3 12 HIGH STREET  leeds ls14ab") {
		t.Errorf(
			"the same address, differently written, must match: %q vs %q",
			a,
			audit.NormaliseAddress("flat 3 12 HIGH STREET  leeds ls14ab"),
		)
	}
	for _, other := range []string{"Flat 4, 12 High Street, Leeds LS1 4AB", "12 High Street, Leeds LS1 4AD"} {
		if b := audit.NormaliseAddress(other); b == a {
			t.Errorf("%q matched %q", other, "Flat 3, 12 High St., Leeds LS1 4AB")
		}
	}
	for _, loose := range []string{"12 High Street, Leeds", "the takeaway on the high street", "LS1 4AB", ""} {
		if k := audit.NormaliseAddress(loose); k != "" {
			t.Errorf("%q (no postcode, or nothing but one) is too loose to link, got key %q", loose, k)
		}
	}
}

// sharedDetail runs a triage over cases and returns the suspect_shared
// detail of the entry with ref ("" if it has none).
func sharedDetail(t *testing.T, ref string, cases ...*domain.Case) string {
	t.Helper()
	tr := audit.NewTriage(audit.Criteria{}, audit.DefaultModel(), audit.Env{Policy: pol, Org: org()}, nil)
	for _, c := range cases {
		tr.Add(c)
	}
	q, _ := tr.Queue()
	for _, e := range q {
		if e.Ref != ref {
			continue
		}
		for _, r := range e.Reasons {
			if r.Code == audit.ReasonSuspectShared {
				return r.Detail
			}
		}
		return ""
	}
	t.Fatalf("%s is not in the queue", ref)
	return ""
}

// withSuspect is a closed case whose only suspect is s.
func withSuspect(ref string, s domain.Suspect) *domain.Case {
	c := beaconportCase(ref)
	c.Suspects = []domain.Suspect{s}
	return c
}

// TestTriageLinksByPhoneVehicleAddress: suspects with different names are
// linked by a phone number however written, a vehicle mark however
// spaced, or the same address with its postcode; the detail says which.
func TestTriageLinksByPhoneVehicleAddress(t *testing.T) {
	a := withSuspect("CSE/2014/000001", domain.Suspect{Name: "Adam Smith", Phone: "07700 900123"})
	b := withSuspect(
		"NS-2019-0042",
		domain.Suspect{Name: "Ahmed Smyth", DateOfBirth: "1980-01-02", Phone: "+44 7700 900123"},
	)
	d := sharedDetail(t, a.Ref, a, b)
	if want := "suspect Adam Smith (phone 07700 900123 also on NS-2019-0042)"; !strings.Contains(d, want) {
		t.Errorf("phone in two formats: detail %q, want it to contain %q", d, want)
	}
	if d := sharedDetail(t, b.Ref, a, b); !strings.Contains(
		d,
		"Ahmed Smyth (phone +44 7700 900123 also on CSE/2014/000001)",
	) {
		t.Errorf("the link runs both ways: %q", d)
	}
	b.Suspects[0].Phone = "0044 7700 900123"
	if d := sharedDetail(t, a.Ref, a, b); !strings.Contains(d, "NS-2019-0042") {
		t.Errorf("0044 form: not linked: %q", d)
	}

	// A short number is a fragment: not a link, even if identical.
	a.Suspects[0].Phone, b.Suspects[0].Phone = "900123", "900123"
	if d := sharedDetail(t, a.Ref, a, b); d != "" {
		t.Errorf("a six-digit number linked two cases: %q", d)
	}

	// A vehicle with spaces matches one without.
	a.Suspects[0].Vehicle, b.Suspects[0].Vehicle = "AB12 CDE", "ab12cde"
	if d := sharedDetail(t, a.Ref, a, b); !strings.Contains(d, "vehicle AB12 CDE also on NS-2019-0042") {
		t.Errorf("vehicle: %q", d)
	}
	a.Suspects[0].Vehicle, b.Suspects[0].Vehicle = "silver saloon", "silver saloon"
	if d := sharedDetail(t, a.Ref, a, b); d != "" {
		t.Errorf("a description of a car is not a registration: %q", d)
	}

	// An address with a postcode, however punctuated; not one without.
	a.Suspects[0].Address, b.Suspects[0].Address = "12 High St, Leeds LS1 4AB", "12 high street leeds ls14ab"
	if d := sharedDetail(t, a.Ref, a, b); !strings.Contains(
		d,
		"address 12 High St, Leeds LS1 4AB also on NS-2019-0042",
	) {
		t.Errorf("address: %q", d)
	}
	a.Suspects[0].Address, b.Suspects[0].Address = "High Street, Leeds", "High Street, Leeds"
	if d := sharedDetail(t, a.Ref, a, b); d != "" {
		t.Errorf("an address without a postcode linked: %q", d)
	}

	// Unrelated cases are not linked.
	u := withSuspect(
		"CSE/2014/000002",
		domain.Suspect{
			Name:        "Carl Brown",
			DateOfBirth: "1975-05-05",
			Phone:       "07700 900124",
			Vehicle:     "AB12 CDF",
			Address:     "14 High Street, Leeds LS1 4AB",
		},
	)
	v := withSuspect(
		"CSE/2014/000003",
		domain.Suspect{
			Name:        "Dan Green",
			DateOfBirth: "1975-05-05",
			Phone:       "07700 900123",
			Vehicle:     "AB12 CDE",
			Address:     "12 High Street, Leeds LS1 4AB",
		},
	)
	if d := sharedDetail(t, u.Ref, u, v); d != "" {
		t.Errorf("unrelated cases linked: %q", d)
	}
}

// TestTriageLinksSay: several identifiers and suspects in one detail,
// name and date of birth still linking, an unnamed suspect named by its
// description, and each other case counted once.
func TestTriageLinksSay(t *testing.T) {
	a := beaconportCase("CSE/2014/000001") // Adam Smith 1980-01-02, Bob Jones
	a.Suspects[0].Phone = "07700 900123"
	a.Suspects = append(
		a.Suspects,
		domain.Suspect{
			ID:          "s3",
			Description: "Driver of a silver saloon",
			Vehicle:     "AB12 CDE",
			Status:      domain.SuspectUnknown,
		},
	)
	b := &domain.Case{ID: "b", Ref: "CSE/2024/000009", Status: domain.StatusOpen,
		Suspects: []domain.Suspect{{Name: "ADAM  SMITH", DateOfBirth: "1980-01-02", Phone: "+447700900123"}}}
	c := &domain.Case{ID: "c", Ref: "CSE/2024/000010", Status: domain.StatusOpen,
		Suspects: []domain.Suspect{{Name: "Someone Else", Vehicle: "AB12CDE"}}}
	d := sharedDetail(t, a.Ref, a, b, c)
	want := `suspect Adam Smith (name and date of birth also on CSE/2024/000009; phone 07700 900123 also on CSE/2024/000009); "Driver of a silver saloon" (vehicle AB12 CDE also on CSE/2024/000010): a possible network across 2 other cases`
	if d != want {
		t.Errorf("detail\n%s\nwant\n%s", d, want)
	}
}

// FuzzNormaliseIdentifiers: the normalisers read free text from other
// forces' systems. Whatever they are given, a key they return is a fixed
// point (normalising it again gives itself, so two records linked once
// stay linked however often they are re-imported) and has the shape that
// is compared: E.164 for a phone, upper-case letters and digits for a
// vehicle.
func FuzzNormaliseIdentifiers(f *testing.F) {
	for _, s := range []string{"07700 900123", "+44 (0)7700 900123", "0044 7700 900123", "AB12 CDE", "silver saloon AB12CDE",
		"12 High St, Leeds LS1 4AP", "Flat 2, 3 Mill Rd NS1 1AA", "", "+", "0", "ß", "\u0660\u0661"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p := audit.NormalisePhone(s); p != "" {
			if p[0] != '+' || len(p) < 9 || len(p) > 16 || strings.Trim(p[1:], "0123456789") != "" {
				t.Fatalf("NormalisePhone(%q) = %q: not E.164", s, p)
			}
			if again := audit.NormalisePhone(p); again != p {
				t.Fatalf("NormalisePhone(%q) = %q, but that normalises to %q", s, p, again)
			}
		}
		if v := audit.NormaliseVehicle(s); v != "" {
			if strings.Trim(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" {
				t.Fatalf("NormaliseVehicle(%q) = %q: not letters and digits", s, v)
			}
			if again := audit.NormaliseVehicle(v); again != v {
				t.Fatalf("NormaliseVehicle(%q) = %q, but that normalises to %q", s, v, again)
			}
		}
		audit.NormaliseAddress(s) // must not panic on any input
		audit.SuspectLinks(domain.Suspect{Name: s, DateOfBirth: "1980-01-01", Phone: s, Vehicle: s, Address: s})
	})
}
