package store

import (
	"crypto/sha256"
	"encoding/binary"
	"sync"

	"github.com/holdfast/holdfast/internal/domain"
)

// Every write asks whether the case's POLE rows (PoleEntries) and find
// rows (CaseTerms) changed, by comparing their digest with the stored one.
// Building the rows to get the digest cost the demo's committer 14 s of
// its 39 s (issue 20), though most commands leave a case's people alone.
// Both are pure functions of a few fields of the case's people, so a
// digest is remembered against a hash of those fields: a command that
// does not touch them finds it without building any row, and the digest
// is the very one the rows give, so stored digests stay valid.

// indexSource hashes every field PoleEntries and CaseTerms read, each
// length-prefixed and each list counted so no two cases hash alike by
// accident of concatenation. A field either reads must be added here:
// TestIndexSourceCoversInputs fails when one is missing.
func indexSource(c *domain.Case) [sha256.Size]byte {
	// Room for a case of a few people; a larger one grows it once or twice.
	b := make([]byte, 0, 512)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(c.ID)
	b = binary.AppendUvarint(b, uint64(len(c.Victims)))
	for i := range c.Victims {
		v := &c.Victims[i]
		str(v.ID)
		str(v.Name)
		str(v.DateOfBirth)
		str(v.Contact)
	}
	b = binary.AppendUvarint(b, uint64(len(c.Suspects)))
	for i := range c.Suspects {
		s := &c.Suspects[i]
		str(s.ID)
		str(s.Name)
		str(s.Description)
		str(s.DateOfBirth)
		str(s.Phone)
		str(s.Vehicle)
		str(s.Address)
	}
	b = binary.AppendUvarint(b, uint64(len(c.People)))
	for i := range c.People {
		p := &c.People[i]
		str(p.ID)
		str(p.Role)
		str(p.Name)
	}
	return sha256.Sum256(b)
}

// IndexSource is the hash of every field PoleEntries and CaseTerms read:
// two cases with the same have the same find and POLE index rows.
func IndexSource(c *domain.Case) [sha256.Size]byte { return indexSource(c) }

// memoLimit bounds each memo: past it the memo starts again empty, which
// costs one full build per case and never a wrong answer.
const memoLimit = 1 << 16

// digestMemo remembers digests by the hash of their source fields.
type digestMemo struct {
	mu sync.Mutex
	m  map[[sha256.Size]byte]string
}

func (d *digestMemo) get(k [sha256.Size]byte) (string, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.m[k]
	return v, ok
}

func (d *digestMemo) put(k [sha256.Size]byte, digest string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil || len(d.m) >= memoLimit {
		d.m = make(map[[sha256.Size]byte]string)
	}
	d.m[k] = digest
}

var poleMemo, termMemo digestMemo

// KnownPoleDigest answers the digest PoleEntries would give c, if PoleEntries
// has already been run on a case with the same people in this process.
func KnownPoleDigest(c *domain.Case) (string, bool) { return poleMemo.get(indexSource(c)) }

// KnownTermDigest answers the digest row CaseTerms would end with for c,
// if CaseTerms has already been run on a case with the same people.
func KnownTermDigest(c *domain.Case) (string, bool) { return termMemo.get(indexSource(c)) }
