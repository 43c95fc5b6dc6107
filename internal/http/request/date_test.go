package request_test

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
)

func dateForm(day, month, year string) url.Values {
	return url.Values{"on-day": {day}, "on-month": {month}, "on-year": {year}}
}

func TestDateInput(t *testing.T) {
	for _, tc := range []struct {
		day, month, year string
		want             string // the ISO date, or ""
		field, rule, msg string // the problem, if any
	}{
		{"", "", "", "", "", "", ""},
		{" ", "\t", "", "", "", "", ""},
		{"27", "3", "2007", "2007-03-27", "", "", ""},
		{"1", "1", "2026", "2026-01-01", "", "", ""},
		{"01", "05", "2012", "2012-05-01", "", "", ""},
		{" 9 ", " 12 ", " 1999 ", "1999-12-09", "", "", ""},
		{"29", "2", "2024", "2024-02-29", "", "", ""},
		{"4", "Jan", "2026", "2026-01-04", "", "", ""},
		{"4", "september", "2026", "2026-09-04", "", "", ""},
		{"4", "Sept.", "2026", "2026-09-04", "", "", ""},
		{"27", "3", "", "", "on-year", "date_incomplete", "Date of contact must include a year"},
		{"", "3", "2007", "", "on-day", "date_incomplete", "Date of contact must include a day"},
		{"27", "", "2007", "", "on-month", "date_incomplete", "Date of contact must include a month"},
		{"", "", "2007", "", "on-day", "date_incomplete", "Date of contact must include a day and month"},
		{"27", "", "", "", "on-month", "date_incomplete", "Date of contact must include a month and year"},
		{"", "3", "", "", "on-day", "date_incomplete", "Date of contact must include a day and year"},
		{"29", "2", "2025", "", "on-day", "date_real", "Date of contact must be a real date: February 2025 has 28 days"},
		{"31", "4", "2026", "", "on-day", "date_real", "Date of contact must be a real date: April 2026 has 30 days"},
		{"0", "4", "2026", "", "on-day", "date_real", "Date of contact must be a real date: April 2026 has 30 days"},
		{"1", "13", "2026", "", "on-month", "date_real", "Date of contact must be a real date: there are 12 months"},
		{"1", "0", "2026", "", "on-month", "date_real", "Date of contact must be a real date: there are 12 months"},
		{"x", "3", "2026", "", "on-day", "date_real", "Date of contact must be a real date: the day must be a number, like 27"},
		{"-1", "3", "2026", "", "on-day", "date_real", "Date of contact must be a real date: the day must be a number, like 27"},
		{"1", "Marchember", "2026", "", "on-month", "date_real", "Date of contact must be a real date: the month must be a number or a name, like 3 or March"},
		{"1", "3", "26", "", "on-year", "date_year", "Date of contact must include a year of 4 numbers, like 2007"},
		{"1", "3", "20266", "", "on-year", "date_year", "Date of contact must include a year of 4 numbers, like 2007"},
		{"1", "3", "+202", "", "on-year", "date_year", "Date of contact must include a year of 4 numbers, like 2007"},
		{"2026-03-01", "", "", "", "on-month", "date_incomplete", "Date of contact must include a month and year"},
	} {
		got, p := request.DateInput(dateForm(tc.day, tc.month, tc.year), "on", "Date of contact")
		if got != tc.want {
			t.Errorf("%q %q %q: %q, want %q", tc.day, tc.month, tc.year, got, tc.want)
		}
		switch {
		case p == nil && tc.rule != "":
			t.Errorf("%q %q %q: no problem, want %s", tc.day, tc.month, tc.year, tc.msg)
		case p != nil && (p.Field != tc.field || p.Rule != tc.rule || p.Message != tc.msg):
			t.Errorf("%q %q %q: %s %s %q, want %s %s %q", tc.day, tc.month, tc.year, p.Field, p.Rule, p.Message,
				tc.field, tc.rule, tc.msg)
		}
	}
}

// dated is a command with a date a page may send as a date input.
type dated struct {
	Version int64  `json:"version"`
	DOB     string `json:"dob,omitempty"`
	On      string `json:"on,omitempty"`
	Count   int    `json:"count"`
}

