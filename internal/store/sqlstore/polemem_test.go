package sqlstore_test

import (
	"context"
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestHoldPoleIndex: held in memory (the demo's matching at the end), the
// POLE index answers PoleCandidates as its tables do, for every person
// probed under a spelling variant, at a depth that skips the common keys
// and at the service's; a write of the index's rows ends the hold, so
// the answer is the tables' afterwards, not the hold's.
func TestHoldPoleIndex(t *testing.T) {
	ctx := context.Background()
	db := testdb.Open(t, "sqlite")
	const people, perCase = 2000, 10
	at := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	var cases []*domain.Case
	var probes [][]store.PoleKey
	benchPeople(people, func(i int, s domain.Suspect) {
		if i%perCase == 0 {
			k := i / perCase
			cases = append(cases, &domain.Case{ID: "c" + strconv.Itoa(k), Ref: fmt.Sprintf("CSE/2024/%06d", k),
				TeamID: "t" + strconv.Itoa(k%3), Status: domain.StatusOpen, Version: 1, OpenedAt: at, UpdatedAt: at})
		}
		c := cases[len(cases)-1]
		s.AddedAt = at
		c.Suspects = append(c.Suspects, s)
		if i%13 == 0 {
			s.ID = "probe"
			s.Name = s.Name[:len(s.Name)-1] + "x"
			_, keys, _ := store.PoleEntries(&domain.Case{ID: "probe-case", Suspects: []domain.Suspect{s}})
			probes = append(probes, keys)
		}
	})
	if err := db.Write(ctx, func(tx store.Tx) error { return tx.PutNewCases(cases) }); err != nil {
		t.Fatal(err)
	}
	answers := func(perKey int) [][]store.PoleCandidate {
		t.Helper()
		var out [][]store.PoleCandidate
		for _, keys := range probes {
			cs, err := db.PoleCandidates(ctx, keys, perKey)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, cs)
		}
		return out
	}
	depths := []int{3, 200}
	var want [][][]store.PoleCandidate
	for _, d := range depths {
		want = append(want, answers(d))
	}
	release, err := db.HoldPoleIndex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	var counts []int
	for i, d := range depths {
		got, n := answers(d), 0
		for j := range got {
			n += len(want[i][j])
			if !reflect.DeepEqual(got[j], want[i][j]) {
				t.Errorf("depth %d, probe %d: held %v\ntables %v", d, j, got[j], want[i][j])
			}
		}
		t.Logf("depth %d: %d probes, %d candidates", d, len(got), n)
		counts = append(counts, n)
	}
	// The shallow depth skips the common family names' keys.
	if counts[0] == 0 || counts[0] >= counts[1] {
		t.Errorf("the probes exercise too little: %v candidates at depths %v", counts, depths)
	}

	// Renamed: the first probe's people are the tables' again.
	c := cases[0]
	c.Suspects[0].Name = "Zyx Renamed"
	c.Version++
	if err := db.Write(ctx, func(tx store.Tx) error { return tx.PutCase(c, 1) }); err != nil {
		t.Fatal(err)
	}
	_, keys, _ := store.PoleEntries(&domain.Case{ID: "probe-case", Suspects: []domain.Suspect{c.Suspects[0]}})
	got, err := db.PoleCandidates(ctx, keys, 200)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range got {
		found = found || p.CaseID == c.ID && p.Name == "Zyx Renamed"
	}
	if !found {
		t.Errorf("after the index was written, the hold still answered: %v", got)
	}
}
