package ledger

import (
	"crypto/sha256"
	"fmt"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// Hasher is RFC 6962 with SHA-256: 0x00 leaf prefix, 0x01 node prefix.
var Hasher = rfc6962.DefaultHasher

var factory = compact.RangeFactory{Hash: Hasher.HashChildren}

// Tree is an append-only Merkle tree held in memory as its perfect
// subtrees, level by level, so roots at any earlier size and proofs come
// without rehashing the leaves. 1M leaves take about 64 MiB.
type Tree struct {
	levels [][][]byte // levels[l][i]: root of leaves [i<<l, (i+1)<<l)
	rng    *compact.Range
	lean   bool // keeps only the compact range: no proofs, no earlier roots
	nodes  *nodeHasher
}

// NewTree returns an empty tree.
func NewTree() *Tree { return newTree(false) }

// newLeanTree returns a tree that keeps only what the current root needs:
// a full verification reads each leaf once and wants no proofs.
func newLeanTree() *Tree { return newTree(true) }

func newTree(lean bool) *Tree {
	n := &nodeHasher{}
	f := &compact.RangeFactory{Hash: n.hashChildren}
	return &Tree{rng: f.NewEmptyRange(0), lean: lean, nodes: n}
}

// nodeHasher is Hasher.HashChildren without its two allocations per node
// (a hasher and the sum): a full verification makes about one node per
// leaf. Hashes are handed out of slabs, never reused, because the compact
// range and the tree's levels keep them.
type nodeHasher struct {
	in   [1 + 2*sha256.Size]byte // 0x01 || left || right
	slab []byte
}

const slabHashes = 512

func (n *nodeHasher) hashChildren(l, r []byte) []byte {
	n.in[0] = 1 // RFC 6962 node prefix
	copy(n.in[1:], l)
	copy(n.in[1+sha256.Size:], r)
	sum := sha256.Sum256(n.in[:])
	return n.keep(sum[:])
}

// keep copies a hash into the current slab.
func (n *nodeHasher) keep(h []byte) []byte {
	if len(n.slab)+sha256.Size > cap(n.slab) {
		n.slab = make([]byte, 0, slabHashes*sha256.Size)
	}
	n.slab = append(n.slab, h...)
	return n.slab[len(n.slab)-sha256.Size : len(n.slab) : len(n.slab)]
}

// Size is the number of leaves.
func (t *Tree) Size() uint64 { return t.rng.End() }

// Append adds a leaf by its hash (see event.LeafHash). The tree keeps a
// copy: the caller may reuse leafHash.
func (t *Tree) Append(leafHash []byte) error {
	if len(leafHash) != Hasher.Size() {
		return fmt.Errorf("leaf hash is %d bytes, want %d", len(leafHash), Hasher.Size())
	}
	leafHash = t.nodes.keep(leafHash)
	if t.lean {
		return t.rng.Append(leafHash, nil)
	}
	return t.rng.Append(leafHash, t.store)
}

func (t *Tree) store(id compact.NodeID, hash []byte) {
	for uint(len(t.levels)) <= id.Level {
		t.levels = append(t.levels, nil)
	}
	lv := t.levels[id.Level]
	if uint64(len(lv)) == id.Index {
		t.levels[id.Level] = append(lv, hash)
	}
}

// Root is the root hash of the whole tree.
func (t *Tree) Root() []byte {
	r, err := t.RootAt(t.Size())
	if err != nil {
		panic(err) // the size is in range by construction
	}
	return r
}

// RootAt is the root the tree had when it held size leaves.
func (t *Tree) RootAt(size uint64) ([]byte, error) {
	if size > t.Size() {
		return nil, fmt.Errorf("tree size %d is beyond the log's %d events", size, t.Size())
	}
	if size == 0 {
		return Hasher.EmptyRoot(), nil
	}
	if t.lean {
		if size != t.Size() {
			return nil, fmt.Errorf("a lean tree knows only its current root, not the root at %d", size)
		}
		return t.rng.GetRootHash(nil)
	}
	ids := compact.RangeNodes(0, size, nil)
	hashes := make([][]byte, len(ids))
	for i, id := range ids {
		hashes[i] = t.levels[id.Level][id.Index]
	}
	r, err := factory.NewRange(0, size, hashes)
	if err != nil {
		return nil, err
	}
	return r.GetRootHash(nil)
}

func (t *Tree) fetch(n proof.Nodes) ([][]byte, error) {
	hashes := make([][]byte, len(n.IDs))
	for i, id := range n.IDs {
		if id.Level >= uint(len(t.levels)) || id.Index >= uint64(len(t.levels[id.Level])) {
			return nil, fmt.Errorf("node %d/%d is not in the tree", id.Level, id.Index)
		}
		hashes[i] = t.levels[id.Level][id.Index]
	}
	return n.Rehash(hashes, Hasher.HashChildren)
}

// InclusionProof proves leaf index is in the tree of the given size.
func (t *Tree) InclusionProof(index, size uint64) ([][]byte, error) {
	if size > t.Size() {
		return nil, fmt.Errorf("tree size %d is beyond the log's %d events", size, t.Size())
	}
	n, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, err
	}
	return t.fetch(n)
}

// ConsistencyProof proves the tree of size1 is a prefix of the tree of size2.
func (t *Tree) ConsistencyProof(size1, size2 uint64) ([][]byte, error) {
	if size2 > t.Size() {
		return nil, fmt.Errorf("tree size %d is beyond the log's %d events", size2, t.Size())
	}
	n, err := proof.Consistency(size1, size2)
	if err != nil {
		return nil, err
	}
	return t.fetch(n)
}

// VerifyInclusion checks an inclusion proof for a leaf hash.
func VerifyInclusion(index, size uint64, leafHash []byte, p [][]byte, root []byte) error {
	return proof.VerifyInclusion(Hasher, index, size, leafHash, p, root)
}

// VerifyConsistency checks that the tree of size1 is a prefix of the tree
// of size2. A proof from the empty tree proves nothing, so it is refused
// (as in transparency-dev/merkle's later releases and the test vectors).
func VerifyConsistency(size1, size2 uint64, p [][]byte, root1, root2 []byte) error {
	if size1 == 0 {
		return fmt.Errorf(
			"a consistency proof from the empty tree proves nothing: give a checkpoint of at least one event",
		)
	}
	return proof.VerifyConsistency(Hasher, size1, size2, p, root1, root2)
}