func TestDecodeFormDateInput(t *testing.T) {
	labels := request.Labels(map[string]string{"dob": "Date of birth"})
	for _, tc := range []struct {
		name  string
		form  url.Values
		want  dated
		rules []string // the fields and rules refused, "field rule"
		msgs  []string
	}{
		{"the three parts make an ISO date", url.Values{"dob-day": {"1"}, "dob-month": {"5"}, "dob-year": {"2012"}},
			dated{DOB: "2012-05-01"}, nil, nil},
		{"an ISO date sent whole is kept (the form of the API)", url.Values{"dob": {"2012-05-01"},
			"dob-day": {"9"}}, dated{DOB: "2012-05-01"}, nil, nil},
		{"all blank: no date", url.Values{"dob-day": {""}, "dob-month": {""}, "dob-year": {""}}, dated{}, nil, nil},
		{"every date's problem at once, named by its label", url.Values{"dob-day": {"1"}, "dob-month": {"5"},
			"on-day": {"31"}, "on-month": {"2"}, "on-year": {"2026"}, "count": {"x"}}, dated{},
			[]string{"dob-year date_incomplete", "on-day date_real", "count whole_number"},
			[]string{"Date of birth must include a year", "On must be a real date: February 2026 has 28 days"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got dated
			err := request.DecodeForm(tc.form, &got, labels)
			if tc.rules == nil {
				if err != nil || got != tc.want {
					t.Fatalf("got %+v, %v; want %+v", got, err, tc.want)
				}
				return
			}
			ps, ok := domain.AsProblems(err)
			if !ok {
				t.Fatalf("error %v, want problems", err)
			}
			var rules, msgs []string
			for _, p := range ps {
				rules = append(rules, p.Field+" "+p.Rule)
				msgs = append(msgs, p.Message)
			}
			if strings.Join(rules, ";") != strings.Join(tc.rules, ";") {
				t.Errorf("rules %v, want %v", rules, tc.rules)
			}
			for _, m := range tc.msgs {
				if !strings.Contains(strings.Join(msgs, "\n"), m) {
					t.Errorf("messages %q lack %q", msgs, m)
				}
			}
		})
	}
}

func TestISODateParts(t *testing.T) {
	if got := request.ISODateParts("2012-05-01"); got != [3]string{"1", "5", "2012"} {
		t.Errorf("2012-05-01: %q", got)
	}
	if got := request.ISODateParts("1 May 2012"); got != [3]string{} {
		t.Errorf("not ISO: %q", got)
	}
}

// FuzzDateInput: whatever is typed, a date input either makes a real ISO
// date whose parts are what was typed, or is refused naming one of its own
// three fields with a sentence that starts with its label.
func FuzzDateInput(f *testing.F) {
	for _, s := range [][3]string{{"27", "3", "2007"}, {"", "", ""}, {"31", "2", "2026"}, {"1", "Sept", "2026"},
		{"x", "", "-1"}, {"99999999999999999999", "1", "2000"}, {"0", "0", "0000"}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, day, month, year string) {
		got, p := request.DateInput(dateForm(day, month, year), "on", "Date")
		if p != nil {
			if got != "" {
				t.Fatalf("a refused date gave %q", got)
			}
			if p.Field != "on-day" && p.Field != "on-month" && p.Field != "on-year" {
				t.Fatalf("the problem names %q, not a part of the date", p.Field)
			}
			if !strings.HasPrefix(p.Message, "Date must ") {
				t.Fatalf("message %q", p.Message)
			}
			return
		}
		if got == "" {
			if strings.TrimSpace(day+month+year) != "" {
				t.Fatalf("%q %q %q: neither a date nor a problem", day, month, year)
			}
			return
		}
		d, err := time.Parse(time.DateOnly, got)
		if err != nil {
			t.Fatalf("%q is not an ISO date: %v", got, err)
		}
		if n, _ := strconv.Atoi(strings.TrimSpace(day)); n != d.Day() {
			t.Fatalf("day %q became %s", day, got)
		}
		if n, _ := strconv.Atoi(strings.TrimSpace(year)); n != d.Year() {
			t.Fatalf("year %q became %s", year, got)
		}
		if parts := request.ISODateParts(got); parts[2] != strconv.Itoa(d.Year()) {
			t.Fatalf("%s splits into %q", got, parts)
		}
	})
}
