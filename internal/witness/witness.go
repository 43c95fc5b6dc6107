// Package witness keeps a copy of each log's latest checkpoint outside the log's database and cosigns only
// checkpoints consistent with it (C2SP tlog-witness, tlog-cosignature), with the client a log pushes to it with.
package witness

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/transparency-dev/merkle/proof"
	"golang.org/x/mod/sumdb/note"

	"github.com/holdfast/holdfast/internal/ledger"
)

// Witness is the server: for every log it knows (by origin, with the log's
// public key) it holds the latest checkpoint it cosigned, in its own file.
type Witness struct {
	signer note.Signer // cosignature/v1 (formats/note)
	logs   map[string]note.Verifier
	path   string

	// mu makes checking the old size and recording the new checkpoint one
	// step, as the spec requires: two requests racing must not roll back.
	mu    sync.Mutex
	state map[string]Record
}

// Record is what the witness keeps of one log.
type Record struct {
	Size uint64 `json:"size"`
	Root []byte `json:"root"`
	// Note is the checkpoint as the log signed it, with the witness's
	// cosignature added: what GET /checkpoint hands an inspector.
	Note string `json:"note"`
}

// New returns a witness signing with signer for the logs whose public keys
// are given, keeping its state in the file at path (created if missing).
func New(signer note.Signer, logs []note.Verifier, path string) (*Witness, error) {
	w := &Witness{signer: signer, logs: map[string]note.Verifier{}, path: path, state: map[string]Record{}}
	for _, v := range logs {
		w.logs[v.Name()] = v
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("witness state: %w", err)
	default:
		if err := json.Unmarshal(b, &w.state); err != nil {
			return nil, fmt.Errorf("witness state %s is damaged: %w; restore it from a backup (a witness that forgets "+
				"what it cosigned can be rolled back)", path, err)
		}
	}
	return w, nil
}

// save writes the state to a new file and renames it over the old, so a
// crash leaves one or the other whole.
func (w *Witness) save() error {
	b, err := json.MarshalIndent(w.state, "", " ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(w.path), ".witness-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), w.path)
}

// Latest returns what the witness holds for origin.
func (w *Witness) Latest(origin string) (Record, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	r, ok := w.state[origin]
	return r, ok
}

// Handler serves POST /add-checkpoint (tlog-witness) and, for inspectors,
// GET /checkpoint?origin=O: the latest checkpoint cosigned for a log.
func (w *Witness) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /add-checkpoint", w.addCheckpoint)
	mux.HandleFunc("GET /checkpoint", func(rw http.ResponseWriter, r *http.Request) {
		rec, ok := w.Latest(r.URL.Query().Get("origin"))
		if !ok {
			http.Error(rw, "this witness has cosigned no checkpoint of that log", http.StatusNotFound)
			return
		}
		rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(rw, rec.Note)
	})
	return mux
}

// maxBody bounds a request: 63 proof lines and a checkpoint with a few
// signatures fit in far less.
const maxBody = 64 << 10

