package witness_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/witness"
)

var ctx = context.Background()

const origin = "northshire.police.invalid/holdfast"

// logRig is a log's tree and signing key, without a database.
type logRig struct {
	tree   *ledger.Tree
	signer note.Signer
	vkey   string
}

func newLogRig(t *testing.T, name string) *logRig {
	dir := t.TempDir()
	vkey, err := ledger.GenerateKey(name, filepath.Join(dir, "k"), filepath.Join(dir, "k.pub"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ledger.LoadSigner(filepath.Join(dir, "k"))
	if err != nil {
		t.Fatal(err)
	}
	return &logRig{tree: ledger.NewTree(), signer: s, vkey: vkey}
}

func (l *logRig) grow(t *testing.T, n int, salt string) {
	for i := 0; i < n; i++ {
		h := sha256.Sum256(fmt.Appendf(nil, "%s %d %d", salt, l.tree.Size(), i))
		if err := l.tree.Append(h[:]); err != nil {
			t.Fatal(err)
		}
	}
}

func (l *logRig) checkpoint(t *testing.T) []byte {
	b, err := ledger.Sign(
		ledger.Checkpoint{Origin: l.signer.Name(), Size: l.tree.Size(), Root: l.tree.Root()},
		l.signer,
	)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (l *logRig) proof(t *testing.T, old uint64) [][]byte {
	if old == 0 || old == l.tree.Size() {
		return nil
	}
	p, err := l.tree.ConsistencyProof(old, l.tree.Size())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type witnessRig struct {
	w     *witness.Witness
	srv   *httptest.Server
	vkey  string
	state string
	key   string
}

func newWitness(t *testing.T, state string, logs ...string) *witnessRig {
	dir := t.TempDir()
	key := filepath.Join(dir, "w.key")
	if _, err := ledger.GenerateKey("witness.invalid/w1", key, key+".pub"); err != nil {
		t.Fatal(err)
	}
	return startWitness(t, key, state, logs...)
}

func startWitness(t *testing.T, key, state string, logs ...string) *witnessRig {
	s, vkey, err := witness.LoadSigner(key)
	if err != nil {
		t.Fatal(err)
	}
	var vs []note.Verifier
	for _, l := range logs {
		v, err := note.NewVerifier(l)
		if err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	w, err := witness.New(s, vs, state)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(w.Handler())
	t.Cleanup(srv.Close)
	return &witnessRig{w: w, srv: srv, vkey: vkey, state: state, key: key}
}

func post(t *testing.T, url string, body []byte) (int, string, string) {
	t.Helper()
	resp, err := http.Post(url+"/add-checkpoint", "text/plain", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
}

// Every answer tlog-witness prescribes, in the order a log meets them.
func TestWitnessFollowsTheSpec(t *testing.T) {
	log := newLogRig(t, origin)
	w := newWitness(t, filepath.Join(t.TempDir(), "state.json"), log.vkey)
	req := func(old uint64, proof [][]byte, cp []byte) []byte {
		return witness.Request{Old: old, Proof: proof, Checkpoint: cp}.Marshal()
	}
	log.grow(t, 5, "a")
	cp5 := log.checkpoint(t)

	other := newLogRig(t, "other.invalid/log")
	other.grow(t, 1, "x")
	if code, _, _ := post(t, w.srv.URL, req(0, nil, other.checkpoint(t))); code != 404 {
		t.Fatalf("unknown origin: %d, want 404", code)
	}
	forger := newLogRig(t, origin) // the same name, another key
	forger.grow(t, 5, "a")
	if code, _, _ := post(t, w.srv.URL, req(0, nil, forger.checkpoint(t))); code != 403 {
		t.Fatalf("a checkpoint signed by another key: %d, want 403", code)
	}
	if code, _, _ := post(t, w.srv.URL, req(6, nil, cp5)); code != 400 {
		t.Fatalf("old size above the checkpoint's: %d, want 400", code)
	}
	if code, _, _ := post(t, w.srv.URL, []byte("old 01\n\n"+string(cp5))); code != 400 {
		t.Fatalf("old size with a leading zero: %d, want 400", code)
	}

	code, _, body := post(t, w.srv.URL, req(0, nil, cp5))
	if code != 200 || !strings.HasPrefix(body, "— witness.invalid/w1 ") {
		t.Fatalf("first checkpoint: %d %q", code, body)
	}
	wv, err := witness.LoadVerifier(w.vkey)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := note.Open(append(bytes.Clone(cp5), body...), note.VerifierList(wv)); err != nil {
		t.Fatalf("the cosignature does not verify with the witness's published key: %v", err)
	}

	log.grow(t, 3, "a")
	cp8 := log.checkpoint(t)
	code, ctype, body := post(t, w.srv.URL, req(0, nil, cp8))
	if code != 409 || ctype != "text/x.tlog.size" || body != "5\n" {
		t.Fatalf("stale old size: %d %q %q, want 409 text/x.tlog.size 5", code, ctype, body)
	}
	bad := log.proof(t, 5)
	bad[0] = bytes.Repeat([]byte{1}, 32)
	if code, _, _ := post(t, w.srv.URL, req(5, bad, cp8)); code != 422 {
		t.Fatalf("a bad consistency proof: %d, want 422", code)
	}
	if code, _, body := post(t, w.srv.URL, req(5, log.proof(t, 5), cp8)); code != 200 {
		t.Fatalf("a consistent checkpoint: %d %q", code, body)
	}

	// A fork: the same size, another history.
	fork := newLogRig(t, origin)
	fork.signer = log.signer
	fork.grow(t, 8, "b")
	if code, _, _ := post(t, w.srv.URL, req(8, nil, fork.checkpoint(t))); code != 409 {
		t.Fatalf("the same size with another root: %d, want 409", code)
	}
	fork.grow(t, 2, "b")
	if code, _, _ := post(t, w.srv.URL, req(8, fork.proof(t, 8), fork.checkpoint(t))); code != 422 {
		t.Fatalf("a longer history that does not extend the cosigned one: %d, want 422", code)
	}
}

// The client pushes from wherever the witness is, and reports a log rolled
// back behind the witness's checkpoint as tampering.
func TestClientFollowsTheWitness(t *testing.T) {
	log := newLogRig(t, origin)
	state := filepath.Join(t.TempDir(), "state.json")
	w := newWitness(t, state, log.vkey)
	c, err := witness.NewClient(w.srv.URL, w.vkey)
	if err != nil {
		t.Fatal(err)
	}
	proof := func(old uint64) ([][]byte, error) { return log.proof(t, old), nil }
	log.grow(t, 4, "a")
	if _, err := c.Cosign(ctx, log.checkpoint(t), log.tree.Size(), proof); err != nil {
		t.Fatal(err)
	}
	log.grow(t, 4, "a")
	// A second client (a restarted server) starts from 0 and is told 4.
	c2, _ := witness.NewClient(w.srv.URL, w.vkey)
	lines, err := c2.Cosign(ctx, log.checkpoint(t), log.tree.Size(), proof)
	if err != nil || !bytes.HasPrefix(lines, []byte("— witness.invalid/w1 ")) {
		t.Fatalf("push after a restart: %q %v", lines, err)
	}
	got, err := c2.Latest(ctx, origin)
	if err != nil || !bytes.HasSuffix(got, lines) {
		t.Fatalf("the witness's copy: %q %v", got, err)
	}
	rec, _ := w.w.Latest(origin)
	if rec.Size != 8 {
		t.Fatalf("witness holds %d, want 8", rec.Size)
	}

	// Rolled back: a log of 3 events, re-signed with the log's own key.
	back := newLogRig(t, origin)
	back.signer = log.signer
	back.grow(t, 3, "c")
	c3, _ := witness.NewClient(w.srv.URL, w.vkey)
	_, err = c3.Cosign(ctx, back.checkpoint(t), 3, func(old uint64) ([][]byte, error) {
		if old > 3 {
			return nil, fmt.Errorf("witness holds %d: %w", old, ledger.ErrTampered)
		}
		return back.proof(t, old), nil
	})
	if !errors.Is(err, ledger.ErrTampered) {
		t.Fatalf("a rolled-back log: %v, want tampering", err)
	}

	// The witness remembers across a restart.
	w.srv.Close()
	w2 := startWitness(t, w.key, state, log.vkey)
	if rec, ok := w2.w.Latest(origin); !ok || rec.Size != 8 {
		t.Fatalf("after a restart the witness holds %+v", rec)
	}
	if code, _, _ := post(t, w2.srv.URL, witness.Request{Old: 0, Checkpoint: back.checkpoint(t)}.Marshal()); code != 409 {
		t.Fatalf("a rollback after the witness restarted: %d, want 409", code)
	}
}
