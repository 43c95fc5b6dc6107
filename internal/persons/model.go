package persons

import (
	"cmp"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// Options tune a run; the zero value is the default.
type Options struct {
	AddressNames []string // names of the address fields, for explanations
	USamples     int      // random pairs from which u is estimated (default 50,000)
	Seed         uint64   // of the random pairs (default 1): a run is repeatable
	Workers      int      // goroutines comparing pairs (default GOMAXPROCS)
}

// Model is a trained Fellegi–Sunter model: for each comparison and level,
// m (the chance a true match is at that level) and u (the chance a random
// pair is), and the prior chance that a random pair is a match.
type Model struct {
	comps  []comparison
	Lambda float64     // prior: the chance that a random pair is a match
	M, U   [][]float64 // by comparison, then level; level 0 (missing) unused
	N      [][]int     // candidate pairs at each level
	// Iterations of expectation-maximisation until m settled.
	Iterations int
	bf         [][]float64 // log2(m/u)
	tf         []map[string]float64
	uExact     []float64
}

// Comparisons names the model's comparisons, in order.
func (m *Model) Comparisons() []string {
	names := make([]string, len(m.comps))
	for i, c := range m.comps {
		names[i] = c.name
	}
	return names
}

// Levels names one comparison's levels.
func (m *Model) Levels(c int) []string { return m.comps[c].levels }

// Term is one comparison's part in a pair's weight.
type Term struct {
	Comparison string
	Level      string
	Weight     float64 // log2 of the Bayes factor m/u, term frequency included
	TF         float64 // the term-frequency adjustment within Weight
}

// Pair is a scored candidate pair, by index into the records given.
type Pair struct {
	Left, Right int
	Weight      float64 // log2 of the odds that the two are one person
	Probability float64
}

// Rule is a blocking rule and the candidate pairs it made.
type Rule struct {
	Name        string
	Pairs       int
	SkippedKeys int // keys shared so widely that their pairs were not made
	keys        []uint64
}

// Result is a run: the model, every candidate pair scored, the blocking
// rules, and the records (for explanation and evaluation).
type Result struct {
	Model       *Model
	Pairs       []Pair // in order of weight, strongest first
	Rules       []Rule
	TotalPairs  int // all the pairs there are, blocked or not
	left, right []prepared
	leftIDs     []string
	rightIDs    []string
	leftEnt     []string
	rightEnt    []string
	dedupe      bool
	levels      []uint8 // pairs × comparisons, in Pairs' order
}

// Link scores every candidate pair of a record of left and a record of
// right.
func Link(left, right []Record, o Options) *Result {
	return run(left, right, false, o)
}

// Dedupe scores every candidate pair of records of one source.
func Dedupe(recs []Record, o Options) *Result {
	return run(recs, recs, true, o)
}

func run(left, right []Record, dedupe bool, o Options) *Result {
	if o.USamples <= 0 {
		o.USamples = 50_000
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	res := &Result{dedupe: dedupe}
	res.left, res.leftIDs, res.leftEnt = prepareAll(left)
	if dedupe {
		res.right, res.rightIDs, res.rightEnt = res.left, res.leftIDs, res.leftEnt
		res.TotalPairs = len(left) * (len(left) - 1) / 2
	} else {
		res.right, res.rightIDs, res.rightEnt = prepareAll(right)
		res.TotalPairs = len(left) * len(right)
	}
	comps := comparisons(o.AddressNames, res.left, res.right)
	var rightP []prepared // nil: a dedupe blocks left against itself
	if !dedupe {
		rightP = res.right
	}
	blocked, skipped := block(res.left, rightP, rules)
	for i, r := range rules {
		res.Rules = append(res.Rules, Rule{Name: r.name, Pairs: len(blocked[i]), SkippedKeys: skipped[i],
			keys: blocked[i]})
	}
	cands := union(blocked)
	k := len(comps)
	lv := make([]uint8, len(cands)*k)
	res.compare(comps, cands, lv, o.Workers)

	m := &Model{comps: comps}
	m.estimateU(res, o)
	m.estimateTF(res)
	m.em(lv, len(cands), res.TotalPairs)

	pairs := make([]Pair, len(cands))
	for i, c := range cands {
		l, r := unpack(c)
		w := m.weight(&res.left[l], &res.right[r], lv[i*k:(i+1)*k])
		pairs[i] = Pair{Left: l, Right: r, Weight: w, Probability: probability(w)}
	}
	order := make([]int, len(pairs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(pairs[b].Weight, pairs[a].Weight); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	res.Pairs = make([]Pair, len(pairs))
	res.levels = make([]uint8, len(lv))
	for to, from := range order {
		res.Pairs[to] = pairs[from]
		copy(res.levels[to*k:(to+1)*k], lv[from*k:(from+1)*k])
	}
	res.Model = m
	return res
}

func prepareAll(recs []Record) ([]prepared, []string, []string) {
	ps := make([]prepared, len(recs))
	ids := make([]string, len(recs))
	ents := make([]string, len(recs))
	for i, r := range recs {
		ps[i] = prepare(r)
		ids[i], ents[i] = r.ID, r.Entity
	}
	return ps, ids, ents
}

// compare fills lv with the levels of each pair, on every worker.
func (res *Result) compare(comps []comparison, pairs []uint64, lv []uint8, workers int) {
	k := len(comps)
	var wg sync.WaitGroup
	chunk := (len(pairs) + workers - 1) / max(workers, 1)
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(pairs))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				l, r := unpack(pairs[i])
				a, b := &res.left[l], &res.right[r]
				for c := range comps {
					lv[i*k+c] = comps[c].level(a, b)
				}
			}
		}()
	}
	wg.Wait()
}

