package witness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/mod/sumdb/note"

	fnote "github.com/transparency-dev/formats/note"

	"github.com/holdfast/holdfast/internal/ledger"
)

// Client pushes a log's checkpoints to one witness.
type Client struct {
	URL string
	// Keys check the witness's cosignatures: one of them must verify. Nil
	// accepts any cosignature line (they are kept, and whoever holds the
	// key checks them later).
	Keys note.Verifiers
	HTTP *http.Client

	mu  sync.Mutex
	old uint64 // the size the witness last cosigned, as far as we know
}

func (c *Client) String() string { return c.URL }

// Cosign pushes checkpoint (of size events) to the witness, proving it
// extends the checkpoint the witness holds with proof(old). The first push
// says old 0; the witness's 409 names the size it holds, and the push is
// made again from there (ledger.Witness).
func (c *Client) Cosign(ctx context.Context, checkpoint []byte, size uint64,
	proof func(old uint64) ([][]byte, error)) ([]byte, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for range 3 {
		p, err := proof(c.old)
		if err != nil {
			return nil, err
		}
		lines, err := c.Add(ctx, c.old, p, checkpoint)
		var conflict *ErrConflict
		if errors.As(err, &conflict) && conflict.Size != c.old {
			c.old = conflict.Size
			continue
		}
		if err != nil {
			return nil, err
		}
		c.old = size
		return lines, nil
	}
	return nil, fmt.Errorf("witness %s: its size kept changing under us (another log instance pushing?)", c.URL)
}

// NewClient returns a client of the witness at url (its add-checkpoint and
// checkpoint endpoints are under it). keys are the witness public keys
// (vkeys, or files holding one) a cosignature must verify with; none: any.
func NewClient(url string, keys ...string) (*Client, error) {
	c := &Client{URL: strings.TrimSuffix(url, "/"), HTTP: &http.Client{Timeout: 30 * time.Second}}
	var vs []note.Verifier
	for _, k := range keys {
		v, err := LoadVerifier(k)
		if err != nil {
			return nil, err
		}
		vs = append(vs, v)
	}
	if len(vs) > 0 {
		c.Keys = note.VerifierList(vs...)
	}
	return c, nil
}

// ErrConflict is the witness's 409: it holds another size than the client
// said (Size), or a checkpoint of the same size with another root.
type ErrConflict struct{ Size uint64 }

func (e *ErrConflict) Error() string {
	return fmt.Sprintf("the witness holds a checkpoint of size %d", e.Size)
}

// ErrInconsistent is the witness's 422: the checkpoint does not extend the
// one it cosigned. A log that gets it has had its history rewritten.
var ErrInconsistent = fmt.Errorf("the witness refused the checkpoint: it does not extend the one the witness "+
	"cosigned: %w", ledger.ErrTampered)

// Add asks the witness to cosign checkpoint, proving it extends the one of
// size old. It returns the cosignature lines.
func (c *Client) Add(ctx context.Context, old uint64, proof [][]byte, checkpoint []byte) ([]byte, error) {
	body := Request{Old: old, Proof: proof, Checkpoint: checkpoint}.Marshal()
	resp, b, err := c.do(ctx, http.MethodPost, "/add-checkpoint", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusConflict:
		if resp.Header.Get("Content-Type") == "text/x.tlog.size" {
			n, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
			if err == nil {
				return nil, &ErrConflict{Size: n}
			}
		}
		// The same size with another root: a fork of the history the
		// witness cosigned.
		return nil, fmt.Errorf("witness %s holds another checkpoint of %d events: %s: %w", c.URL, old,
			strings.TrimSpace(string(b)), ledger.ErrTampered)
	case http.StatusUnprocessableEntity:
		return nil, fmt.Errorf("witness %s: %w", c.URL, ErrInconsistent)
	default:
		return nil, fmt.Errorf("witness %s answered %s: %s", c.URL, resp.Status, strings.TrimSpace(string(b)))
	}
	if c.Keys != nil {
		if _, err := note.Open(append(append([]byte{}, checkpoint...), b...), c.Keys); err != nil {
			return nil, fmt.Errorf("witness %s: its cosignature does not verify with its key: %w", c.URL, err)
		}
	}
	return b, nil
}

// do makes one request of the witness and reads the answer.
func (c *Client) do(ctx context.Context, method, path string, body io.Reader) (*http.Response, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.URL+path, body)
	if err != nil {
		return nil, nil, err
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("witness %s: %w", c.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, nil, fmt.Errorf("witness %s: %w", c.URL, err)
	}
	return resp, b, nil
}

// Latest fetches the latest checkpoint the witness cosigned for origin,
// with the log's signature and the witness's cosignature.
func (c *Client) Latest(ctx context.Context, origin string) ([]byte, error) {
	resp, b, err := c.do(ctx, http.MethodGet, "/checkpoint?origin="+urlQuery(origin), nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("witness %s answered %s: %s", c.URL, resp.Status, strings.TrimSpace(string(b)))
	}
	return b, nil
}

// LoadVerifier reads a witness's public key (a vkey or a file holding one)
// as a cosignature/v1 verifier.
func LoadVerifier(key string) (note.Verifier, error) {
	if b, err := readKeyFile(key); err == nil {
		key = b
	}
	v, err := fnote.NewVerifierForCosignatureV1(key)
	if err != nil {
		return nil, fmt.Errorf("witness key %q: %w", key, err)
	}
	return v, nil
}

// Open verifies a cosigned checkpoint — a witness's copy, or one stored
// with its cosignatures: the log's signature always, and a cosignature by
// one of witnesses unless that is nil. It returns the checkpoint and the
// names of those who cosigned it (verified, or merely present when
// witnesses is nil).
func Open(signed []byte, log note.Verifier, witnesses note.Verifiers) (ledger.Checkpoint, []string, error) {
	n, err := note.Open(signed, both{log, witnesses})
	if err != nil {
		return ledger.Checkpoint{}, nil, fmt.Errorf("cosigned checkpoint: %w", err)
	}
	var logSigned bool
	var names []string
	for _, s := range n.Sigs {
		if s.Name == log.Name() && s.Hash == log.KeyHash() {
			logSigned = true
		} else {
			names = append(names, s.Name)
		}
	}
	if !logSigned {
		return ledger.Checkpoint{}, nil, errors.New(
			"cosigned checkpoint: the log's own signature is missing or does not verify",
		)
	}
	if witnesses == nil {
		for _, s := range n.UnverifiedSigs {
			names = append(names, s.Name)
		}
	} else if len(names) == 0 {
		return ledger.Checkpoint{}, nil, errors.New("cosigned checkpoint: no cosignature verifies with the witness keys given")
	}
	cp, err := ledger.ParseCheckpoint([]byte(n.Text))
	return cp, names, err
}

// both finds a key among the log's and the witnesses'.
type both struct {
	log       note.Verifier
	witnesses note.Verifiers
}

func (b both) Verifier(name string, hash uint32) (note.Verifier, error) {
	if name == b.log.Name() && hash == b.log.KeyHash() {
		return b.log, nil
	}
	if b.witnesses == nil {
		return nil, &note.UnknownVerifierError{Name: name, KeyHash: hash}
	}
	return b.witnesses.Verifier(name, hash)
}
