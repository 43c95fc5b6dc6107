package sqlstore

import (
	"context"
	"fmt"

	"github.com/holdfast/holdfast/internal/store"
)

// The POLE index held in memory while a whole record is matched at once:
// `holdfast demo` raises the links of its thousands of people once the
// history is written (demo/links.go), and looking each person's keys up
// in pole_keys, one statement a key, was two thirds of that matching's
// time (issue 20's profile: 13.1 s of 19.6 s). Held, the keys and their
// people are read in two statements and PoleCandidates answers from maps
// with what the statements would have answered, as of the hold.
//
// What a hold keeps is what the index held when it was taken, and the
// list rows of the cases as they then stood: a write of the index's rows
// (every one ends in insertPole) ends it, and PoleCandidates reads the
// tables again. Raising a link writes no index row (the index holds
// people, not their links), so the matching at the end keeps it
// throughout; the case rows' version and time of update it answers are
// the hold's, which matching does not read.

// poleHeld is the index as read by HoldPoleIndex.
type poleHeld struct {
	// keys are the people bearing each key (kind and term), in the
	// order of the key's unique index, as the statement reads them.
	keys map[poleTerm][]polePK
	// people are the people of the index whose case is in the record,
	// with their case's list row: the inner join poleCandidatesOf's
	// "found" stands for.
	people map[polePK]store.PoleCandidate
}

type poleTerm struct{ kind, term string }

type polePK struct{ caseID, personID string }

// HoldPoleIndex reads the POLE index into memory, for PoleCandidates to
// answer from until release is called or the index's rows are written.
// Only while nothing else writes the index: the demo generator's matching
// at the end.
func (db *DB) HoldPoleIndex(ctx context.Context) (release func(), err error) {
	if err := db.kept("index"); err != nil {
		return nil, err
	}
	h := &poleHeld{keys: map[poleTerm][]polePK{}, people: map[polePK]store.PoleCandidate{}}
	rows, err := db.query(ctx,
		"SELECT kind, term, case_id, person_id FROM pole_keys ORDER BY kind, term, case_id, person_id")
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	for rows.Next() {
		var t poleTerm
		var pk polePK
		if err := rows.Scan(&t.kind, &t.term, &pk.caseID, &pk.personID); err != nil {
			rows.Close()
			return nil, fmt.Errorf("index: %w", err)
		}
		h.keys[t] = append(h.keys[t], pk)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	rows, err = db.query(ctx, "SELECT "+poleCandidateCols+" FROM pole_people p JOIN cases c ON c.id = p.case_id")
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	people, err := scanCandidates(rows)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	for _, p := range people {
		h.people[polePK{p.CaseID, p.PersonID}] = p
	}
	db.poleHeld.Store(h)
	return func() { db.poleHeld.CompareAndSwap(h, nil) }, nil
}

// dropPoleHeld ends a hold: the index's rows are being written.
func (db *DB) dropPoleHeld() { db.poleHeld.Store(nil) }

// candidates is PoleCandidates answered from the hold: a key borne by
// more than perKey rows is skipped, whether or not their people are
// found, and each person is answered once, in the keys' order.
func (h *poleHeld) candidates(keys []store.PoleKey, perKey int) []store.PoleCandidate {
	seen := map[polePK]bool{}
	var out []store.PoleCandidate
	for _, k := range keys {
		bearers := h.keys[poleTerm{k.Kind, k.Key}]
		if len(bearers) > perKey {
			continue
		}
		for _, pk := range bearers {
			if p, ok := h.people[pk]; ok && !seen[pk] {
				seen[pk] = true
				out = append(out, p)
			}
		}
	}
	return out
}