// estimateU samples random pairs for u: the chance that two records of
// different people fall at each level. The exact level's share is counted
// from the values themselves (a sample would see few shared identifiers);
// the sample shares the rest out.
func (m *Model) estimateU(res *Result, o Options) {
	k := len(m.comps)
	nl, nr := len(res.left), len(res.right)
	rng := rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15))
	n := min(o.USamples, max(res.TotalPairs, 0))
	sample := make([]uint64, 0, n)
	for len(sample) < n && nl > 0 && nr > 0 {
		l, r := rng.IntN(nl), rng.IntN(nr)
		if res.dedupe {
			if l == r {
				continue
			}
			l, r = min(l, r), max(l, r)
		}
		sample = append(sample, pairKey(l, r))
	}
	lv := make([]uint8, len(sample)*k)
	res.compare(m.comps, sample, lv, o.Workers)
	m.U = make([][]float64, k)
	m.uExact = make([]float64, k)
	for c, cmp := range m.comps {
		L := len(cmp.levels)
		counts := make([]float64, L)
		for i := range sample {
			counts[lv[i*k+c]]++
		}
		exact := exactShare(res, cmp.exact)
		rest := 0.0
		for l := 2; l < L; l++ {
			counts[l] += 0.5 // a level never seen is rare, not impossible
			rest += counts[l]
		}
		u := make([]float64, L)
		u[1] = max(exact, 1e-12)
		for l := 2; l < L; l++ {
			u[l] = (1 - u[1]) * counts[l] / rest
		}
		m.U[c] = u
		m.uExact[c] = u[1]
	}
}

// exactShare is the chance that two random records, both with the field,
// share its value.
func exactShare(res *Result, field func(p *prepared) string) float64 {
	count := func(ps []prepared) (map[string]float64, float64) {
		m := map[string]float64{}
		n := 0.0
		for i := range ps {
			if v := field(&ps[i]); v != "" {
				m[v]++
				n++
			}
		}
		return m, n
	}
	cl, nl := count(res.left)
	if res.dedupe {
		if nl < 2 {
			return 0
		}
		s := 0.0
		for _, c := range cl {
			s += c * (c - 1)
		}
		return s / (nl * (nl - 1))
	}
	cr, nr := count(res.right)
	if nl == 0 || nr == 0 {
		return 0
	}
	s := 0.0
	for v, c := range cl {
		s += c * cr[v]
	}
	return s / (nl * nr)
}

// estimateTF counts each name's share of the records, for term-frequency
// adjustment: sharing a rare name says more than sharing a common one.
func (m *Model) estimateTF(res *Result) {
	m.tf = make([]map[string]float64, len(m.comps))
	for c, cmp := range m.comps {
		if !cmp.tf {
			continue
		}
		counts := map[string]float64{}
		n := 0.0
		add := func(ps []prepared) {
			for i := range ps {
				if v := cmp.exact(&ps[i]); v != "" {
					counts[v]++
					n++
				}
			}
		}
		add(res.left)
		if !res.dedupe {
			add(res.right)
		}
		for v := range counts {
			counts[v] /= n
		}
		m.tf[c] = counts
	}
}

