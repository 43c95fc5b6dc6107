package request

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
)

// The GOV.UK date input: a date a person types as three fields, Day, Month
// and Year, named after the date's field ("dob-day", "dob-month",
// "dob-year"). The pages send dates this way; the record and the API keep
// ISO dates (YYYY-MM-DD), so the decoder turns the three into one here, in
// one place, and says which part is wrong the way the design system does
// ("Date of birth must include a year").

// DateParts are the suffixes of a date input's three fields, in order.
var DateParts = [3]string{"day", "month", "year"}

// DatePart is the form field of one part of a date input: "dob-day".
func DatePart(name, part string) string { return name + "-" + part }

// HasDateInput reports whether the form holds any part of the date input
// called name (even empty): it was on the page.
func HasDateInput(form url.Values, name string) bool {
	for _, part := range DateParts {
		if _, ok := form[DatePart(name, part)]; ok {
			return true
		}
	}
	return false
}

// months are the month names and abbreviations a person may type instead
// of a number, as the design system asks ("Jan", "january", "Sept").
var months = monthNames()

func monthNames() map[string]int {
	m := map[string]int{"sept": int(time.September)}
	for mo := time.January; mo <= time.December; mo++ {
		name := strings.ToLower(mo.String())
		m[name], m[name[:3]] = int(mo), int(mo)
	}
	return m
}

// DateInput reads the date input called name from a form, as an ISO date
// (YYYY-MM-DD). All three parts blank (or absent) is no date: "" and no
// problem, so that the service says whether one is required. Otherwise the
// problem names the first part to put right (its field is "name-day",
// "name-month" or "name-year", the id the error summary links to) and says
// what is wrong with label as the date's name: a part missing ("must
// include a month and year"), a part that is not a number or a year not of
// four digits, or a date that does not exist ("must be a real date").
func DateInput(form url.Values, name, label string) (string, *domain.Problem) {
	var raw [3]string
	for i, part := range DateParts {
		raw[i] = strings.TrimSpace(form.Get(DatePart(name, part)))
	}
	if raw == [3]string{} {
		return "", nil
	}
	bad := func(part int, rule, msg string, args ...any) *domain.Problem {
		return &domain.Problem{Field: DatePart(name, DateParts[part]), Rule: rule,
			Message: label + " " + fmt.Sprintf(msg, args...)}
	}
	var missing []string
	first := -1
	for i, s := range raw {
		if s == "" {
			missing = append(missing, DateParts[i])
			if first < 0 {
				first = i
			}
		}
	}
	if len(missing) > 0 {
		return "", bad(first, "date_incomplete", "must include a %s", strings.Join(missing, " and "))
	}
	day, derr := strconv.Atoi(raw[0])
	month, merr := strconv.Atoi(raw[1])
	if merr != nil {
		if m, ok := months[strings.ToLower(strings.TrimSuffix(raw[1], "."))]; ok {
			month, merr = m, nil
		}
	}
	year, yerr := strconv.Atoi(raw[2])
	switch {
	case derr != nil || strings.ContainsAny(raw[0], "+-"):
		return "", bad(0, "date_real", "must be a real date: the day must be a number, like 27")
	case merr != nil || strings.ContainsAny(raw[1], "+-"):
		return "", bad(1, "date_real", "must be a real date: the month must be a number or a name, like 3 or March")
	case yerr != nil || len(raw[2]) != 4 || strings.ContainsAny(raw[2], "+-"):
		return "", bad(2, "date_year", "must include a year of 4 numbers, like 2007")
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	if month < 1 || month > 12 {
		return "", bad(1, "date_real", "must be a real date: there are 12 months")
	}
	if day < 1 || t.Day() != day {
		return "", bad(0, "date_real", "must be a real date: %s %d has %d days", time.Month(month), year,
			time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day())
	}
	return t.Format(time.DateOnly), nil
}

// ISODateParts splits an ISO date (YYYY-MM-DD) into a date input's day,
// month and year as a person would type them ("1", "5", "2012"), to show a
// recorded date in the three fields; anything else is three blanks.
func ISODateParts(iso string) [3]string {
	t, err := time.Parse(time.DateOnly, iso)
	if err != nil {
		return [3]string{}
	}
	return [3]string{strconv.Itoa(t.Day()), strconv.Itoa(int(t.Month())), strconv.Itoa(t.Year())}
}

// FormOption changes how DecodeForm reads a form.
type FormOption func(*formOptions)

type formOptions struct {
	labels map[string]string
}

// Labels names form fields as the page does ("dob": "Date of birth"), for
// the messages of problems with them; a field without one is named after
// its own name ("every days").
func Labels(m map[string]string) FormOption {
	return func(o *formOptions) { o.labels = m }
}

func (o *formOptions) label(name string) string {
	if l, ok := o.labels[name]; ok {
		return l
	}
	return domain.Capitalise(label(name))
}
