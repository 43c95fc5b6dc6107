package persons

import (
	"bytes"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	edlib "github.com/hbollon/go-edlib"
)

// The string measures are held to go-edlib's, the library they stand in
// for (strsim.go says why).
func TestStringMeasuresAgreeWithEdlib(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	alphabets := []string{"ab", "abcde", "aeinorst", "0123456789", "aéöłß-"}
	word := func() string {
		al := []rune(alphabets[rng.IntN(len(alphabets))])
		n := rng.IntN(12)
		var b strings.Builder
		for range n {
			b.WriteRune(al[rng.IntN(len(al))])
		}
		return b.String()
	}
	for range 20000 {
		a, b := word(), word()
		if got, want := jaroWinkler(a, b), float64(edlib.JaroWinklerSimilarity(a, b)); math.Abs(got-want) > 1e-6 {
			t.Fatalf("Jaro-Winkler(%q, %q) = %v, go-edlib says %v", a, b, got, want)
		}
		if got, want := osa(a, b), edlib.OSADamerauLevenshteinDistance(a, b); got != want {
			t.Fatalf("osa(%q, %q) = %d, go-edlib says %d", a, b, got, want)
		}
	}
}

func TestDigitEditsNeverUnderOSA(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{{"19770501", "19770501", 0}, {"19770501", "19770510", 1}, {"19770501", "19770601", 1},
		{"19770501", "19710701", 2}, {"123", "231", 3}} {
		if got := digitEdits(c.a, c.b); got != c.want || got < osa(c.a, c.b) {
			t.Errorf("digitEdits(%q, %q) = %d, want %d (osa %d)", c.a, c.b, got, c.want, osa(c.a, c.b))
		}
	}
}

func TestLevels(t *testing.T) {
	p := func(r Record) *prepared { x := prepare(r); return &x }
	for _, c := range []struct {
		what string
		got  uint8
		want uint8
	}{
		{"swapped names", givenLevel(p(Record{Given: "Mikhayla", Family: "Hannagan"}),
			p(Record{Given: "hannagan", Family: "mikhayla"})), nameSwapped},
		{"nickname", givenLevel(p(Record{Given: "William"}), p(Record{Given: "Bill"})), nameNickname},
		{"initial", givenLevel(p(Record{Given: "J."}), p(Record{Given: "Jonathan"})), nameInitial},
		{"O'Brien", familyLevel(p(Record{Family: "O'Brien"}), p(Record{Family: "obrien"})), nameExact},
		{"typo", familyLevel(p(Record{Family: "Hannagan"}), p(Record{Family: "Hannaagn"})), nameJW92},
		{"British date", dobLevel(p(Record{DOB: "02/01/1980"}), p(Record{DOB: "1980-01-02"})), 1},
		{"day and month", dobLevel(p(Record{DOB: "19800102"}), p(Record{DOB: "19800201"})), 2},
		{"one digit", dobLevel(p(Record{DOB: "19800102"}), p(Record{DOB: "19800103"})), 3},
		{"year only", dobLevel(p(Record{DOB: "19800102"}), p(Record{DOB: "19801129"})), 5},
		{"postcode spacing", postcodeLevel(p(Record{Postcode: "LS1 4AB"}), p(Record{Postcode: "ls14ab"})), 1},
		{"postcode district", postcodeLevel(p(Record{Postcode: "LS1 4AB"}), p(Record{Postcode: "LS1 9ZZ"})), 3},
		{"phone formats", numberLevel(func(p *prepared) string { return p.phone })(
			p(Record{Phone: "07700 900123"}), p(Record{Phone: "+44 (0)7700 900123"})), 1},
		{"address word order", addressLevel(0)(p(Record{Address: []string{"Flat 2, 12 High St"}}),
			p(Record{Address: []string{"12 High St Flat 2"}})), 2},
	} {
		if c.got != c.want {
			t.Errorf("%s: level %d, want %d", c.what, c.got, c.want)
		}
	}
}

var (
	modelOnce sync.Once
	model     *Model
)