// em estimates m and the prior by expectation-maximisation over the
// candidate pairs' patterns of levels, without labels. u is estimated
// among the candidates too while it runs (blocking makes non-matches
// agree more there than at random), but scoring uses the random sample's
// u and a prior for all pairs, so that a weight means the same whichever
// rule made the pair.
func (m *Model) em(lv []uint8, npairs, total int) {
	k := len(m.comps)
	patterns := map[string]float64{}
	for i := 0; i < npairs; i++ {
		patterns[string(lv[i*k:(i+1)*k])]++
	}
	type pat struct {
		lv []uint8
		n  float64
	}
	ps := make([]pat, 0, len(patterns))
	m.N = make([][]int, k)
	for c := range m.N {
		m.N[c] = make([]int, len(m.comps[c].levels))
	}
	for s, n := range patterns {
		ps = append(ps, pat{[]uint8(s), n})
		for c, l := range []uint8(s) {
			m.N[c][l] += int(n)
		}
	}
	mm := make([][]float64, k)
	uu := make([][]float64, k)
	for c, cmp := range m.comps {
		L := len(cmp.levels)
		mm[c] = make([]float64, L)
		// Start from "a match mostly agrees": the top level 0.8, the rest
		// falling away, "different" least.
		rest := 0.2
		for l := 1; l < L; l++ {
			if l == 1 {
				mm[c][l] = 0.8
				continue
			}
			mm[c][l] = rest / float64(L-2)
		}
		uu[c] = append([]float64(nil), m.U[c]...)
	}
	// Start the prior at about one match per record: √(all pairs) is the
	// records of one side in a link of two files of a size.
	lambda := 0.5
	if npairs > 0 {
		lambda = min(0.5, math.Sqrt(float64(total))/float64(npairs))
	}
	const alpha = 0.5 // additive smoothing: no level is impossible for a match
	it := 0
	for ; it < 200; it++ {
		cm := make([][]float64, k)
		cu := make([][]float64, k)
		for c := range cm {
			cm[c] = make([]float64, len(mm[c]))
			cu[c] = make([]float64, len(mm[c]))
		}
		sw, sn := 0.0, 0.0
		for _, p := range ps {
			pm, pu := lambda, 1-lambda
			for c, l := range p.lv {
				if l != 0 {
					pm *= mm[c][l]
					pu *= uu[c][l]
				}
			}
			w := pm / (pm + pu)
			sw += p.n * w
			sn += p.n
			for c, l := range p.lv {
				cm[c][l] += p.n * w
				cu[c][l] += p.n * (1 - w)
			}
		}
		change := math.Abs(sw/sn - lambda)
		lambda = sw / sn
		for c := range mm {
			sm, su := 0.0, 0.0
			for l := 1; l < len(cm[c]); l++ {
				sm += cm[c][l] + alpha
				su += cu[c][l] + alpha
			}
			for l := 1; l < len(cm[c]); l++ {
				v := (cm[c][l] + alpha) / sm
				change = max(change, math.Abs(v-mm[c][l]))
				mm[c][l] = v
				uu[c][l] = (cu[c][l] + alpha) / su
			}
		}
		if change < 1e-6 {
			break
		}
	}
	m.Iterations = it + 1
	m.M = mm
	if total > 0 {
		m.Lambda = lambda * float64(npairs) / float64(total)
	}
	m.bf = make([][]float64, k)
	for c := range mm {
		m.bf[c] = make([]float64, len(mm[c]))
		for l := 1; l < len(mm[c]); l++ {
			m.bf[c][l] = math.Log2(mm[c][l] / m.U[c][l])
		}
	}
}

// tfAdjust is the term-frequency part of an exact agreement on v: how much
// rarer (or commoner) v is than the typical shared value.
func (m *Model) tfAdjust(c int, v string) float64 {
	t := m.tf[c][v]
	if t <= 0 {
		return 0
	}
	return math.Log2(m.uExact[c] / t)
}

// prior is the weight of the prior alone.
func (m *Model) prior() float64 { return math.Log2(m.Lambda / (1 - m.Lambda)) }

// tfOf is the term-frequency adjustment of comparison c at level l: at the
// exact level when both records hold the same value (a swapped name is
// exact against the other field, and gets none).
func (m *Model) tfOf(c int, l uint8, a, b *prepared) float64 {
	if l != 1 || !m.comps[c].tf {
		return 0
	}
	if v := m.comps[c].exact(a); v == m.comps[c].exact(b) {
		return m.tfAdjust(c, v)
	}
	return 0
}

// weight is a pair's match weight: the prior plus each comparison's.
func (m *Model) weight(a, b *prepared, lv []uint8) float64 {
	w := m.prior()
	for c, l := range lv {
		if l != 0 {
			w += m.bf[c][l] + m.tfOf(c, l, a, b)
		}
	}
	return w
}

func probability(w float64) float64 { return 1 / (1 + math.Exp2(-w)) }

// Score scores two records with the model, explaining the weight
// comparison by comparison. It is symmetric: Score(a, b) is Score(b, a).
func (m *Model) Score(a, b Record) (Pair, []Term) {
	pa, pb := prepare(a), prepare(b)
	lv := make([]uint8, len(m.comps))
	for c := range m.comps {
		lv[c] = m.comps[c].level(&pa, &pb)
	}
	w := m.weight(&pa, &pb, lv)
	return Pair{Weight: w, Probability: probability(w)}, m.terms(&pa, &pb, lv)
}

func (m *Model) terms(a, b *prepared, lv []uint8) []Term {
	ts := make([]Term, 0, len(lv)+1)
	ts = append(ts, Term{Comparison: "prior", Weight: m.prior()})
	for c, l := range lv {
		t := Term{Comparison: m.comps[c].name, Level: m.comps[c].levels[l]}
		if l != 0 {
			t.TF = m.tfOf(c, l, a, b)
			t.Weight = m.bf[c][l] + t.TF
		}
		ts = append(ts, t)
	}
	return ts
}

// Explain gives pair i's weight comparison by comparison, the prior first.
func (res *Result) Explain(i int) []Term {
	k := len(res.Model.comps)
	p := res.Pairs[i]
	return res.Model.terms(&res.left[p.Left], &res.right[p.Right], res.levels[i*k:(i+1)*k])
}

// IDs gives pair i's records' own ids.
func (res *Result) IDs(i int) (string, string) {
	p := res.Pairs[i]
	return res.leftIDs[p.Left], res.rightIDs[p.Right]
}
