package store

import (
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
)

// FuzzCaseTermsPairs: the find index's name pairs (TermPair) of a case
// with a victim, a suspect and a witness are exactly the pairs of two
// different words of one person's name (of its first seven words and its
// last), each labelled with every person whose name holds both: no pair
// ever joins a word of one person to a word of another (Mark Green and
// Yusuf Okafor make no "green yusuf").
func FuzzCaseTermsPairs(f *testing.F) {
	f.Add("Yusuf Green", "Mark Green", "Yusuf Okafor")
	f.Add("Ann Smith", "ann smith", "Smith, Ann")
	f.Add("Mary-Jane O'Neill", "Jo", "")
	f.Add("a b c d e f g h i j k", "Zoë Adébáyọ̀ Zoë", "green green")
	f.Add("one two three four five six seven eight nine ten", "x; y", "Victim: Someone")
	f.Fuzz(func(t *testing.T, victim, suspect, witness string) {
		c := &domain.Case{ID: "c1",
			Victims:  []domain.Victim{{ID: "v1", Name: victim}},
			Suspects: []domain.Suspect{{ID: "s1", Name: suspect}},
			People:   []domain.Person{{ID: "p1", Name: witness, Role: "witness"}},
		}
		type person struct{ label, name string }
		people := []person{{"Victim: " + victim, victim}, {"Suspect: " + c.Suspects[0].Label(60), suspect},
			{"Witness: " + witness, witness}}
		want := map[string][]string{} // pair → labels
		for _, p := range people {
			var ws []string
			for _, w := range NameWords(p.name) {
				if !slices.Contains(ws, w) {
					ws = append(ws, w)
				}
			}
			if len(ws) > pairWordsMost {
				ws = append(ws[:pairWordsMost-1], ws[len(ws)-1])
			}
			for i := range ws {
				for j := i + 1; j < len(ws); j++ {
					k := PairTerm(ws[i], ws[j])
					if !slices.Contains(want[k], p.label) {
						want[k] = append(want[k], p.label)
					}
				}
			}
		}
		got := map[string][]string{}
		for _, r := range caseTerms(c) {
			if r[1] == TermPair {
				got[r[2]] = strings.Split(r[3], "; ")
			}
			if r[1] == TermDigest && !strings.HasPrefix(r[2], TermsShape) {
				t.Errorf("the digest row %q is not of the present shape %q", r[2], TermsShape)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("pairs %q, want %q", got, want)
		}
		for k, labels := range want {
			// A label holding "; " splits in two: compare joined.
			if strings.Join(got[k], "; ") != strings.Join(labels, "; ") {
				t.Errorf("pair %q labelled %q, want %q", k, got[k], labels)
			}
			a, b, _ := strings.Cut(k, " ")
			if a >= b || strings.Contains(b, " ") {
				t.Errorf("pair %q is not two different words in order", k)
			}
		}
	})
}