func (w *Witness) addCheckpoint(rw http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(rw, r.Body, maxBody))
	if err != nil {
		http.Error(rw, "the request body is too large or unreadable", http.StatusBadRequest)
		return
	}
	req, err := ParseRequest(body)
	if err != nil {
		http.Error(rw, err.Error(), http.StatusBadRequest)
		return
	}
	origin, _, _ := strings.Cut(string(req.Checkpoint), "\n")
	v, ok := w.logs[origin]
	if !ok {
		http.Error(rw, fmt.Sprintf("this witness does not know the log %q", origin), http.StatusNotFound)
		return
	}
	n, err := note.Open(req.Checkpoint, note.VerifierList(v))
	if err != nil {
		http.Error(rw, "no signature on the checkpoint verifies with the log's key", http.StatusForbidden)
		return
	}
	cp, err := ledger.ParseCheckpoint([]byte(n.Text))
	if err != nil {
		http.Error(rw, err.Error(), http.StatusForbidden)
		return
	}
	if req.Old > cp.Size {
		http.Error(
			rw,
			fmt.Sprintf("old size %d is larger than the checkpoint's %d", req.Old, cp.Size),
			http.StatusBadRequest,
		)
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	prev := w.state[origin]
	if req.Old != prev.Size {
		rw.Header().Set("Content-Type", "text/x.tlog.size")
		rw.WriteHeader(http.StatusConflict)
		fmt.Fprintf(rw, "%d\n", prev.Size)
		return
	}
	switch {
	case req.Old == 0:
		if len(req.Proof) != 0 {
			http.Error(rw, "a consistency proof from size 0 must be empty", http.StatusBadRequest)
			return
		}
	case req.Old == cp.Size:
		if !bytes.Equal(prev.Root, cp.Root) {
			slog.Error("witness: a checkpoint of the same size with another root (a fork)", "origin", origin,
				"size", cp.Size, "checkpoint", string(req.Checkpoint))
			http.Error(
				rw,
				"the checkpoint has the size this witness last cosigned but another root",
				http.StatusConflict,
			)
			return
		}
	default:
		if err := proof.VerifyConsistency(ledger.Hasher, req.Old, cp.Size, req.Proof, prev.Root, cp.Root); err != nil {
			// Kept in the log as evidence: the log signed a history that
			// does not extend what it showed before.
			slog.Error("witness: an inconsistent checkpoint", "origin", origin, "old", req.Old, "size", cp.Size,
				"err", err, "checkpoint", string(req.Checkpoint))
			http.Error(rw, "the consistency proof does not verify: this checkpoint does not extend the one this "+
				"witness cosigned", http.StatusUnprocessableEntity)
			return
		}
	}
	cosigned, err := note.Sign(n, w.signer)
	if err != nil {
		http.Error(rw, "could not cosign", http.StatusInternalServerError)
		return
	}
	lines := cosignatureLines(cosigned, w.signer.Name())
	w.state[origin] = Record{Size: cp.Size, Root: cp.Root, Note: string(req.Checkpoint) + lines}
	if err := w.save(); err != nil {
		w.state[origin] = prev
		slog.Error("witness: could not record the checkpoint", "err", err)
		http.Error(rw, "the witness could not record the checkpoint", http.StatusInternalServerError)
		return
	}
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(rw, lines)
}

// cosignatureLines picks the lines signed by name out of a signed note.
func cosignatureLines(signed []byte, name string) string {
	_, sigs, _ := bytes.Cut(signed, []byte("\n\n"))
	var b strings.Builder
	for _, l := range strings.SplitAfter(string(sigs), "\n") {
		if strings.HasPrefix(l, "— "+name+" ") {
			b.WriteString(l)
		}
	}
	return b.String()
}

// Request is an add-checkpoint request body.
type Request struct {
	Old        uint64
	Proof      [][]byte
	Checkpoint []byte
}

// Marshal formats the request as tlog-witness requires.
func (r Request) Marshal() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", r.Old)
	for _, h := range r.Proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.Write(r.Checkpoint)
	return b.Bytes()
}

// ParseRequest reads an add-checkpoint request body strictly.
func ParseRequest(body []byte) (Request, error) {
	var r Request
	br := bufio.NewReader(bytes.NewReader(body))
	line, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "old ") {
		return r, errors.New("the body must start with an old size line (old N)")
	}
	num := strings.TrimSuffix(strings.TrimPrefix(line, "old "), "\n")
	if num == "" || (len(num) > 1 && num[0] == '0') || strings.TrimLeft(num, "0123456789") != "" {
		return r, fmt.Errorf("old size %q is not a decimal number without leading zeros", num)
	}
	if r.Old, err = strconv.ParseUint(num, 10, 64); err != nil {
		return r, fmt.Errorf("old size %q: %v", num, err)
	}
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return r, errors.New("the proof must end with an empty line before the checkpoint")
		}
		if line == "\n" {
			break
		}
		if len(r.Proof) == 63 {
			return r, errors.New("more than 63 consistency proof lines")
		}
		h, err := base64.StdEncoding.Strict().DecodeString(strings.TrimSuffix(line, "\n"))
		if err != nil || len(h) != ledger.Hasher.Size() {
			return r, fmt.Errorf("proof line %d is not a base64 SHA-256 hash", len(r.Proof)+1)
		}
		r.Proof = append(r.Proof, h)
	}
	r.Checkpoint, _ = io.ReadAll(br)
	if len(r.Checkpoint) == 0 {
		return r, errors.New("the checkpoint is missing")
	}
	return r, nil
}
