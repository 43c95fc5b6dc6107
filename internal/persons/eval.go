package persons

import (
	"math"
	"strings"
)

// Metrics are pairwise precision, recall and F1 of the pairs classed as
// matches at a threshold, against the ground truth.
type Metrics struct {
	Threshold   float64 // match probability at or above which a pair is a match
	TP, FP, FN  int
	Precision   float64
	Recall      float64
	F1          float64
	MatchWeight float64 // the threshold as a match weight
}

// RuleCompleteness is a blocking rule's pairs and the true pairs among them.
type RuleCompleteness struct {
	Name         string
	Pairs        int
	SkippedKeys  int
	TruePairs    int
	Completeness float64 // share of all true pairs that the rule makes candidates
}

// Evaluation measures a run against its records' Entity.
type Evaluation struct {
	TruePairs    int // pairs of records of one person
	Candidates   int // pairs blocking made
	Found        int // true pairs among the candidates
	Completeness float64
	Rules        []RuleCompleteness
	At           []Metrics // at each threshold asked for
	Best         Metrics   // at the threshold of the highest F1
}

// FEBRLEntity is the person a FEBRL rec_id names: "rec-10-dup-2" and
// "rec-10-org" are both "rec-10". Any other value is its own entity id.
func FEBRLEntity(recID string) string {
	if strings.HasPrefix(recID, "rec-") {
		if i := strings.IndexByte(recID[4:], '-'); i >= 0 {
			return recID[:4+i]
		}
	}
	return recID
}

// truePairs counts the pairs of records that share an entity.
func truePairs(left, right []string, dedupe bool) int {
	count := func(es []string) map[string]int {
		m := map[string]int{}
		for _, e := range es {
			if e != "" {
				m[e]++
			}
		}
		return m
	}
	cl := count(left)
	n := 0
	if dedupe {
		for _, c := range cl {
			n += c * (c - 1) / 2
		}
		return n
	}
	cr := count(right)
	for e, c := range cl {
		n += c * cr[e]
	}
	return n
}

func (res *Result) same(l, r int) bool {
	return res.leftEnt[l] != "" && res.leftEnt[l] == res.rightEnt[r]
}

// Evaluate measures the run against the records' Entity at each
// threshold (a match probability) and at the best one.
func (res *Result) Evaluate(thresholds ...float64) Evaluation {
	ev := Evaluation{TruePairs: truePairs(res.leftEnt, res.rightEnt, res.dedupe), Candidates: len(res.Pairs)}
	for _, p := range res.Pairs {
		if res.same(p.Left, p.Right) {
			ev.Found++
		}
	}
	ev.Completeness = ratio(ev.Found, ev.TruePairs)
	for _, r := range res.Rules {
		rc := RuleCompleteness{Name: r.Name, Pairs: r.Pairs, SkippedKeys: r.SkippedKeys}
		for _, k := range r.keys {
			if l, rr := unpack(k); res.same(l, rr) {
				rc.TruePairs++
			}
		}
		rc.Completeness = ratio(rc.TruePairs, ev.TruePairs)
		ev.Rules = append(ev.Rules, rc)
	}
	for _, t := range thresholds {
		mt := Metrics{Threshold: t, MatchWeight: weightOf(t)}
		for _, p := range res.Pairs {
			if p.Probability < t {
				break // Pairs are in order of weight
			}
			if res.same(p.Left, p.Right) {
				mt.TP++
			} else {
				mt.FP++
			}
		}
		ev.At = append(ev.At, finish(mt, ev.TruePairs))
	}
	// The best threshold: walk down the pairs, strongest first, keeping the
	// cut with the highest F1. Ties in weight are cut together.
	tp, fp := 0, 0
	best := finish(Metrics{Threshold: 1, MatchWeight: math.Inf(1)}, ev.TruePairs)
	for i, p := range res.Pairs {
		if res.same(p.Left, p.Right) {
			tp++
		} else {
			fp++
		}
		if i+1 < len(res.Pairs) && res.Pairs[i+1].Weight == p.Weight {
			continue
		}
		mt := finish(Metrics{TP: tp, FP: fp, Threshold: p.Probability, MatchWeight: p.Weight}, ev.TruePairs)
		if mt.F1 > best.F1 {
			best = mt
		}
	}
	ev.Best = best
	return ev
}

func finish(m Metrics, truth int) Metrics {
	m.FN = truth - m.TP
	m.Precision = ratio(m.TP, m.TP+m.FP)
	m.Recall = ratio(m.TP, truth)
	if m.Precision+m.Recall > 0 {
		m.F1 = 2 * m.Precision * m.Recall / (m.Precision + m.Recall)
	}
	return m
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// weightOf is the match weight of a probability.
func weightOf(p float64) float64 { return math.Log2(p / (1 - p)) }

// exactRules are the exact rules of issue 19's baseline: the same
// identifier, or the same given name, family name and date of birth.
var exactRules = []rule{
	{"identifier", "identifier", func(p *prepared) []string { return one(p.ident) }},
	{"name and date of birth", "name_dob", func(p *prepared) []string {
		if p.givenS == "" || p.familyS == "" || p.dob == "" {
			return nil
		}
		return one(p.givenS + "|" + p.familyS + "|" + p.dob)
	}},
}

// ExactBaseline measures the exact rules alone (the same identifier, or the
// same names and date of birth), which a matcher must beat. With dedupe,
// right is ignored and pairs are within left.
func ExactBaseline(left, right []Record, dedupe bool) Metrics {
	l, _, le := prepareAll(left)
	r, re := []prepared(nil), le
	if !dedupe {
		r, _, re = prepareAll(right)
	}
	mt := Metrics{Threshold: 1}
	pairs, _ := block(l, r, exactRules)
	for _, k := range union(pairs) {
		a, b := unpack(k)
		if le[a] != "" && le[a] == re[b] {
			mt.TP++
		} else {
			mt.FP++
		}
	}
	return finish(mt, truePairs(le, re, dedupe))
}

// Same says whether pair i's records are one person by the ground truth.
func (res *Result) Same(i int) bool {
	p := res.Pairs[i]
	return res.same(p.Left, p.Right)
}
