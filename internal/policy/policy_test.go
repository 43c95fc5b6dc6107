package policy

import (
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

func TestDefaultParses(t *testing.T) {
	p := Default()
	if p.Outcome("15") == nil || p.Outcome("99") != nil {
		t.Fatal("outcome lookup broken")
	}
	for _, k := range Kinds() {
		if p.Duties[k].Within.N == 0 && p.Duties[k].Within.Unit == "" {
			t.Errorf("duty %s has no deadline", k)
		}
	}
}

// The outcome table must match the Home Office codes in
// ../shared/data/crime-outcomes.csv (../shared/domain.md §3).
func TestOutcomesMatchHomeOfficeCodes(t *testing.T) {
	f, err := os.Open("../../../shared/data/crime-outcomes.csv")
	if err != nil {
		t.Skipf("shared data not beside the checkout: %v", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	p := Default()
	for _, r := range rows[1:] {
		o := p.Outcome(r[0])
		if o == nil || o.Title != r[1] {
			t.Errorf("outcome %s: policy has %+v, Home Office title %q", r[0], o, r[1])
		}
	}
	if len(p.Outcomes) != len(rows)-1 {
		t.Errorf("policy lists %d outcomes, the Home Office %d", len(p.Outcomes), len(rows)-1)
	}
}

func TestBadPolicyNamesTheLine(t *testing.T) {
	good := string(DefaultYAML())
	for _, tc := range []struct{ name, edit, want string }{
		{"unknown duty kind", strings.Replace(good, "  review: ", "  reveiw: ", 1), `unknown duty kind "reveiw"`},
		{"bad span", strings.Replace(good, "within: 28 days,        says: \"Carry out the next", "within: 28 fortnights,  says: \"Carry out the next", 1), "fortnights"},
		{"bad rank", strings.Replace(good, "manager_min_rank: inspector", "manager_min_rank: general", 1), "general"},
		{"unknown field", good + "\nsurprise: 1\n", "surprise"},
		{"time zone that does not parse", strings.Replace(good, "time_zone: Europe/London", "time_zone: Europe/Londres", 1), `time_zone "Europe/Londres" is not a time zone`},
		{"time zone other than London", strings.Replace(good, "time_zone: Europe/London", "time_zone: America/New_York", 1), "England-and-Wales"},
		{"date that does not parse", strings.Replace(good, "since: 2016-01-01", "since: 2016-13-01", 1), `since "2016-13-01" is not a date`},
		{"audit deadline that does not parse", strings.Replace(good, "audit_review:           {within: 20 working days", "audit_review:           {within: 20 work days", 1), `"20 work days"`},
		{"audit deadline misspelt", strings.Replace(good, "  audit_sign_off: ", "  audit_signoff: ", 1), `unknown duty kind "audit_signoff"`},
		{"victim contact not in days", strings.Replace(good, "victim_contact: 28 days", "victim_contact: 4 months", 1),
			`gates.victim_contact "4 months" must be a number of days`},
		{"victim contact missing", strings.Replace(good, "  victim_contact: 28 days", "  # victim_contact: 28 days", 1),
			"gates.victim_contact is missing"},
		{"outcome kept to offences without saying which", strings.Replace(good, `only_for: "possession of cannabis or khat", offences: []`, `offences: ["92X"]`, 1),
			`outcome "7": offences given without only_for`},
		{"audit deadline missing", strings.Replace(good, "  audit_review: ", "  # audit_review: ", 1), `duty kind "audit_review" has no deadline`},
	} {
		_, err := Parse([]byte(tc.edit))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "line ") {
			t.Errorf("%s: got %v, want an error naming the line and %q", tc.name, err, tc.want)
		}
	}
}

// The watchdog's audit deadlines are read from the policy like any other.
func TestAuditDeadlines(t *testing.T) {
	p := Default()
	for kind, want := range map[string]Span{"audit_review": {20, WorkingDays}, "audit_sign_off": {5, WorkingDays}} {
		if got := p.Duties[kind].Within; got != want || p.Says(kind) == "" {
			t.Errorf("%s: within %v, says %q; want %v and what it asks", kind, got, p.Says(kind), want)
		}
	}
}

func TestTimeZoneDefaultsToLondon(t *testing.T) {
	if tz := Default().TimeZone; tz != London {
		t.Fatalf("default policy time zone %q", tz)
	}
	p, err := Parse([]byte(strings.Replace(string(DefaultYAML()), "time_zone: Europe/London\n", "", 1)))
	if err != nil || p.TimeZone != London {
		t.Fatalf("a policy without time_zone: %v, zone %q", err, p.TimeZone)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(DefaultYAML())
	f.Add([]byte("version: 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err == nil && len(p.Outcomes) == 0 {
			t.Fatal("accepted a policy with no outcomes")
		}
	})
}

func FuzzParseSpan(f *testing.F) {
	for _, s := range []string{"5 working days", "28 days", "24h", "3 months", "1 working day"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sp, err := ParseSpan(s)
		if err == nil && (sp.N < 0 || sp.Unit == "") {
			t.Fatalf("%q parsed to %+v", s, sp)
		}
	})
}
