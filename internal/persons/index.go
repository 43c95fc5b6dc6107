package persons

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
)

// Matching one record against an index of many, as it is recorded: the
// index keeps each record's blocking keys (BlockKeys), so the candidates
// for a new record are the records sharing one of its keys (an indexed
// lookup, bounded however large the index grows), and a stored model
// (Params, NewModel) scores them without training on every call.

// Key is one blocking key of a record: the rule's short id and the key.
type Key struct {
	Rule string // "dob", "given_fi", "family_gi", "name", "postcode", "house_district", ...
	Key  string
}

// BlockKeys lists r's blocking keys, by the rules batch blocking uses
// (docs/persons.md#blocking) and indexRules: two records that share a key
// are a candidate pair. Sorted, without repeats.
func BlockKeys(r Record) []Key {
	p := prepare(r)
	var out []Key
	for _, ru := range append(rules[:len(rules):len(rules)], indexRules...) {
		for _, k := range ru.keys(&p) {
			out = append(out, Key{ru.id, k})
		}
	}
	slices.SortFunc(out, func(a, b Key) int {
		if a.Rule != b.Rule {
			if a.Rule < b.Rule {
				return -1
			}
			return 1
		}
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	return slices.Compact(out)
}

// indexRules are blocking rules the index adds to the batch rules. A
// batch run meets a spelling variant whose date of birth is also wrong
// through its other fields; a person recorded on a case often has only a
// name and a date of birth, so "Mohamed Kahn" born 3 April must meet
// "Mohammed Khan" born 4 March by the sound of the family name or by
// initials and year. Each key stays narrow in a national index: a sound
// and an initial, or two initials and a year.
var indexRules = []rule{
	{"family name's sound and given initial", "sound_gi", func(p *prepared) []string {
		if p.givenS == "" || p.familyS == "" {
			return nil
		}
		return one(soundex(p.familyS) + "|" + p.givenS[:1])
	}},
	{"initials and birth year", "initials_year", func(p *prepared) []string {
		if p.givenS == "" || p.familyS == "" || len(p.dob) < 4 {
			return nil
		}
		return one(p.givenS[:1] + p.familyS[:1] + p.dob[:4])
	}},
}

// soundex is American Soundex of a lower-case word: its first letter and
// three digits for the consonants that follow, so that "khan" and "kahn"
// (K500), "smith" and "smyth" (S530) share a code.
func soundex(w string) string {
	code := func(c byte) byte {
		switch c {
		case 'b', 'f', 'p', 'v':
			return '1'
		case 'c', 'g', 'j', 'k', 'q', 's', 'x', 'z':
			return '2'
		case 'd', 't':
			return '3'
		case 'l':
			return '4'
		case 'm', 'n':
			return '5'
		case 'r':
			return '6'
		case 'h', 'w':
			return 'h' // no code, and does not separate equal codes
		}
		return 0 // a vowel (or not a letter): no code, separates equal codes
	}
	var out []byte
	var last byte
	for i := 0; i < len(w) && len(out) < 4; i++ {
		c := w[i]
		if c == ' ' {
			break
		}
		k := code(c)
		if i == 0 {
			out, last = append(out, c-'a'+'A'), k
			continue
		}
		switch {
		case k == 'h':
		case k == 0:
			last = 0
		case k != last:
			out, last = append(out, k), k
		}
	}
	for len(out) < 4 && len(out) > 0 {
		out = append(out, '0')
	}
	return string(out)
}

// Params are a trained model's numbers, to store and load: each
// comparison by name with its m and u by level, the prior, and the
// term-frequency tables of the names (optional: empty means none).
type Params struct {
	Comparisons []string             `json:"comparisons"`
	Lambda      float64              `json:"lambda"`
	M           [][]float64          `json:"m"`
	U           [][]float64          `json:"u"`
	TF          []map[string]float64 `json:"tf,omitempty"`
}

// Params gives the model's numbers; NewModel(m.Params()) scores as m does.
func (m *Model) Params() Params {
	p := Params{Comparisons: m.Comparisons(), Lambda: m.Lambda, M: m.M, U: m.U}
	if m.tf != nil {
		p.TF = m.tf
	}
	return p
}

// knownComparisons are the comparisons a stored model may name; any other
// name is an address field, in the order given.
var knownComparisons = map[string]bool{"given name": true, "family name": true, "date of birth": true,
	"postcode": true, "phone": true, "identifier": true}

// NewModel rebuilds a model from its numbers. It refuses numbers that do
// not fit the comparisons they name.
func NewModel(p Params) (*Model, error) {
	var addr []string
	for _, n := range p.Comparisons {
		if !knownComparisons[n] {
			addr = append(addr, n)
		}
	}
	full := prepared{givenS: "x", familyS: "x", dob: "x", postcode: "x", phone: "x", ident: "x",
		addr: make([]string, len(addr))}
	for i := range full.addr {
		full.addr[i] = "x"
	}
	all := comparisons(addr, []prepared{full})
	byName := map[string]comparison{}
	for _, c := range all {
		byName[c.name] = c
	}
	if len(p.M) != len(p.Comparisons) || len(p.U) != len(p.Comparisons) {
		return nil, fmt.Errorf("model: %d comparisons but m for %d and u for %d", len(p.Comparisons), len(p.M),
			len(p.U))
	}
	if !(p.Lambda > 0 && p.Lambda < 1) {
		return nil, fmt.Errorf("model: the prior %v is not a probability", p.Lambda)
	}
	m := &Model{Lambda: p.Lambda, M: p.M, U: p.U}
	m.tf = make([]map[string]float64, len(p.Comparisons))
	m.uExact = make([]float64, len(p.Comparisons))
	m.bf = make([][]float64, len(p.Comparisons))
	for i, n := range p.Comparisons {
		c, ok := byName[n]
		if !ok {
			return nil, fmt.Errorf("model: no comparison %q", n)
		}
		if len(p.M[i]) != len(c.levels) || len(p.U[i]) != len(c.levels) {
			return nil, fmt.Errorf("model: %q has %d levels, not %d and %d", n, len(c.levels), len(p.M[i]),
				len(p.U[i]))
		}
		m.comps = append(m.comps, c)
		m.bf[i] = make([]float64, len(c.levels))
		for l := 1; l < len(c.levels); l++ {
			if !(p.M[i][l] > 0) || !(p.U[i][l] > 0) {
				return nil, fmt.Errorf("model: %q level %q: m and u must be above 0", n, c.levels[l])
			}
			m.bf[i][l] = math.Log2(p.M[i][l] / p.U[i][l])
		}
		m.uExact[i] = p.U[i][1]
		if i < len(p.TF) && c.tf {
			m.tf[i] = p.TF[i]
		}
	}
	return m, nil
}

// defaultModel is a model trained without labels on FEBRL's dataset4a and
// dataset4b (TestDefaultModel regenerates it: see docs/persons.md#the-index).
//
//go:embed default_model.json
var defaultModel []byte

// DefaultModel is the stored model that matching in the index starts with:
// given and family name, date of birth, postcode, address and phone.
func DefaultModel() *Model {
	var p Params
	if err := json.Unmarshal(defaultModel, &p); err != nil {
		panic("persons: the embedded model: " + err.Error())
	}
	m, err := NewModel(p)
	if err != nil {
		panic("persons: the embedded model: " + err.Error())
	}
	return m
}

// Probability is the match probability of a match weight.
func Probability(weight float64) float64 { return probability(weight) }
