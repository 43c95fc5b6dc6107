package persons

import (
	"strconv"
)

// comparison is one column of the model: it puts a pair in a level, 0 when
// either record lacks the field (no evidence), the last for "different".
type comparison struct {
	name   string
	levels []string
	level  func(a, b *prepared) uint8
	// exact is the value two records share at level 1, for u's exact share
	// and, with tf set, term-frequency adjustment; "" for none.
	exact func(p *prepared) string
	tf    bool
}

// Levels of the name comparisons, tried in this order except that an
// initial is tried before the similarities.
var nameLevels = []string{"missing", "exact", "given and family swapped", "Jaro-Winkler >= 0.92",
	"nickname", "Jaro-Winkler >= 0.88", "Jaro-Winkler >= 0.7", "initial", "different"}

const (
	nameExact uint8 = iota + 1
	nameSwapped
	nameJW92
	nameNickname
	nameJW88
	nameJW70
	nameInitial
	nameDifferent
)

// jw is Jaro-Winkler similarity, or 0 when it must be under 0.7, with its arguments in a fixed order, so
// that it is symmetric to the last bit (Jaro's greedy matching need not be).
func jw(a, b string) float64 {
	if a > b {
		a, b = b, a
	}
	// Strings of very different lengths cannot reach the lowest level any
	// comparison asks for (0.7): Jaro is at most (1 + short/long + 1) / 3.
	la, lb := len(a), len(b)
	if j := (2 + float64(min(la, lb))/float64(max(la, lb, 1))) / 3; j+0.4*(1-j) < 0.7 {
		return 0
	}
	return jaroWinkler(a, b)
}

// edits is the optimal-string-alignment distance (Damerau-Levenshtein
// without repeated edits of one substring): a typo or two swapped digits
// is one edit.
func edits(a, b string) int {
	if a > b {
		a, b = b, a
	}
	return osa(a, b)
}

// nameLevel compares two names other than by swapping.
func nameLevel(a, b string, at, bt []string) uint8 {
	if a == b {
		return nameExact
	}
	if initial(at, bt) || initial(bt, at) {
		return nameInitial // before similarity, which finds "j" and "jon" alike
	}
	s := jw(a, b)
	switch {
	case s >= 0.92:
		return nameJW92
	case nicknames(at, bt):
		return nameNickname
	case s >= 0.88:
		return nameJW88
	case s >= 0.7:
		return nameJW70
	}
	return nameDifferent
}

// initial says whether a is an initial (or initials) of b.
func initial(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 || len(a[0]) != 1 {
		return false
	}
	for i, t := range a {
		if i >= len(b) || len(t) != 1 || t[0] != b[i][0] {
			return false
		}
	}
	return true
}

// swapped says whether the pair's given and family names match only when
// one record's are swapped: the names a form put in the wrong boxes.
// Both names must be close crossed and not close straight.
func swapped(a, b *prepared) bool {
	if a.givenS == "" || a.familyS == "" || b.givenS == "" || b.familyS == "" ||
		a.givenS == b.givenS || a.familyS == b.familyS {
		return false
	}
	c1 := jw(a.givenS, b.familyS)
	if c1 < 0.9 {
		return false
	}
	c2 := jw(a.familyS, b.givenS)
	if c2 < 0.9 {
		return false
	}
	return jw(a.givenS, b.givenS) < 0.92 && jw(a.familyS, b.familyS) < 0.92
}

func givenLevel(a, b *prepared) uint8 {
	if a.givenS == "" || b.givenS == "" {
		return 0
	}
	if swapped(a, b) {
		return nameSwapped
	}
	return nameLevel(a.givenS, b.givenS, a.given, b.given)
}

func familyLevel(a, b *prepared) uint8 {
	if a.familyS == "" || b.familyS == "" {
		return 0
	}
	if swapped(a, b) {
		// Each family name against the other's given name; the worse of
		// the two keeps the pair symmetric without counting the swap twice.
		return max(nameLevel(a.familyS, b.givenS, a.family, b.given),
			nameLevel(b.familyS, a.givenS, b.family, a.given))
	}
	return nameLevel(a.familyS, b.familyS, a.family, b.family)
}

// settled gives the level of a pair that is missing (0) or exact (1), and
// whether it is either.
func settled(x, y string) (uint8, bool) {
	switch {
	case x == "" || y == "":
		return 0, true
	case x == y:
		return 1, true
	}
	return 0, false
}

// Levels of the date of birth.
var dobLevels = []string{"missing", "exact", "day and month transposed", "one digit", "two digits",
	"year only", "different"}

func dobLevel(a, b *prepared) uint8 {
	x, y := a.dob, b.dob
	if l, ok := settled(x, y); ok {
		return l
	}
	switch {
	case len(x) == 8 && len(y) == 8 && x[:4] == y[:4] && x[4:6] == y[6:8] && x[6:8] == y[4:6]:
		return 2
	}
	d := digitEdits(x, y)
	switch {
	case d == 1:
		return 3
	case d == 2:
		return 4
	case len(x) >= 4 && len(y) >= 4 && x[:4] == y[:4]:
		return 5
	}
	return 6
}