// trained is a model trained on FEBRL dataset1 (1,000 records).
func trained(t *testing.T) *Model {
	modelOnce.Do(func() {
		recs := readFEBRL(t, "dataset1.csv", true)
		model = Dedupe(recs, Options{}).Model
	})
	if model == nil {
		t.Fatal("no model")
	}
	return model
}

// randomRecord makes a record from FEBRL-like values with typos, swaps,
// blanks, other formats and letters beyond ASCII.
func randomRecord(rng *rand.Rand) Record {
	pick := func(vs ...string) string { return vs[rng.IntN(len(vs))] }
	typo := func(s string) string {
		if s == "" || rng.IntN(3) > 0 {
			return s
		}
		r := []rune(s)
		i := rng.IntN(len(r))
		r[i] = []rune(pick("a", "e", "x", "ö", "1"))[0]
		return string(r)
	}
	r := Record{
		Given:      typo(pick("", "william", "Bill", "J.", "mikhayla", "Zoë", "sam")),
		Family:     typo(pick("", "hannagan", "O'Brien", "smith-jones", "mason", "Smith")),
		DOB:        typo(pick("", "19770501", "1977-05-01", "01/05/1977", "19770105", "1977")),
		Postcode:   typo(pick("", "2257", "LS1 4AB", "ls14ab")),
		Phone:      pick("", "07700 900123", "+44 7700 900124", "12"),
		Identifier: typo(pick("", "1030769", "1030796")),
		Address:    []string{typo(pick("", "20", "2")), typo(pick("", "rupp place", "place rupp", "windradyen st"))},
	}
	if rng.IntN(5) == 0 {
		r.Given, r.Family = r.Family, r.Given
	}
	return r
}

// Matching is symmetric, and a record with a name and a date of birth
// matches itself.
func TestScoreProperties(t *testing.T) {
	m := trained(t)
	rng := rand.New(rand.NewPCG(19, 19))
	for range 1000 {
		a, b := randomRecord(rng), randomRecord(rng)
		pab, tab := m.Score(a, b)
		pba, tba := m.Score(b, a)
		if pab.Weight != pba.Weight || !reflect.DeepEqual(levelsOf(tab), levelsOf(tba)) {
			t.Fatalf("not symmetric:\n%+v\n%+v\n%v %v\n%v\n%v", a, b, pab.Weight, pba.Weight, tab, tba)
		}
		if a.Given == "" || a.Family == "" || a.DOB == "" {
			continue
		}
		if self, terms := m.Score(a, a); self.Probability < 0.99 {
			t.Fatalf("%+v matches itself with probability %v only: %v", a, self.Probability, terms)
		}
	}
}

func levelsOf(ts []Term) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Comparison+"="+t.Level)
	}
	return out
}

func TestModelIsADistribution(t *testing.T) {
	m := trained(t)
	if m.Lambda <= 0 || m.Lambda >= 1 {
		t.Fatalf("prior %v", m.Lambda)
	}
	for c := range m.M {
		sm, su := 0.0, 0.0
		for l := 1; l < len(m.M[c]); l++ {
			if m.M[c][l] <= 0 || m.U[c][l] <= 0 {
				t.Errorf("%s %s: m %v u %v", m.comps[c].name, m.comps[c].levels[l], m.M[c][l], m.U[c][l])
			}
			sm += m.M[c][l]
			su += m.U[c][l]
		}
		if math.Abs(sm-1) > 1e-9 || math.Abs(su-1) > 1e-9 {
			t.Errorf("%s: m sums to %v, u to %v", m.comps[c].name, sm, su)
		}
	}
}

