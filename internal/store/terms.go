package store

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
)

// Kinds of term in case_terms.
const (
	TermName     = "name"     // one word of a victim's, suspect's or other person's name, lower case
	TermPhone    = "phone"    // E.164 (audit.NormalisePhone)
	TermVehicle  = "vehicle"  // a registration mark (audit.NormaliseVehicle)
	TermPostcode = "postcode" // a whole postcode without its space: LS14AB
	TermOutcode  = "outcode"  // its outward half: LS1
	TermLink     = "link"     // a suspect identifier that links cases (audit.SuspectLinks' key)
	// TermPair is two words of one person's name, in alphabetical order
	// with a space between ("green yusuf"), for every two words of each
	// name: a search for a full name finds the cases where one person
	// bears it by one look-up in the index, rather than the cases where
	// each word is someone's (Mark Green and Yusuf Okafor for "Yusuf
	// Green").
	TermPair   = "pair"
	TermDigest = "#" // one row per case: a digest of its other rows
)

// TermsShape starts every digest row's term. A case whose digest row
// does not start with it was indexed before the index took its present
// shape (before the name pairs, migration 00052), and opening the record
// indexes it again (sqlstore buildTerms). Change it whenever CaseTerms
// comes to write rows an older record lacks.
const TermsShape = "v2:"

// pairWordsMost is how many words of one name are paired: the first
// seven and the last, so that a name of many words writes at most 28
// pairs, not one for every two of its words.
const pairWordsMost = 8

// PairTerm is the TermPair term of two words of a name.
func PairTerm(a, b string) string {
	if b < a {
		a, b = b, a
	}
	return a + " " + b
}

// CaseTerms lists the find-index rows of c (case_id, kind, term, label,
// shown), in a stable order, ending with the digest row by which a write
// tells whether they changed. The digest is remembered for KnownTermDigest
// (digestmemo.go).
func CaseTerms(c *domain.Case) [][]string {
	rows := caseTerms(c)
	termMemo.put(indexSource(c), rows[len(rows)-1][2])
	return rows
}

// caseTerms is CaseTerms without the memo: the oracle of its tests.
func caseTerms(c *domain.Case) [][]string {
	type key struct{ kind, term string }
	rows := map[key][2]string{}
	add := func(kind, term, label, shown string) {
		if term == "" {
			return
		}
		k := key{kind, term}
		if old, ok := rows[k]; ok {
			if label != "" && !strings.Contains("; "+old[0]+"; ", "; "+label+"; ") {
				old[0] += "; " + label
			}
			rows[k] = old
			return
		}
		rows[k] = [2]string{label, shown}
	}
	names := func(label, name string) {
		var ws []string // each word once
		for _, w := range NameWords(name) {
			add(TermName, w, label, name)
			if !slices.Contains(ws, w) {
				ws = append(ws, w)
			}
		}
		if len(ws) > pairWordsMost { // the given names first, the family name last
			ws = append(ws[:pairWordsMost-1], ws[len(ws)-1])
		}
		for i, a := range ws {
			for _, b := range ws[i+1:] {
				add(TermPair, PairTerm(a, b), label, name)
			}
		}
	}
	phones := func(label, v string) {
		for _, p := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' || r == '/' || r == '\n' }) {
			add(TermPhone, audit.NormalisePhone(p), label, strings.TrimSpace(p))
		}
	}
	for _, v := range c.Victims {
		label := "Victim: " + v.Name
		names(label, v.Name)
		phones(label, v.Contact)
	}
	for _, s := range c.Suspects {
		label := "Suspect: " + s.Label(60)
		names(label, s.Name)
		phones(label, s.Phone)
		add(TermVehicle, audit.NormaliseVehicle(s.Vehicle), label, s.Vehicle)
		if pc := Postcode(s.Address); pc != "" {
			add(TermPostcode, pc, label, s.Address)
			add(TermOutcode, pc[:len(pc)-3], label, s.Address)
		}
		for _, l := range audit.SuspectLinks(s) {
			shown := l.Shown
			if l.Kind == audit.LinkNameDOB {
				shown = s.Name + ", born " + s.DateOfBirth
			}
			add(TermLink, l.Key, s.Label(60), shown)
		}
	}
	for _, p := range c.People {
		role := p.Role
		if role == "" {
			role = "person"
		}
		names(strings.ToUpper(role[:1])+strings.ReplaceAll(role[1:], "_", " ")+": "+p.Name, p.Name)
	}
	keys := make([]key, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].kind != keys[j].kind {
			return keys[i].kind < keys[j].kind
		}
		return keys[i].term < keys[j].term
	})
	out := make([][]string, 0, len(keys)+1)
	h := sha256.New()
	for _, k := range keys {
		r := rows[k]
		row := []string{c.ID, k.kind, k.term, r[0], r[1]}
		for _, f := range row[1:] {
			h.Write([]byte(f))
			h.Write([]byte{0})
		}
		out = append(out, row)
	}
	return append(out, []string{c.ID, TermDigest, TermsShape + hex.EncodeToString(h.Sum(nil))[:32], "", ""})
}

// NameWords are the words a name is found by: lower case, letters and
// digits only, two characters or more.
func NameWords(name string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
	}) {
		w = strings.ReplaceAll(w, "'", "")
		if len([]rune(w)) >= 2 {
			out = append(out, w)
		}
	}
	return out
}

// Postcode is the UK postcode in v, upper case without spaces (LS14AB), or "".
func Postcode(v string) string {
	k := audit.NormaliseAddress(v)
	pc, _, ok := strings.Cut(k, "|")
	if !ok {
		return ""
	}
	return strings.ReplaceAll(pc, " ", "")
}
