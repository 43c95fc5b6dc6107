package store

import (
	"encoding/json"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
)

// NewCases is cases new to the record with everything written of them
// worked out: each case's document and its find and POLE index rows. An
// import prepares them while folding, on its own goroutine, so that the
// transaction's goroutine — the one part of an import no second core can
// help — only writes them (Tx.PutNewCases).
type NewCases struct {
	Cases []*domain.Case
	Docs  [][]byte   // Cases[i] as JSON
	Terms [][]string // find-index rows (CaseTerms) of every case, in order
	// The POLE index: every case's people and keys, and one digest a case.
	People  []PolePerson
	Keys    []PoleKey
	Digests []string
}

// PrepareNewCases works out what writing cs will write. It reads nothing
// but cs, so it may run on any goroutine; cs must not change after it.
func PrepareNewCases(cs []*domain.Case) (*NewCases, error) {
	n := &NewCases{Cases: cs, Docs: make([][]byte, len(cs)), Digests: make([]string, len(cs))}
	for i, c := range cs {
		doc, err := json.Marshal(c)
		if err != nil {
			return nil, fmt.Errorf("encode case %s: %w", c.Ref, err)
		}
		n.Docs[i] = doc
		n.Terms = append(n.Terms, CaseTerms(c)...)
		people, keys, digest := PoleEntries(c)
		n.People, n.Keys = append(n.People, people...), append(n.Keys, keys...)
		n.Digests[i] = digest
	}
	return n, nil
}
