package audit

// Linking suspects across cases: the identifiers (name and date of birth,
// phone, vehicle, address) by which one suspect may be the same person as
// another, each normalised so that formats do not hide a network.

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/holdfast/holdfast/internal/domain"
)

// SuspectKey is how suspects are matched across cases: the name in lower
// case with punctuation dropped and spaces collapsed, and the date of
// birth. A suspect without both has no key: a name alone is too common.
func SuspectKey(s domain.Suspect) string {
	if s.Name == "" || s.DateOfBirth == "" {
		return ""
	}
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s.Name) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		case unicode.IsSpace(r) || r == '-' || r == '.' || r == ',':
			space = true
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return b.String() + "|" + s.DateOfBirth
}

// How a suspect on one case is linked to a suspect on another: the words
// name the identifier in a suspect_shared reason's detail.
const (
	LinkNameDOB = "name and date of birth"
	LinkPhone   = "phone"
	LinkVehicle = "vehicle"
	LinkAddress = "address"
)

// SuspectLink is one identifier by which a suspect may be linked to
// suspects on other cases: two suspects with the same Key are linked.
type SuspectLink struct {
	Kind  string // LinkNameDOB, LinkPhone, LinkVehicle or LinkAddress
	Key   string // normalised, and prefixed with the kind
	Shown string // as recorded on this suspect, for the reason's detail
}

// SuspectLinks lists the identifiers by which s is linked across cases:
// name and date of birth (SuspectKey), phone number (NormalisePhone),
// vehicle registration (NormaliseVehicle) and address (NormaliseAddress).
// An identifier that normalises to nothing links nothing.
func SuspectLinks(s domain.Suspect) []SuspectLink {
	var out []SuspectLink
	if k := SuspectKey(s); k != "" {
		out = append(out, SuspectLink{Kind: LinkNameDOB, Key: "name:" + k})
	}
	add := func(kind, shown string, norm func(string) string) {
		if k := norm(shown); k != "" {
			out = append(
				out,
				SuspectLink{Kind: kind, Key: kind + ":" + k, Shown: strings.Join(strings.Fields(shown), " ")},
			)
		}
	}
	for _, p := range splitPhones(s.Phone) {
		add(LinkPhone, p, NormalisePhone)
	}
	add(LinkVehicle, s.Vehicle, NormaliseVehicle)
	add(LinkAddress, s.Address, NormaliseAddress)
	return out
}

// splitPhones splits a phone field that records several numbers.
func splitPhones(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == '\n' })
}

// MinPhoneDigits: a number with fewer digits (in its national form, with
// the leading 0) is too short to be a whole telephone number.
const MinPhoneDigits = 10

// NormalisePhone returns a phone number in E.164 form (+447700900123), or
// "" if v is not a usable number. Only digits count; the UK forms
// +44 7700 900123, 0044 7700 900123, +44 (0)7700 900123 and 07700 900123
// are the same number; a number written without an international prefix
// is taken to be a UK one. Numbers with fewer than MinPhoneDigits digits
// (in the UK's national form), more than 15, or all one digit after the
// country code are ignored: they are fragments or placeholders.
func NormalisePhone(v string) string {
	v = strings.TrimSpace(v)
	var d []byte
	for _, r := range v {
		if r >= '0' && r <= '9' {
			d = append(d, byte(r))
		}
	}
	digits := string(d)
	intl := strings.HasPrefix(v, "+")
	if !intl && strings.HasPrefix(digits, "00") {
		digits, intl = digits[2:], true
	}
	if !intl && len(digits) == 12 && strings.HasPrefix(digits, "44") {
		intl = true // 44 7700 900123, the plus left off
	}
	var nsn string // the national significant number
	switch {
	case intl && strings.HasPrefix(digits, "44"):
		nsn = strings.TrimPrefix(digits[2:], "0") // +44 (0)7700…
	case intl:
		if len(digits) < MinPhoneDigits || len(digits) > 15 || oneDigit(digits[1:]) {
			return ""
		}
		return "+" + digits
	default:
		nsn = strings.TrimPrefix(digits, "0")
	}
	// A UK national number never begins with 0 once its trunk 0 is gone:
	// one that does is a fragment, and keeping it would make the result
	// normalise to something else ("+44 0…" loses another 0).
	if 1+len(nsn) < MinPhoneDigits || 2+len(nsn) > 15 || oneDigit(nsn) || nsn[0] == '0' {
		return ""
	}
	return "+44" + nsn
}

