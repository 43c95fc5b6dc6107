package request

import (
	"strings"
	"testing"
)

func TestParseRefAcceptsEverySpelling(t *testing.T) {
	for in, want := range map[string]string{
		"CSE/2025/000507":   "CSE/2025/000507",
		"CSE-2025-000507":   "CSE/2025/000507",
		"cse-2025-000507":   "CSE/2025/000507",
		"2025/507":          "CSE/2025/000507",
		"2025-507":          "CSE/2025/000507",
		" CSE 2025 507 ":    "CSE/2025/000507",
		"CSE/2025/507":      "CSE/2025/000507",
		"CSE2025000507":     "CSE/2025/000507",
		"cse.2025.000507":   "CSE/2025/000507",
		"CSE/2026/1234567":  "CSE/2026/1234567",
		"CSE/2012/000001":   "CSE/2012/000001",
		"CSE - 2025 - 0507": "CSE/2025/000507",
	} {
		got, ok := ParseRef(in)
		if !ok || got != want {
			t.Errorf("ParseRef(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "CSE", "2025", "507", "Adam Smith", "07700 900123", "AB12 CDE", "LS1 4AB",
		"CSE/2025/000000", "CSE/25/507", "CSE/2025/507/1", "XYZ/2025/507", "2025/5a7", "0999/12", "CSE/2025/",
		"CSE/2025/1234567890", "2025000507", "CSE/3025/1"} {
		if got, ok := ParseRef(in); ok {
			t.Errorf("ParseRef(%q) = %q, want no reference", in, got)
		}
	}
}

// FuzzParseRef: whatever is typed, ParseRef never panics, and what it
// returns is a reference in the record's form that parses to itself (and
// from its path form too).
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"CSE/2025/000507", "CSE-2025-000507", "2025/507", "cse 2025 7", "CSE2025000507",
		"", "/", "CSE//", "２０２５/５０７", "CSE/2025/\u00a0507", "99999/1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ref, ok := ParseRef(s)
		if !ok {
			if ref != "" {
				t.Fatalf("ParseRef(%q) refused but returned %q", s, ref)
			}
			return
		}
		if !strings.HasPrefix(ref, "CSE/") || len(ref) < len("CSE/2025/000001") {
			t.Fatalf("ParseRef(%q) = %q: not a reference in the record's form", s, ref)
		}
		for _, again := range []string{ref, PathRef(ref), strings.ToLower(ref)} {
			if r2, ok := ParseRef(again); !ok || r2 != ref {
				t.Fatalf("ParseRef(%q) = %q, but ParseRef(%q) = %q, %v", s, ref, again, r2, ok)
			}
		}
		if CaseRef(PathRef(ref)) != ref {
			t.Fatalf("the path form of %q does not come back", ref)
		}
	})
}
