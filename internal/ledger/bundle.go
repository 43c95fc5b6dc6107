package ledger

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"golang.org/x/mod/sumdb/note"

	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// BundleFormat names the offline bundle: JSON Lines, a header line, then
// one line per event in sequence order, then one per signed checkpoint.
const BundleFormat = "holdfast-ledger-bundle/1"

type bundleHeader struct {
	Format      string `json:"format"`
	Key         string `json:"key"`
	Events      int64  `json:"events"`
	Checkpoints int    `json:"checkpoints"`
}

type bundleEvent struct {
	Seq            int64     `json:"seq"`
	At             time.Time `json:"at"`
	Actor          string    `json:"actor"`
	CaseID         string    `json:"case"`
	CaseVersion    int64     `json:"case_version"`
	Type           string    `json:"type"`
	PayloadVersion int       `json:"v"`
	Source         string    `json:"source"`
	Payload        string    `json:"payload"` // the exact stored bytes
	PrevHash       []byte    `json:"prev_hash"`
	Hash           []byte    `json:"hash"`
}

type bundleLine struct {
	Event      *bundleEvent `json:"event,omitempty"`
	Checkpoint string       `json:"checkpoint,omitempty"`
}

// Export writes the whole record as a bundle an outsider can verify with
// the public key alone.
func Export(ctx context.Context, src Source, vkey string, w io.Writer) error {
	cps, err := src.Checkpoints(ctx)
	if err != nil {
		return err
	}
	var events []*event.Event
	if err := src.ScanEvents(ctx, 1, 0, func(e *event.Event) error {
		events = append(events, e)
		return nil
	}); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	if err := enc.Encode(bundleHeader{Format: BundleFormat, Key: vkey, Events: int64(len(events)), Checkpoints: len(cps)}); err != nil {
		return err
	}
	for _, e := range events {
		be := bundleEvent{
			Seq:            e.Seq,
			At:             e.At,
			Actor:          e.Actor,
			CaseID:         e.CaseID,
			CaseVersion:    e.CaseVersion,
			Type:           e.Type,
			PayloadVersion: e.PayloadVersion,
			Source:         e.Source,
			Payload:        string(e.Payload),
			PrevHash:       e.PrevHash,
			Hash:           e.Hash,
		}
		if err := enc.Encode(bundleLine{Event: &be}); err != nil {
			return fmt.Errorf("export event %d: %w", e.Seq, err)
		}
	}
	for _, c := range cps {
		if err := enc.Encode(bundleLine{Checkpoint: string(c.Note)}); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// ErrBadBundle marks a bundle that cannot be read at all.
var ErrBadBundle = errors.New("malformed bundle")

// ReadBundle parses a bundle, naming the line of any fault.
func ReadBundle(r io.Reader) (*MemSource, string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 8<<20)
	line := 0
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: line %d: %s", ErrBadBundle, line, fmt.Sprintf(format, a...))
	}
	if !sc.Scan() {
		line = 1
		return nil, "", bad("empty: no header line")
	}
	line = 1
	var h bundleHeader
	if err := strictJSON(sc.Bytes(), &h); err != nil {
		return nil, "", bad("header: %v", err)
	}
	if h.Format != BundleFormat {
		return nil, "", bad("format %q, want %q", h.Format, BundleFormat)
	}
	m := &MemSource{}
	for sc.Scan() {
		line++
		var bl bundleLine
		if err := strictJSON(sc.Bytes(), &bl); err != nil {
			return nil, "", bad("%v", err)
		}
		switch {
		case bl.Event != nil && bl.Checkpoint == "":
			if len(m.Cps) > 0 {
				return nil, "", bad("an event after the checkpoints")
			}
			e := bl.Event
			m.Events = append(
				m.Events,
				&event.Event{
					Seq:            e.Seq,
					At:             e.At,
					Actor:          e.Actor,
					CaseID:         e.CaseID,
					CaseVersion:    e.CaseVersion,
					Type:           e.Type,
					PayloadVersion: e.PayloadVersion,
					Source:         e.Source,
					Payload:        json.RawMessage(e.Payload),
					PrevHash:       e.PrevHash,
					Hash:           e.Hash,
				},
			)
		case bl.Checkpoint != "" && bl.Event == nil:
			m.Cps = append(m.Cps, store.Checkpoint{Note: []byte(bl.Checkpoint)})
		default:
			return nil, "", bad("each line after the header holds one event or one checkpoint")
		}
	}
	if err := sc.Err(); err != nil {
		return nil, "", bad("%v", err)
	}
	if int64(len(m.Events)) != h.Events || len(m.Cps) != h.Checkpoints {
		return nil, "", fmt.Errorf(
			"%w: the header promises %d events and %d checkpoints but the bundle holds %d and %d (truncated or padded)",
			ErrBadBundle,
			h.Events,
			h.Checkpoints,
			len(m.Events),
			len(m.Cps),
		)
	}
	for i := range m.Cps {
		if cp, err := ParseCheckpoint(noteText(m.Cps[i].Note)); err == nil {
			m.Cps[i].Size = int64(cp.Size)
		}
	}
	return m, h.Key, nil
}

func noteText(signed []byte) []byte {
	for i := 0; i+1 < len(signed); i++ {
		if signed[i] == '\n' && signed[i+1] == '\n' {
			return signed[:i+1]
		}
	}
	return signed
}

func strictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("trailing data")
	}
	return nil
}

// Check verifies a bundle offline: every event's hash, the chain, the tree
// against every checkpoint signed by v, and against an optional trusted
// checkpoint saved earlier (which catches a rewrite that re-signed history).
func Check(r io.Reader, v note.Verifier, trusted []byte, now time.Time) (*Report, error) {
	m, key, err := ReadBundle(r)
	if err != nil {
		return nil, err
	}
	// The header names the key the exporter used; a different one means the
	// checker was handed the wrong key or the wrong bundle.
	if hv, err := note.NewVerifier(key); err != nil || hv.Name() != v.Name() || hv.KeyHash() != v.KeyHash() {
		return nil, fmt.Errorf(
			"the bundle was exported for key %q, not the key you gave (%s+%08x): check you have the force's public key",
			key,
			v.Name(),
			v.KeyHash(),
		)
	}
	var tc *Checkpoint
	if trusted != nil {
		cp, err := Open(trusted, v)
		if err != nil {
			return nil, fmt.Errorf("trusted checkpoint: %w", err)
		}
		tc = &cp
	}
	return Verify(context.Background(), m, v, tc, now)
}