func TestReadPersonsReportsEveryProblem(t *testing.T) {
	in := "id, name\n1, a\n2\n3, c, d\n"
	_, err := ReadPersons(strings.NewReader(in), Columns{ID: "id", Given: "name", Family: "surname", DOB: "born"})
	if err == nil || !strings.Contains(err.Error(), `"surname"`) || !strings.Contains(err.Error(), `"born"`) {
		t.Fatalf("want both missing columns named, got %v", err)
	}
	_, err = ReadPersons(strings.NewReader(in), Columns{ID: "id", Given: "name"})
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "line 4") {
		t.Fatalf("want lines 3 and 4 named, got %v", err)
	}
	recs, err := ReadPersons(strings.NewReader("\ufeffRec_ID,Given\r\nrec-1-org,Ann\r\nrec-1-dup-0,Anne"),
		Columns{Truth: "rec_id", Given: "given"})
	if err != nil || len(recs) != 2 || recs[1].Entity != "rec-1" || recs[1].ID != "rec-1-dup-0" {
		t.Fatalf("got %+v, %v", recs, err)
	}
}

func FuzzReadPersons(f *testing.F) {
	f.Add([]byte("rec_id, given_name, surname, date_of_birth, postcode\nrec-1-org, ann, lee, 19800102, 2257\n"+
		"rec-1-dup-0, lee, ann, 19800201, 2275\n"), "rec_id", "given_name", "postcode")
	f.Add([]byte("id,name,\"addr\"\n1,\"a,b\",x\n2,\"unterminated\n"), "id", "name", "addr")
	f.Add([]byte("\ufeffa;b\n1;2\n"), "a", "", "")
	f.Fuzz(func(t *testing.T, data []byte, id, given, addr string) {
		cols := Columns{ID: id, Given: given, Address: []string{addr}}
		recs, err := ReadPersons(bytes.NewReader(data), cols)
		if err != nil {
			if recs != nil || err.Error() == "" {
				t.Fatalf("an error (%v) comes with records or without words", err)
			}
			return
		}
		for _, r := range recs {
			if r.ID == "" || len(r.Address) != 1 {
				t.Fatalf("record %+v has no id or not one address field", r)
			}
		}
		if len(recs) <= 40 {
			res := Dedupe(recs, Options{USamples: 200})
			for i := range res.Pairs {
				if p := res.Pairs[i].Probability; !(p >= 0 && p <= 1) {
					t.Fatalf("probability %v", p)
				}
			}
		}
	})
}

func TestLongStringsAgreeWithEdlib(t *testing.T) {
	a := strings.Repeat("abcdefghij", 8)
	b := strings.Repeat("abcdefghji", 7) + "xyz"
	if got, want := jaroWinkler(a, b), float64(edlib.JaroWinklerSimilarity(a, b)); math.Abs(got-want) > 1e-6 {
		t.Fatalf("Jaro-Winkler of long strings %v, go-edlib says %v", got, want)
	}
	if got, want := osa(a, b), edlib.OSADamerauLevenshteinDistance(a, b); got != want {
		t.Fatalf("osa of long strings %d, go-edlib says %d", got, want)
	}
}

// A key shared by too many records makes no pairs and is counted.
func TestBlockSkipsKeysSharedTooWidely(t *testing.T) {
	recs := make([]Record, 400)
	for i := range recs {
		recs[i] = Record{Given: "john", Family: "smith", DOB: "1980010" + string(rune('1'+i%9))}
	}
	res := Dedupe(recs, Options{USamples: 1000})
	for _, r := range res.Rules {
		if r.Name == "given name and family initial" && (r.SkippedKeys != 1 || r.Pairs != 0) {
			t.Errorf("%s: %d pairs, %d keys skipped; want 0 and 1 (400 records make 79,800 pairs)", r.Name, r.Pairs,
				r.SkippedKeys)
		}
		if r.Name == "date of birth" && (r.SkippedKeys != 0 || r.Pairs == 0) {
			t.Errorf("%s: %d pairs, %d keys skipped", r.Name, r.Pairs, r.SkippedKeys)
		}
	}
}

// Similarity costs the square of the length: a huge field is compared on
// its first characters, not for minutes.
func TestHugeFieldsAreClipped(t *testing.T) {
	huge := strings.Repeat("ab", 500_000)
	recs := []Record{{Given: huge, Address: []string{huge}}, {Given: huge + "x", Address: []string{"b" + huge}}}
	done := make(chan struct{})
	go func() {
		Dedupe(recs, Options{USamples: 10})
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("two records with fields of a million characters took more than 20 s")
	}
}
