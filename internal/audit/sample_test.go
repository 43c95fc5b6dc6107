package audit_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
)

// TestWilsonKnownValues checks the interval against the worked examples
// of Newcombe (1998), "Two-sided confidence intervals for the single
// proportion", Statistics in Medicine 17:857–872, Table I (method 3), and
// the textbook 1/10 and 5/10.
func TestWilsonKnownValues(t *testing.T) {
	for _, tc := range []struct {
		x, n   int
		lo, hi float64
	}{
		{81, 263, 0.2553, 0.3662},
		{15, 148, 0.0624, 0.1605},
		{0, 20, 0, 0.1611},
		{1, 29, 0.0061, 0.1718},
		{0, 10, 0, 0.2775},
		{1, 10, 0.0179, 0.4042},
		{5, 10, 0.2366, 0.7634},
		{10, 10, 0.7225, 1},
		// HMICFRS (../shared/domain.md §6): 38 of 76 outcome-16 closures unchecked.
		{38, 76, 0.3903, 0.6097},
	} {
		lo, hi := audit.Wilson(tc.x, tc.n)
		if math.Abs(lo-tc.lo) > 0.00005 || math.Abs(hi-tc.hi) > 0.00005 {
			t.Errorf("Wilson(%d, %d) = [%.4f, %.4f], want [%.4f, %.4f]", tc.x, tc.n, lo, hi, tc.lo, tc.hi)
		}
	}
	if lo, hi := audit.Wilson(0, 0); lo != 0 || hi != 1 {
		t.Errorf("Wilson(0, 0) = [%v, %v]: with no reviews nothing is known, want [0, 1]", lo, hi)
	}
}

// TestWilsonProperties: the interval lies in [0, 1], contains the observed
// rate, mirrors for errors and non-errors, and narrows as reviews grow.
func TestWilsonProperties(t *testing.T) {
	for n := 1; n <= 300; n++ {
		for x := 0; x <= n; x++ {
			lo, hi := audit.Wilson(x, n)
			p := float64(x) / float64(n)
			if !(0 <= lo && lo <= p+1e-12 && p-1e-12 <= hi && hi <= 1) {
				t.Fatalf("Wilson(%d, %d) = [%v, %v] does not hold %v within [0, 1]", x, n, lo, hi, p)
			}
			mlo, mhi := audit.Wilson(n-x, n)
			if math.Abs(lo-(1-mhi)) > 1e-12 || math.Abs(hi-(1-mlo)) > 1e-12 {
				t.Fatalf("Wilson(%d, %d) is not the mirror of Wilson(%d, %d)", x, n, n-x, n)
			}
		}
	}
	prev := 1.0
	for n := 2; n <= 2000; n += 2 {
		lo, hi := audit.Wilson(n/2, n)
		if w := hi - lo; w >= prev {
			t.Fatalf("width at n=%d (%v) is not narrower than before (%v)", n, w, prev)
		} else {
			prev = w
		}
	}
	r := audit.NewRate(81, 263)
	if r.String() != "30.8% (95% CI 25.5%–36.6%, 81 of 263)" {
		t.Errorf("rate reads %q", r.String())
	}
}

// TestSampleSizeKnownValues: the familiar figures for ±5% at 95% with
// p = 0.5 (385 for a large population; 278 of 1,000; 369 of 9,000).
func TestSampleSizeKnownValues(t *testing.T) {
	for _, tc := range []struct {
		pop      int
		margin   float64
		expected float64
		want     int
	}{
		{1_000_000_000, 0.05, 0.5, 385},
		{100, 0.05, 0.5, 80},
		{1000, 0.05, 0.5, 278},
		{9000, 0.05, 0.5, 369}, // the Metropolitan Police's 9,000 (../shared/domain.md §1)
		{1273, 0.03, 0.5, 581}, // Beaconport's 1,273 files at ±3%
		{9000, 0.03, 0.2, 635}, // a rate expected near 20%
		// The table in docs/audits.md.
		{100, 0.03, 0.5, 92},
		{1000, 0.03, 0.5, 517},
		{1273, 0.05, 0.5, 296},
		{9000, 0.03, 0.5, 955},
		{1_000_000_000, 0.03, 0.5, 1068},
		{10, 0.05, 0.5, 10}, // small populations are read whole
		{1, 0.05, 0.5, 1},
		{0, 0.05, 0.5, 0},
	} {
		if got := audit.SampleSize(tc.pop, tc.margin, tc.expected); got != tc.want {
			t.Errorf("SampleSize(%d, %v, %v) = %d, want %d", tc.pop, tc.margin, tc.expected, got, tc.want)
		}
	}
	// Properties: never more than the population; more cases or a
	// tighter margin never need fewer reviews.
	for pop := 1; pop < 5000; pop += 37 {
		for _, m := range []float64{0.01, 0.02, 0.05, 0.1, 0.2} {
			n := audit.SampleSize(pop, m, 0.5)
			if n < 1 || n > pop {
				t.Fatalf("SampleSize(%d, %v) = %d outside [1, %d]", pop, m, n, pop)
			}
			if n2 := audit.SampleSize(pop+37, m, 0.5); n2 < n {
				t.Fatalf("SampleSize fell from %d to %d as the population grew past %d", n, n2, pop)
			}
			if m < 0.2 {
				if wider := audit.SampleSize(pop, m*2, 0.5); wider > n {
					t.Fatalf("a wider margin needs more reviews at %d", pop)
				}
			}
		}
	}
}