func oneDigit(s string) bool {
	return strings.Trim(s, s[:min(1, len(s))]) == ""
}

var (
	// A vehicle registration mark by itself: 2 to 8 letters and digits,
	// with at least one of each.
	vrmAlone = regexp.MustCompile(`^[A-Z0-9]{2,8}$`)
	// A current-style mark (since 2001) within a longer description.
	vrmWithin = regexp.MustCompile(`(?:^|[^A-Z0-9])([A-Z]{2}[0-9]{2}) ?([A-Z]{3})(?:$|[^A-Z0-9])`)
)

// NormaliseVehicle returns a vehicle registration mark upper-cased
// without spaces or punctuation ("ab12 cde" and "AB12CDE" are the same),
// or "" if v holds none. A value that is not a mark by itself (such as
// "silver Astra AB12 CDE") is searched for a current-style mark (two
// letters, two digits, three letters); a description with no mark ("a
// silver saloon") links nothing.
func NormaliseVehicle(v string) string {
	up := strings.ToUpper(strings.TrimSpace(v))
	alnum := strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		if unicode.IsSpace(r) || r == '-' || r == '.' {
			return -1
		}
		return '?' // anything else makes it more than a mark
	}, up)
	if vrmAlone.MatchString(alnum) && strings.ContainsAny(alnum, "0123456789") &&
		strings.ContainsAny(alnum, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") {
		return alnum
	}
	if m := vrmWithin.FindStringSubmatch(up); m != nil {
		return m[1] + m[2]
	}
	return ""
}

var (
	postcodeWhole = regexp.MustCompile(`^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$`)
	postcodeOut   = regexp.MustCompile(`^[A-Z]{1,2}[0-9][A-Z0-9]?$`)
	postcodeIn    = regexp.MustCompile(`^[0-9][A-Z]{2}$`)
)

// addressWords are the usual abbreviations, spelled out so that "12 High
// St" and "12 High Street" are the same address.
var addressWords = map[string]string{
	"st": "street", "rd": "road", "ave": "avenue", "av": "avenue", "ln": "lane", "dr": "drive",
	"cl": "close", "ct": "court", "cres": "crescent", "pl": "place", "sq": "square", "gdns": "gardens",
	"tce": "terrace", "terr": "terrace", "gr": "grove", "pk": "park", "hse": "house", "flt": "flat",
}

// NormaliseAddress returns an address as a key: its UK postcode
// ("LS1 4AB", however spaced), then the rest of it in lower case with
// punctuation dropped, spaces collapsed and common abbreviations spelled
// out. An address without a postcode-shaped token returns "": a street
// name or a town alone is too loose a link. Otherwise the whole address
// must match: two flats in one building, or two houses in one postcode,
// are not linked.
func NormaliseAddress(v string) string {
	words := strings.FieldsFunc(
		strings.ToUpper(v),
		func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) },
	)
	postcode, at, n := "", -1, 0
	for i := len(words) - 1; i >= 0 && postcode == ""; i-- { // the last one: it ends an address
		if m := postcodeWhole.FindStringSubmatch(words[i]); m != nil {
			postcode, at, n = m[1]+" "+m[2], i, 1
		} else if i > 0 && postcodeIn.MatchString(words[i]) && postcodeOut.MatchString(words[i-1]) {
			postcode, at, n = words[i-1]+" "+words[i], i-1, 2
		}
	}
	if postcode == "" {
		return ""
	}
	rest := make([]string, 0, len(words))
	for i, w := range words {
		if i >= at && i < at+n {
			continue
		}
		w = strings.ToLower(w)
		if long, ok := addressWords[w]; ok {
			w = long
		}
		rest = append(rest, w)
	}
	if len(rest) == 0 {
		return "" // a postcode alone covers a street
	}
	return postcode + "|" + strings.Join(rest, " ")
}