// digitEdits stands in for osa between two numbers of one length: the
// digits that differ, two adjacent ones swapped counting one. It is never
// less than osa; a number shifted by a digit is many edits here, not two.
func digitEdits(x, y string) int {
	if len(x) != len(y) {
		return edits(x, y)
	}
	d, last := 0, -2
	for i := 0; i < len(x); i++ {
		if x[i] == y[i] {
			continue
		}
		if last == i-1 && x[i] == y[i-1] && x[i-1] == y[i] && d > 0 {
			last = -2 // the swap of i-1 and i, counted once already
			continue
		}
		d++
		last = i
	}
	return d
}

// Levels of the postcode.
var postcodeLevels = []string{"missing", "exact", "one character", "same district", "different"}

func postcodeLevel(a, b *prepared) uint8 {
	x, y := a.postcode, b.postcode
	if l, ok := settled(x, y); ok {
		return l
	}
	switch {
	case edits(x, y) == 1:
		return 2
	case district(x) == district(y):
		return 3
	}
	return 4
}

// district is a UK postcode's outward code (all but the last three
// characters, "LS1" of "LS14AB"); of any other code its first two
// characters (an Australian code's region, a US ZIP's state).
func district(p string) string {
	if len(p) >= 5 && p[len(p)-3] >= '0' && p[len(p)-3] <= '9' && !allDigits(p) {
		return p[:len(p)-3]
	}
	return p[:min(2, len(p))]
}

// Levels of one address field.
var addressLevels = []string{"missing", "exact", "close", "similar", "different"}

func addressLevel(i int) func(a, b *prepared) uint8 {
	return func(a, b *prepared) uint8 {
		if i >= len(a.addr) || i >= len(b.addr) {
			return 0
		}
		x, y := a.addr[i], b.addr[i]
		if l, ok := settled(x, y); ok {
			return l
		}
		if allDigits(x) && allDigits(y) {
			// A house number: one wrong digit is close, anything else is
			// a different house.
			if edits(x, y) == 1 {
				return 2
			}
			return 4
		}
		s := jw(x, y)
		switch {
		case s >= 0.92 || a.addrSorted[i] == b.addrSorted[i]:
			return 2
		case s >= 0.8:
			return 3
		}
		return 4
	}
}

// Levels of numbers compared digit by digit (phone, identifier).
var numberLevels = []string{"missing", "exact", "one character", "two characters", "different"}

func numberLevel(field func(p *prepared) string) func(a, b *prepared) uint8 {
	return func(a, b *prepared) uint8 {
		x, y := field(a), field(b)
		if l, ok := settled(x, y); ok {
			return l
		}
		switch edits(x, y) {
		case 1:
			return 2
		case 2:
			return 3
		}
		return 4
	}
}

// comparisons are the model's columns for the fields a source has: a
// field no record fills is left out.
func comparisons(addrNames []string, recs ...[]prepared) []comparison {
	has := func(f func(p *prepared) bool) bool {
		for _, rs := range recs {
			for i := range rs {
				if f(&rs[i]) {
					return true
				}
			}
		}
		return false
	}
	var cs []comparison
	if has(func(p *prepared) bool { return p.givenS != "" }) {
		cs = append(cs, comparison{name: "given name", levels: nameLevels, level: givenLevel,
			exact: func(p *prepared) string { return p.givenS }, tf: true})
	}
	if has(func(p *prepared) bool { return p.familyS != "" }) {
		cs = append(cs, comparison{name: "family name", levels: nameLevels, level: familyLevel,
			exact: func(p *prepared) string { return p.familyS }, tf: true})
	}
	if has(func(p *prepared) bool { return p.dob != "" }) {
		cs = append(cs, comparison{name: "date of birth", levels: dobLevels, level: dobLevel,
			exact: func(p *prepared) string { return p.dob }})
	}
	if has(func(p *prepared) bool { return p.postcode != "" }) {
		cs = append(cs, comparison{name: "postcode", levels: postcodeLevels, level: postcodeLevel,
			exact: func(p *prepared) string { return p.postcode }})
	}
	naddr := 0
	for _, rs := range recs {
		for i := range rs {
			naddr = max(naddr, len(rs[i].addr))
		}
	}
	for i := 0; i < naddr; i++ {
		if has(func(p *prepared) bool { return i < len(p.addr) && p.addr[i] != "" }) {
			name := "address " + strconv.Itoa(i+1)
			if i < len(addrNames) && addrNames[i] != "" {
				name = addrNames[i]
			}
			cs = append(cs, comparison{name: name, levels: addressLevels,
				level: addressLevel(i), exact: func(p *prepared) string { return p.addr[i] }})
		}
	}
	phone := func(p *prepared) string { return p.phone }
	if has(func(p *prepared) bool { return p.phone != "" }) {
		cs = append(cs, comparison{name: "phone", levels: numberLevels, level: numberLevel(phone), exact: phone})
	}
	ident := func(p *prepared) string { return p.ident }
	if has(func(p *prepared) bool { return p.ident != "" }) {
		cs = append(cs, comparison{name: "identifier", levels: numberLevels, level: numberLevel(ident), exact: ident})
	}
	return cs
}
