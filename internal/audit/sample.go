package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
)

// Z95 is the standard normal quantile for 95% two-sided confidence.
const Z95 = 1.959963984540054

// SampleSize is how many of a population of n cases to review for an error
// rate within ±margin at 95% confidence, assuming the rate is about
// expected (0.5, the most cautious, when unknown):
//
//	n₀ = z²·p(1−p)/e²,  n = n₀ / (1 + (n₀−1)/N)   (finite population correction)
//
// rounded up, and never more than the population.
func SampleSize(population int, margin, expected float64) int {
	if population <= 0 {
		return 0
	}
	if margin <= 0 || margin >= 1 || expected <= 0 || expected >= 1 || math.IsNaN(margin) || math.IsNaN(expected) {
		return population
	}
	n0 := Z95 * Z95 * expected * (1 - expected) / (margin * margin)
	n := n0 / (1 + (n0-1)/float64(population))
	// Guard the ceiling against representation error (368.0000000001).
	k := int(math.Ceil(n - 1e-9))
	if k > population {
		k = population
	}
	if k < 1 {
		k = 1
	}
	return k
}

// DrawKey is a case's place in the random order of a draw with seed: the
// SHA-256 of the seed, a colon and the case reference, in hex. Anyone with
// the seed and the references can recompute it.
func DrawKey(seed, ref string) string {
	h := sha256.Sum256([]byte(seed + ":" + ref))
	return hex.EncodeToString(h[:])
}

// Draw returns the n references with the smallest draw keys, in key order.
// The result depends only on the seed and the set of references, not on
// their order, and adding a reference never reorders the others.
func Draw(seed string, refs []string, n int) []string {
	type keyed struct{ key, ref string }
	ks := make([]keyed, 0, len(refs))
	seen := map[string]bool{}
	for _, r := range refs {
		if seen[r] {
			continue
		}
		seen[r] = true
		ks = append(ks, keyed{DrawKey(seed, r), r})
	}
	sort.Slice(ks, func(i, j int) bool { return ks[i].key < ks[j].key })
	if n > len(ks) {
		n = len(ks)
	}
	if n < 0 {
		n = 0
	}
	out := make([]string, n)
	for i := range out {
		out[i] = ks[i].ref
	}
	return out
}

// PopulationHash fingerprints the population drawn from: SHA-256 over the
// sorted references, each followed by a newline.
func PopulationHash(refs []string) string {
	s := append([]string(nil), refs...)
	sort.Strings(s)
	h := sha256.New()
	for _, r := range s {
		h.Write([]byte(r + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Pick is a case chosen for an audit and how.
type Pick struct {
	Entry
	Drawn string // domain.DrawnRandom or domain.DrawnRisk
}

// Plan draws n cases at random from the queue with seed, then adds the
// riskTop highest-scoring cases not already drawn (only those with a score
// above zero). Random picks come first, in draw order; risk picks follow,
// highest score first.
func Plan(queue []Entry, seed string, n, riskTop int) []Pick {
	byRef := make(map[string]Entry, len(queue))
	refs := make([]string, 0, len(queue))
	for _, e := range queue {
		byRef[e.Ref] = e
		refs = append(refs, e.Ref)
	}
	var out []Pick
	drawn := map[string]bool{}
	for _, r := range Draw(seed, refs, n) {
		drawn[r] = true
		out = append(out, Pick{Entry: byRef[r], Drawn: domain.DrawnRandom})
	}
	rest := make([]Entry, 0, len(queue))
	for _, e := range queue {
		if !drawn[e.Ref] && e.Score > 0 {
			rest = append(rest, e)
		}
	}
	sort.SliceStable(rest, func(i, j int) bool {
		if rest[i].Score != rest[j].Score {
			return rest[i].Score > rest[j].Score
		}
		return rest[i].Ref < rest[j].Ref
	})
	for i := 0; i < riskTop && i < len(rest); i++ {
		out = append(out, Pick{Entry: rest[i], Drawn: domain.DrawnRisk})
	}
	return out
}

// Wilson is the Wilson score interval at 95% confidence for x errors in n
// reviews. With no reviews it is [0, 1]: nothing is known.
func Wilson(x, n int) (lo, hi float64) {
	if n <= 0 {
		return 0, 1
	}
	if x < 0 {
		x = 0
	}
	if x > n {
		x = n
	}
	z2 := Z95 * Z95
	nf := float64(n)
	p := float64(x) / nf
	den := 1 + z2/nf
	centre := (p + z2/(2*nf)) / den
	half := Z95 / den * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	lo, hi = math.Max(0, centre-half), math.Min(1, centre+half)
	// At the edges the interval touches 0 or 1 exactly.
	if x == 0 {
		lo = 0
	}
	if x == n {
		hi = 1
	}
	return lo, hi
}

// Rate is an error rate with its 95% Wilson interval.
type Rate struct {
	Errors   int     `json:"errors"`
	Reviewed int     `json:"reviewed"`
	Rate     float64 `json:"rate"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
}

// NewRate computes the rate of x errors in n reviews.
func NewRate(x, n int) Rate {
	r := Rate{Errors: x, Reviewed: n}
	r.Low, r.High = Wilson(x, n)
	if n > 0 {
		r.Rate = float64(x) / float64(n)
	}
	return r
}

// String writes the rate as a percentage with its interval.
func (r Rate) String() string {
	if r.Reviewed == 0 {
		return "no reviews yet"
	}
	return pct(
		r.Rate,
	) + " (95% CI " + pct(
		r.Low,
	) + "–" + pct(
		r.High,
	) + ", " + strconv.Itoa(
		r.Errors,
	) + " of " + strconv.Itoa(
		r.Reviewed,
	) + ")"
}

func pct(f float64) string {
	s := strings.TrimRight(strings.TrimRight(strconv.FormatFloat(f*100, 'f', 1, 64), "0"), ".")
	return s + "%"
}
