// Package persons matches records of people that may be the same person: a Fellegi–Sunter model trained
// without labels, blocking rules, comparisons that suit British names and records, and its evaluation.
package persons

import (
	"slices"
	"strings"
	"unicode"

	"github.com/holdfast/holdfast/internal/audit"
)

// Record is one person as a source gives it. Every field may be empty: an
// empty field is no evidence either way.
type Record struct {
	ID         string   // the source's own id of the row, shown with each pair
	Entity     string   // ground truth: records with the same non-empty Entity are one person
	Given      string   // given (first) names
	Family     string   // family name (surname)
	DOB        string   // date of birth: YYYYMMDD, YYYY-MM-DD or DD/MM/YYYY
	Address    []string // address fields, compared column by column (street number, street, town...)
	Postcode   string   // a UK postcode however spaced, or any other postal code
	Phone      string   // a telephone number, UK or international
	Identifier string   // an identifier both sources share (national insurance number, soc_sec_id...)
}

// prepared is a record normalised once, so that comparing a pair does no
// parsing.
type prepared struct {
	given, family []string // tokens lower-cased, punctuation dropped
	givenS        string   // the tokens joined with single spaces
	familyS       string
	dob           string   // YYYYMMDD when it parses, else its digits as written
	addr          []string // lower case, no spaces or punctuation ("brentwoo dvlge" = "brentwood vlge")
	addrSorted    []string // the words in order, so that word order does not count
	house         string   // the first number in the address: a house number
	street        string   // the first word of the address after it
	postcode      string   // upper case, no spaces
	phone         string   // E.164
	ident         string   // upper case, no spaces or punctuation
}

// maxField is the most characters of a field that are compared: string
// similarity costs the square of the length, and a name or an address
// line that long is a mistake in the column mapping, not a person.
const maxField = 100

func clip(s string) string {
	n := 0
	for i := range s {
		if n == maxField {
			return s[:i]
		}
		n++
	}
	return s
}

func prepare(r Record) prepared {
	p := prepared{
		given:    nameTokens(clip(r.Given)),
		family:   nameTokens(clip(r.Family)),
		dob:      normDOB(clip(r.DOB)),
		postcode: squash(strings.ToUpper(clip(r.Postcode))),
		phone:    audit.NormalisePhone(clip(r.Phone)),
		ident:    squash(strings.ToUpper(clip(r.Identifier))),
	}
	p.givenS = strings.Join(p.given, " ")
	p.familyS = strings.Join(p.family, " ")
	p.addr = make([]string, len(r.Address))
	p.addrSorted = make([]string, len(r.Address))
	for i, a := range r.Address {
		t := nameTokens(clip(a))
		for _, w := range t {
			switch {
			case p.house == "" && allDigits(w):
				p.house = w
			case p.house != "" && p.street == "" && !allDigits(w):
				p.street = w
			}
		}
		p.addr[i] = strings.Join(t, "")
		slices.Sort(t)
		p.addrSorted[i] = strings.Join(t, " ")
	}
	return p
}

// nameTokens lower-cases s and splits it into words of letters and digits;
// hyphens, apostrophes and full stops separate nothing ("O'Brien" is
// "obrien", "Smith-Jones" is "smithjones") because sources differ on them.
func nameTokens(s string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '-' || r == '.' || r == '’':
		default:
			flush()
		}
	}
	flush()
	return out
}

// squash keeps the letters and digits of s.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, s)
}

// normDOB reads YYYYMMDD, YYYY-MM-DD (or with slashes) and the British
// DD/MM/YYYY into YYYYMMDD. It does not check the calendar: a date made
// impossible by a typo ("19851332") is still mostly right, so any other
// form keeps its digits and is compared as written.
func normDOB(s string) string {
	s = strings.TrimSpace(s)
	parts := strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' || r == ' ' })
	if len(parts) == 3 && allDigits(parts[0]) && allDigits(parts[1]) && allDigits(parts[2]) {
		y, m, d := parts[0], parts[1], parts[2]
		if len(parts[2]) == 4 && len(parts[0]) <= 2 {
			y, m, d = parts[2], parts[1], parts[0]
		}
		if len(y) == 4 && len(m) <= 2 && len(d) <= 2 {
			return y + pad2(m) + pad2(d)
		}
	}
	return squash(s)
}

func pad2(s string) string {
	if len(s) == 1 {
		return "0" + s
	}
	return s
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
