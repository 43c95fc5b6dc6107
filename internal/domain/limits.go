package domain

import (
	"fmt"
	"reflect"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Text limits, in characters. They are domain rules rather than transport
// limits so that the API, the pages, the CLI and the import refuse the same
// input in the same words: an attack stored a 9.5 MB note, and ten 1 MB
// notes made a 19.5 MB case document kept forever.
const (
	// ShortText is a name, an identifier, a code, a phone number: one line.
	ShortText = 200
	// LineText is a title or an address: one line, but a long one.
	LineText = 1_000
	// ProseText is what an officer writes at length: a note, a result, a
	// rationale, a plan — about twenty pages.
	ProseText = 50_000
	// ListItems bounds a list field (directions, offence types...).
	ListItems = 200
)

// textLimits names the fields that may hold more than ShortText, by their
// JSON name (the name every refusal uses). A field not listed is short.
var textLimits = map[string]int{
	// Lines.
	"title": LineText, "address": LineText, "description": LineText, "contact": LineText, "vehicle": LineText,
	"label": LineText, "criteria": LineText, "first_contact_labels": LineText,
	// Prose.
	"note": ProseText, "text": ProseText, "result": ProseText, "rationale": ProseText, "reason": ProseText,
	"reasons": ProseText, "plan": ProseText, "view": ProseText, "explanation": ProseText, "summary": ProseText,
	"detail": ProseText, "directions": ProseText, "answer": ProseText, "late_reason": ProseText, "grounds": ProseText,
	"says": ProseText, "direction": ProseText, "must_act": ProseText, "justification": ProseText,
	// A closure's rationale, an audit's findings, and a decision: prose too.
	"lines_considered": ProseText, "why_none_remain": ProseText, "suspects_status": ProseText,
	"victim_view": ProseText, "lines_missed": ProseText, "decision": LineText,
	// A signed checkpoint pasted in to check the ledger against: a few lines
	// and their signatures, cosigned by witnesses.
	"earlier": 10 * LineText,
}

// TextLimit is the most characters the field may hold.
func TextLimit(field string) int {
	if n, ok := textLimits[field]; ok {
		return n
	}
	return ShortText
}

// CheckText returns the problems of one text field: not valid UTF-8 (which
// would otherwise be replaced silently), a control character other than a
// line break or tab (a name never needs one), or longer than its limit.
func CheckText(field, s string) Problems {
	var p Problems
	if !utf8.ValidString(s) {
		p.Add(field, "invalid_text", "This contains characters that are not text (invalid UTF-8): "+
			"paste it again from the original or type it in")
		return p
	}
	multiline := TextLimit(field) > ShortText
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' && !(multiline && (r == '\n' || r == '\r')) {
			p.Add(field, "control_character", "This contains a control character (such as a line break in a "+
				"one-line field): remove it and try again")
			break
		}
	}
	if n, max := utf8.RuneCountInString(s), TextLimit(field); n > max {
		p.Add(field, "too_long", fmt.Sprintf("This is %s characters long: it must be %s or fewer",
			thousands(n), thousands(max)))
	}
	return p
}

// CheckFields checks every text field of a command's input struct (and of
// structs and lists within it) against CheckText, and every list against
// ListItems, naming each field by its JSON name. Fields tagged json:"-"
// are ids from the URL and are checked too, as short text.
func CheckFields(in any) Problems {
	var p Problems
	checkValue(reflect.ValueOf(in), "", "", &p, false)
	return p
}

// CheckPaths is CheckFields naming each field by its path in the record
// ("victims[0].name", "actions[2].text"), for a record with lists of
// parts, as the importer reads them; the limit is still the last name's.
func CheckPaths(in any) Problems {
	var p Problems
	checkValue(reflect.ValueOf(in), "", "", &p, true)
	return p
}

func checkValue(v reflect.Value, field, path string, p *Problems, paths bool) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return
		}
		v = v.Elem()
	}
	name := func(ps Problems) Problems {
		if paths {
			for i := range ps {
				ps[i].Field = path
			}
		}
		return ps
	}
	switch v.Kind() {
	case reflect.String:
		*p = append(*p, name(CheckText(field, v.String()))...)
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return // bytes are not text
		}
		if v.Len() > ListItems {
			var q Problems
			q.Add(field, "too_many", fmt.Sprintf("This has %s items: it may have %s at most",
				thousands(v.Len()), thousands(ListItems)))
			*p = append(*p, name(q)...)
			return
		}
		for i := 0; i < v.Len(); i++ {
			checkValue(v.Index(i), field, fmt.Sprintf("%s[%d]", path, i), p, paths)
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			checkValue(it.Key(), field, path, p, paths)
			checkValue(it.Value(), field, path, p, paths)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous {
				continue
			}
			name := jsonName(f)
			sub := name
			if path != "" {
				sub = path + "." + name
			}
			if f.Anonymous && name == f.Name {
				name, sub = field, path // an embedded struct's fields are the outer struct's
			}
			checkValue(v.Field(i), name, sub, p, paths)
		}
	}
}

// jsonName is the field's JSON name; for json:"-" (an id from the URL) the
// path wildcard it is tagged with, else its Go name.
func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" {
		if path := f.Tag.Get("path"); path != "" {
			return path
		}
		return f.Name
	}
	if name == "" {
		return f.Name
	}
	return name
}

// Thousands writes n with comma separators, as GOV.UK style writes
// numbers: 2,000.
func Thousands(n int) string { return thousands(n) }

// thousands writes n with comma separators, as GOV.UK style writes numbers.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// EarliestBirth is the earliest date of birth Holdfast accepts: anyone born
// before it is not a living victim, suspect or witness, and a year like 0001
// is a default value that leaked from another system.
var EarliestBirth = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)

// CheckBirthDate refuses a date of birth before EarliestBirth or after today.
// A date not given is not checked by the caller: Go's zero time is 0001-01-01,
// which is exactly the leaked default this refuses.
func CheckBirthDate(field string, dob, now time.Time) Problems {
	var p Problems
	switch {
	case dob.Before(EarliestBirth):
		p.Add(field, "date_too_early", "The date of birth is before 1 January 1900: check the year")
	case dob.After(now):
		p.Add(field, "date_in_future", "The date of birth is in the future: check the date")
	}
	return p
}

// CheckPast refuses a time in the future for something that records the
// past (when a crime was reported, when a suspect was interviewed, when a
// contact was made), or before EarliestBirth. A few minutes of clock skew
// between machines are allowed.
func CheckPast(field string, t, now time.Time) Problems {
	var p Problems
	switch {
	case t.Before(EarliestBirth):
		p.Add(field, "date_too_early", "The date is before 1900: check the year")
	case t.After(now.Add(clockSkew)):
		p.Add(field, "date_in_future", "The date is in the future: it must be today or earlier")
	}
	return p
}

// clockSkew is how far ahead of this server's clock another machine's
// "now" may be and still count as now.
const clockSkew = 5 * time.Minute
