package persons

import (
	"slices"
)

// rule is a blocking rule: two records become a candidate pair when they
// share one of the rule's keys. The rules are unioned, so a pair needs
// only one of them; what they miss is reported as pair completeness.
type rule struct {
	name string
	id   string // short and stable: the kind of the rule's keys in an index (BlockKeys)
	keys func(p *prepared) []string
}

// rules are the blocking rules for the fields a source has. Each is cheap
// and narrow on its own; between them a true pair escapes only when it
// differs in every one (names, date of birth, postcode, phone and
// identifier all changed).
var rules = []rule{
	{"identifier", "identifier", func(p *prepared) []string { return one(p.ident) }},
	{"phone", "phone", func(p *prepared) []string { return one(p.phone) }},
	{"date of birth", "dob", func(p *prepared) []string { return one(p.dob) }},
	{"given name and family initial", "given_fi", func(p *prepared) []string {
		if p.givenS == "" || p.familyS == "" {
			return nil
		}
		return one(p.givenS + "|" + p.familyS[:1])
	}},
	{"family name and given initial", "family_gi", func(p *prepared) []string {
		if p.givenS == "" || p.familyS == "" {
			return nil
		}
		return one(p.familyS + "|" + p.givenS[:1])
	}},
	{"full name, either order", "name", func(p *prepared) []string {
		if p.givenS == "" || p.familyS == "" || p.givenS == p.familyS {
			return nil
		}
		// Either order, so that a record meets its swapped twin.
		return []string{p.givenS + "|" + p.familyS, p.familyS + "|" + p.givenS}
	}},
	{"postcode", "postcode", func(p *prepared) []string { return one(p.postcode) }},
	{"house number and postcode district", "house_district", func(p *prepared) []string {
		if p.house == "" || p.postcode == "" {
			return nil
		}
		return one(p.house + "|" + district(p.postcode))
	}},
	{"house number and street", "house_street", func(p *prepared) []string {
		if p.house == "" || p.street == "" {
			return nil
		}
		return one(p.house + "|" + p.street[:min(3, len(p.street))])
	}},
	{"family name initial, birth year and month", "fi_ym", func(p *prepared) []string {
		if p.familyS == "" || len(p.dob) < 6 {
			return nil
		}
		return one(p.familyS[:1] + p.dob[:6])
	}},
}

func one(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// pairKey packs a pair: the left (or lower) index high, the right low.
func pairKey(l, r int) uint64 { return uint64(l)<<32 | uint64(r) }

func unpack(k uint64) (int, int) { return int(k >> 32), int(k & 0xffffffff) }

// maxKeyPairs is the most pairs one key of one rule may make. A key
// shared by thousands ("john" with family initial "s" in a national
// index) would make millions of pairs that say nothing; it is skipped and
// counted, and the other rules must find its true pairs.
const maxKeyPairs = 50_000

// block returns each rule's candidate pairs, sorted and without repeats,
// and how many keys each skipped as too common. In a dedupe (right ==
// nil) a pair is two records of left, lower first.
func block(left, right []prepared, rs []rule) ([][]uint64, []int) {
	out := make([][]uint64, len(rs))
	skipped := make([]int, len(rs))
	index := func(ps []prepared, ru rule) map[string][]int32 {
		m := map[string][]int32{}
		for j := range ps {
			for _, k := range ru.keys(&ps[j]) {
				m[k] = append(m[k], int32(j))
			}
		}
		return m
	}
	for ri, ru := range rs {
		li := index(left, ru)
		var ps []uint64
		if right == nil {
			for _, is := range li {
				if len(is)*(len(is)-1)/2 > maxKeyPairs {
					skipped[ri]++
					continue
				}
				for x, i := range is {
					for _, j := range is[x+1:] {
						ps = append(ps, pairKey(int(min(i, j)), int(max(i, j))))
					}
				}
			}
		} else {
			ri2 := index(right, ru)
			for k, is := range li {
				js := ri2[k]
				if len(is)*len(js) > maxKeyPairs {
					skipped[ri]++
					continue
				}
				for _, i := range is {
					for _, j := range js {
						ps = append(ps, pairKey(int(i), int(j)))
					}
				}
			}
		}
		slices.Sort(ps)
		out[ri] = slices.Compact(ps)
	}
	return out, skipped
}

// union merges sorted pair lists.
func union(lists [][]uint64) []uint64 {
	n := 0
	for _, l := range lists {
		n += len(l)
	}
	all := make([]uint64, 0, n)
	for _, l := range lists {
		all = append(all, l...)
	}
	slices.Sort(all)
	return slices.Compact(all)
}
