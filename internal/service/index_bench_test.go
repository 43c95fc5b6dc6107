package service

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// syllables make invented names: enough of them that a large index has
// the spread of a real one (thousands of family names, hundreds of given).
var syllables = []string{"ab", "al", "an", "ar", "ba", "be", "da", "el", "fa", "ga", "ha", "is", "ja", "ka",
	"la", "ma", "mo", "na", "ol", "pa", "ra", "sa", "ta", "ul", "va", "wa", "ya", "za"}

func inventedName(r *rand.Rand, parts int) string {
	s := ""
	for range parts {
		s += syllables[r.IntN(len(syllables))]
	}
	return string(s[0]-32) + s[1:]
}

// inventedSuspect is one synthetic person with every field an index holds.
func inventedSuspect(r *rand.Rand, id string) domain.Suspect {
	return domain.Suspect{
		ID:          id,
		Name:        inventedName(r, 2) + " " + inventedName(r, 3),
		DateOfBirth: fmt.Sprintf("%04d-%02d-%02d", 1950+r.IntN(55), 1+r.IntN(12), 1+r.IntN(28)),
		Phone:       fmt.Sprintf("07%03d %06d", 100+r.IntN(900), r.IntN(1_000_000)),
		Address: fmt.Sprintf("%d %s Road, %s %c%c%d %d%c%c", 1+r.IntN(200), inventedName(r, 2),
			inventedName(r, 2), 'A'+r.IntN(26), 'A'+r.IntN(26), 1+r.IntN(20), r.IntN(10), 'A'+r.IntN(26),
			'A'+r.IntN(26)),
		Status: domain.SuspectIdentified,
	}
}

// fillIndex writes n people (ten suspects a case) straight through the
// store, as an import would: the index is what is measured, not the commands.
func fillIndex(b *testing.B, db *sqlstore.DB, n int) []domain.Suspect {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(19, 1))
	var kept []domain.Suspect
	const perCase, perWrite = 10, 500
	start := time.Now()
	for done := 0; done < n; {
		var cs []*domain.Case
		for len(cs) < perWrite && done < n {
			k := done / perCase
			c := &domain.Case{ID: "bench-" + strconv.Itoa(k), Ref: fmt.Sprintf("CSE/2026/%07d", k),
				TeamID: "team", Status: domain.StatusOpen, Version: 1, OpenedAt: time.Unix(0, 0).UTC(),
				UpdatedAt: time.Unix(0, 0).UTC()}
			for j := 0; j < perCase && done < n; j++ {
				s := inventedSuspect(r, "s"+strconv.Itoa(done))
				c.Suspects = append(c.Suspects, s)
				if done%997 == 0 {
					kept = append(kept, s)
				}
				done++
			}
			cs = append(cs, c)
		}
		if err := db.Write(ctx, func(tx store.Tx) error { return tx.PutNewCases(cs) }); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("indexed %d people in %v", n, time.Since(start).Round(time.Millisecond))
	return kept
}

// BenchmarkMatchPerson: matching one newly recorded person against an
// index of 100,000 people (HOLDFAST_BENCH_INDEX sets another size, e.g.
// 1000000), on SQLite: the blocking keys' lookups, the candidates read,
// each scored. The probe is an indexed person recorded again with a typo
// in the family name and the day and month of birth transposed.
func BenchmarkMatchPerson(b *testing.B) {
	n := 100_000
	if v := os.Getenv("HOLDFAST_BENCH_INDEX"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatal(err)
		}
	}
	db := testdb.Open(b, "sqlite")
	kept := fillIndex(b, db, n) // once: b.Loop runs this function once
	ix := store.Indexer(db)
	if got, err := ix.PoleCount(context.Background()); err != nil || got != n {
		b.Fatalf("index holds %d people (%v), want %d", got, err, n)
	}
	probes := make([]store.PolePerson, len(kept))
	keys := make([][]store.PoleKey, len(kept))
	for i, s := range kept {
		s.ID = "probe"
		s.Name = s.Name[:len(s.Name)-1] + "x"
		if d := s.DateOfBirth; d[8:] <= "12" {
			s.DateOfBirth = d[:5] + d[8:] + "-" + d[5:7]
		}
		c := &domain.Case{ID: "probe-case", Suspects: []domain.Suspect{s}}
		probes[i], keys[i], _ = personEntry(c, "probe")
	}
	found, cands, i := 0, 0, 0
	for b.Loop() {
		j := i % len(probes)
		i++
		ms, err := matchIndex(context.Background(), ix, probes[j], keys[j], MatchThreshold)
		if err != nil {
			b.Fatal(err)
		}
		for _, m := range ms {
			if m.PersonID == kept[j].ID {
				found++
				break
			}
		}
		cands += len(ms)
	}
	b.ReportMetric(float64(found)/float64(i), "found/op")
	b.ReportMetric(float64(cands)/float64(i), "matches/op")
	if found < i*9/10 {
		b.Errorf("the probe's true match found %d times in %d", found, i)
	}
}
