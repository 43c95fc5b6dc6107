package ledger

// Tests against the published vectors in ../shared/data/merkle (see its
// README for sources: RFC 6962, transparency-dev/merkle, C2SP, x/mod).

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/transparency-dev/merkle/proof"
	"golang.org/x/mod/sumdb/note"
)

const vectors = "../../../shared/data/merkle"

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("test vectors not found at %s: run from a checkout with ../shared beside it", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func unhex(t *testing.T, s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestReferenceTree builds the CT reference tree leaf by leaf through our
// tree and compares every root and every complete subtree.
func TestReferenceTree(t *testing.T) {
	var ref struct {
		EmptyRootHex  string     `json:"emptyRootHex"`
		LeavesHex     []string   `json:"leavesHex"`
		LeafHashesHex []string   `json:"leafHashesHex"`
		NodeHashesHex [][]string `json:"nodeHashesHex"`
		Roots         []struct {
			TreeSize uint64 `json:"treeSize"`
			RootHex  string `json:"rootHex"`
		} `json:"roots"`
	}
	readJSON(t, filepath.Join(vectors, "rfc6962-reference-tree.json"), &ref)
	tr := NewTree()
	if got := hex.EncodeToString(tr.Root()); got != ref.EmptyRootHex {
		t.Fatalf("empty root %s, want %s", got, ref.EmptyRootHex)
	}
	for i, lh := range ref.LeavesHex {
		h := Hasher.HashLeaf(unhex(t, lh))
		if got := hex.EncodeToString(h); got != ref.LeafHashesHex[i] {
			t.Fatalf("leaf %d hash %s, want %s", i, got, ref.LeafHashesHex[i])
		}
		if err := tr.Append(h); err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(tr.Root()); got != ref.Roots[i].RootHex {
			t.Fatalf("root at size %d = %s, want %s", i+1, got, ref.Roots[i].RootHex)
		}
	}
	for _, r := range ref.Roots {
		got, err := tr.RootAt(r.TreeSize)
		if err != nil || hex.EncodeToString(got) != r.RootHex {
			t.Fatalf("RootAt(%d) = %x, %v; want %s", r.TreeSize, got, err, r.RootHex)
		}
	}
	for level, hashes := range ref.NodeHashesHex {
		for i, h := range hashes {
			if got := hex.EncodeToString(tr.levels[level][i]); got != h {
				t.Fatalf("node %d/%d = %s, want %s", level, i, got, h)
			}
		}
	}
	// Every proof our tree generates verifies, for every index and size.
	for size := uint64(1); size <= tr.Size(); size++ {
		root, _ := tr.RootAt(size)
		for i := uint64(0); i < size; i++ {
			p, err := tr.InclusionProof(i, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyInclusion(Hasher, i, size, tr.levels[0][i], p, root); err != nil {
				t.Fatalf("inclusion %d in %d: %v", i, size, err)
			}
		}
		for s1 := uint64(1); s1 <= size; s1++ {
			r1, _ := tr.RootAt(s1)
			p, err := tr.ConsistencyProof(s1, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := proof.VerifyConsistency(Hasher, s1, size, p, r1, root); err != nil {
				t.Fatalf("consistency %d→%d: %v", s1, size, err)
			}
		}
	}
	if _, err := tr.RootAt(tr.Size() + 1); err == nil {
		t.Fatal("a root beyond the log was given")
	}
}

// TestProofVectors: the verifier accepts exactly the vectors marked valid,
// and where a happy path's tree is the reference tree, our generated proof
// equals the published one.
func TestProofVectors(t *testing.T) {
	var ref struct {
		LeafHashesHex []string `json:"leafHashesHex"`
	}
	readJSON(t, filepath.Join(vectors, "rfc6962-reference-tree.json"), &ref)
	tr := NewTree()
	for _, h := range ref.LeafHashesHex {
		tr.Append(unhex(t, h))
	}
	files, _ := filepath.Glob(filepath.Join(vectors, "inclusion", "*", "*.json"))
	cfiles, _ := filepath.Glob(filepath.Join(vectors, "consistency", "*", "*.json"))
	if len(files)+len(cfiles) < 100 {
		t.Fatalf("only %d vector files found", len(files)+len(cfiles))
	}
	for _, f := range files {
		var v struct {
			LeafIdx, TreeSize uint64
			Root, LeafHash    []byte
			Proof             [][]byte
			WantErr           bool
		}
		readJSON(t, f, &v)
		err := VerifyInclusion(v.LeafIdx, v.TreeSize, v.LeafHash, v.Proof, v.Root)
		if (err != nil) != v.WantErr {
			t.Errorf("%s: err=%v, wantErr=%v", f, err, v.WantErr)
		}
		if !v.WantErr && v.TreeSize <= tr.Size() && v.LeafIdx < v.TreeSize {
			if root, _ := tr.RootAt(v.TreeSize); bytes.Equal(root, v.Root) {
				p, err := tr.InclusionProof(v.LeafIdx, v.TreeSize)
				if err != nil || !equalProofs(p, v.Proof) {
					t.Errorf("%s: generated proof %x differs from published %x", f, p, v.Proof)
				}
			}
		}
	}
	for _, f := range cfiles {
		var v struct {
			Size1, Size2 uint64
			Root1, Root2 []byte
			Proof        [][]byte
			WantErr      bool
		}
		readJSON(t, f, &v)
		err := VerifyConsistency(v.Size1, v.Size2, v.Proof, v.Root1, v.Root2)
		if (err != nil) != v.WantErr {
			t.Errorf("%s: err=%v, wantErr=%v", f, err, v.WantErr)
		}
		if !v.WantErr && v.Size2 <= tr.Size() {
			if r2, _ := tr.RootAt(v.Size2); bytes.Equal(r2, v.Root2) {
				p, err := tr.ConsistencyProof(v.Size1, v.Size2)
				if err != nil || !equalProofs(p, v.Proof) {
					t.Errorf("%s: generated proof differs from published", f)
				}
			}
		}
	}
}

func equalProofs(a, b [][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !bytes.Equal(a[i], b[i]) {
			return false
		}
	}
	return true
}

func TestCheckpointVectors(t *testing.T) {
	var d struct {
		Checkpoints []struct {
			ID         string   `json:"id"`
			Body       string   `json:"body"`
			Valid      bool     `json:"valid"`
			Origin     string   `json:"origin"`
			TreeSize   uint64   `json:"treeSize"`
			RootBase64 string   `json:"rootBase64"`
			Extensions []string `json:"extensions"`
		} `json:"checkpoints"`
	}
	readJSON(t, filepath.Join(vectors, "checkpoints.json"), &d)
	for _, c := range d.Checkpoints {
		cp, err := ParseCheckpoint([]byte(c.Body))
		if (err == nil) != c.Valid {
			t.Errorf("%s: err=%v, valid=%v", c.ID, err, c.Valid)
			continue
		}
		if !c.Valid {
			continue
		}
		if cp.Origin != c.Origin || cp.Size != c.TreeSize ||
			base64.StdEncoding.EncodeToString(cp.Root) != c.RootBase64 ||
			len(cp.Extensions) != len(c.Extensions) {
			t.Errorf("%s: parsed %+v", c.ID, cp)
		}
		if string(cp.Marshal()) != c.Body {
			t.Errorf("%s: does not format back to the same bytes", c.ID)
		}
	}
}

func TestSignedNoteVectors(t *testing.T) {
	var d struct {
		Keys []struct {
			Vkey, Skey string
		} `json:"keys"`
		Vectors []struct {
			ID         string   `json:"id"`
			NoteBase64 string   `json:"noteBase64"`
			Vkeys      []string `json:"vkeys"`
			Want       struct {
				OK       bool     `json:"ok"`
				Text     string   `json:"text"`
				Error    string   `json:"error"`
				Verified []string `json:"verified"`
			} `json:"want"`
		} `json:"vectors"`
	}
	readJSON(t, filepath.Join(vectors, "signed-notes.json"), &d)
	if len(d.Vectors) != 18 {
		t.Fatalf("%d vectors, want 18", len(d.Vectors))
	}
	for _, v := range d.Vectors {
		msg, _ := base64.StdEncoding.DecodeString(v.NoteBase64)
		var vs []note.Verifier
		for _, k := range v.Vkeys {
			nv, err := note.NewVerifier(k)
			if err != nil {
				t.Fatalf("%s: %v", v.ID, err)
			}
			vs = append(vs, nv)
		}
		n, err := note.Open(msg, note.VerifierList(vs...))
		switch {
		case v.Want.OK && err != nil:
			t.Errorf("%s: %v", v.ID, err)
		case !v.Want.OK && (err == nil || err.Error() != v.Want.Error):
			t.Errorf("%s: error %v, want %q", v.ID, err, v.Want.Error)
		case v.Want.OK && (n.Text != v.Want.Text || len(n.Sigs) != len(v.Want.Verified)):
			t.Errorf(
				"%s: text %q, %d verified; want %q, %d",
				v.ID,
				n.Text,
				len(n.Sigs),
				v.Want.Text,
				len(v.Want.Verified),
			)
		}
		// A checkpoint among them opens through our path, body and all.
		if v.ID == "sumdb-checkpoint-2024-09-23" {
			cp, err := Open(msg, vs[0])
			if err != nil || cp.Size != 30055305 || cp.Origin != "go.sum database tree" {
				t.Errorf("sum.golang.org checkpoint: %+v, %v", cp, err)
			}
		}
	}
	// Ed25519 is deterministic: our signing path reproduces x/mod's note.
	for _, v := range d.Vectors {
		if v.ID != "xmod-peterneumann" {
			continue
		}
		msg, _ := base64.StdEncoding.DecodeString(v.NoteBase64)
		s, err := note.NewSigner(d.Keys[0].Skey)
		if err != nil {
			t.Fatal(err)
		}
		got, err := note.Sign(&note.Note{Text: v.Want.Text}, s)
		if err != nil || !bytes.Equal(got, msg) {
			t.Errorf("signing PeterNeumann's text: %q, %v; want %q", got, err, msg)
		}
	}
}