func refs(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("CSE/2026/%06d", i+1)
	}
	return out
}

// TestDrawIsReproducible: the draw depends only on the seed and the set
// of references, follows the documented formula, and adding a case never
// reorders the others.
func TestDrawIsReproducible(t *testing.T) {
	// The documented formula (docs/audits.md), pinned against sha256sum.
	if got := audit.DrawKey("holdfast-2026", "CSE/2026/000001"); got != "fffc1ae6ca7ff6107f3ffc7665113361b46de3ebb89b9eb3e1b2ef0674cab2af" {
		t.Fatalf("draw key %s: the documented formula has changed", got)
	}
	if got := audit.PopulationHash([]string{"CSE/2026/000002", "CSE/2026/000001"}); got != "02b0f56da602f953151444788f951bd942f2ce02e543e837100af936c5ed215b" {
		t.Fatalf("population hash %s: the documented formula has changed", got)
	}
	pop := refs(500)
	first := audit.Draw("seed-1", pop, 40)
	if len(first) != 40 {
		t.Fatalf("drew %d, want 40", len(first))
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20; i++ {
		shuffled := slices.Clone(pop)
		r.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		shuffled = append(shuffled, shuffled[:10]...) // duplicates count once
		if again := audit.Draw("seed-1", shuffled, 40); !slices.Equal(again, first) {
			t.Fatalf("the same seed and population drew differently after shuffling")
		}
	}
	if other := audit.Draw("seed-2", pop, 40); slices.Equal(other, first) {
		t.Fatal("a different seed drew the same sample")
	}
	// Every case is equally likely: over many seeds each case of 20 is
	// drawn about a quarter of the time when 5 are drawn.
	counts := map[string]int{}
	small := refs(20)
	const seeds = 4000
	for s := 0; s < seeds; s++ {
		for _, ref := range audit.Draw(fmt.Sprint("s", s), small, 5) {
			counts[ref]++
		}
	}
	for _, ref := range small {
		if got := float64(counts[ref]) / seeds; math.Abs(got-0.25) > 0.035 {
			t.Errorf("%s drawn in %.3f of draws, want about 0.25", ref, got)
		}
	}
	// Adding a case keeps the others in the same order.
	full := audit.Draw("seed-1", pop, len(pop))
	more := audit.Draw("seed-1", append(slices.Clone(pop), "CSE/2026/999999"), len(pop)+1)
	var without []string
	for _, ref := range more {
		if ref != "CSE/2026/999999" {
			without = append(without, ref)
		}
	}
	if !slices.Equal(without, full) {
		t.Fatal("adding a case reordered the others")
	}
}

// TestPlan: random picks first, then the riskiest cases not yet drawn,
// never a case twice and never one with no risk at all.
func TestPlan(t *testing.T) {
	var queue []audit.Entry
	for i, ref := range refs(30) {
		queue = append(queue, audit.Entry{Ref: ref, Score: i % 7 * 10})
	}
	picks := audit.Plan(queue, "plan-seed", 10, 5)
	if len(picks) != 15 {
		t.Fatalf("%d picks, want 10 random and 5 risk", len(picks))
	}
	seen := map[string]bool{}
	for i, p := range picks {
		if seen[p.Ref] {
			t.Fatalf("%s picked twice", p.Ref)
		}
		seen[p.Ref] = true
		want := domain.DrawnRandom
		if i >= 10 {
			want = domain.DrawnRisk
		}
		if p.Drawn != want {
			t.Fatalf("pick %d drawn %q, want %q", i, p.Drawn, want)
		}
	}
	for i := 11; i < 15; i++ {
		if picks[i].Score > picks[i-1].Score {
			t.Fatalf("risk picks not in score order: %+v", picks[10:])
		}
	}
	for _, e := range queue {
		if !seen[e.Ref] && e.Score > picks[14].Score {
			t.Fatalf(
				"%s (score %d) left out while %s (score %d) was picked for risk",
				e.Ref,
				e.Score,
				picks[14].Ref,
				picks[14].Score,
			)
		}
	}
	if again := audit.Plan(queue, "plan-seed", 10, 5); !reflect.DeepEqual(again, picks) {
		t.Fatal("the same plan drew differently")
	}
	zero := []audit.Entry{{Ref: "A"}, {Ref: "B"}}
	if p := audit.Plan(zero, "s", 0, 5); len(p) != 0 {
		t.Fatalf("cases with no risk were added for risk: %+v", p)
	}
}
