package offence

import (
	"sort"
	"strings"
)

// Suggest returns up to n offences whose titles (or mapped spellings) are
// nearest text, nearest first: what a refusal of an unmapped text offers.
// Nearness is the Dice coefficient of the two texts' letter trigrams and
// words, so a reordering or a misspelling still finds its title.
func (c *Classification) Suggest(text string, n int) []Offence {
	q := Normal(text)
	if q == "" || n <= 0 {
		return nil
	}
	best := map[string]float64{}
	consider := func(code, s string) {
		if v := similarity(q, Normal(s)); v > best[code] {
			best[code] = v
		}
	}
	for _, o := range c.offences {
		consider(o.Code, o.Title)
	}
	for _, m := range c.mappings {
		consider(m.Code, m.Text)
	}
	codes := make([]string, 0, len(best))
	for code, v := range best {
		if v > 0 {
			codes = append(codes, code)
		}
	}
	sort.Slice(codes, func(i, j int) bool {
		if best[codes[i]] != best[codes[j]] {
			return best[codes[i]] > best[codes[j]]
		}
		return c.byCode[codes[i]] < c.byCode[codes[j]]
	})
	if len(codes) > n {
		codes = codes[:n]
	}
	out := make([]Offence, len(codes))
	for i, code := range codes {
		out[i], _ = c.Lookup(code)
	}
	return out
}

// similarity is the mean of the trigram and the word Dice coefficients.
func similarity(a, b string) float64 {
	return (dice(grams(a), grams(b)) + dice(words(a), words(b))) / 2
}

func grams(s string) map[string]int {
	out := map[string]int{}
	r := []rune("  " + s + " ")
	for i := 0; i+3 <= len(r); i++ {
		out[string(r[i:i+3])]++
	}
	return out
}

// stop words say nothing about which offence is meant.
var stop = map[string]bool{"a": true, "an": true, "the": true, "of": true, "on": true, "and": true, "or": true,
	"with": true, "in": true, "to": true, "by": true, "for": true, "etc": true}

func words(s string) map[string]int {
	out := map[string]int{}
	for _, w := range strings.Fields(s) {
		if !stop[w] {
			out[w]++
		}
	}
	return out
}

func dice(a, b map[string]int) float64 {
	na, nb, both := 0, 0, 0
	for k, x := range a {
		na += x
		both += min(x, b[k])
	}
	for _, y := range b {
		nb += y
	}
	if na+nb == 0 {
		return 0
	}
	return 2 * float64(both) / float64(na+nb)
}
