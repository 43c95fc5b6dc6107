package ledger

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/holdfast/holdfast/internal/store"
)

// Witness is a witness outside the database that the log pushes each new
// checkpoint to (internal/witness.Client, speaking C2SP tlog-witness).
type Witness interface {
	// Cosign asks for cosignatures of the signed checkpoint of size
	// events, proving it extends whatever the witness holds with proof(old).
	// It returns the cosignature lines.
	Cosign(
		ctx context.Context,
		checkpoint []byte,
		size uint64,
		proof func(old uint64) ([][]byte, error),
	) ([]byte, error)
	// String names the witness in logs.
	String() string
}

var errSuperseded = errors.New("the witness already holds a later checkpoint")

// cosignStore keeps the cosignatures witnesses returned beside the
// checkpoint they sign (sqlstore.DB).
type cosignStore interface {
	AddCosignatures(ctx context.Context, size int64, lines []byte) error
}

// SetWitnesses makes every checkpoint cut from now on go to ws.
func (l *Log) SetWitnesses(ws ...Witness) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.witnesses = ws
}

// witness pushes c to every witness and keeps what they cosigned. A witness
// that cannot be reached is logged and tried again with the next
// checkpoint; one that holds a longer or different history than the log is
// logged as an alteration of the record, and the error names it.
func (l *Log) witness(ctx context.Context, c *store.Checkpoint) error {
	l.mu.Lock()
	ws := l.witnesses
	l.mu.Unlock()
	var firstErr error
	var lines []byte
	for _, w := range ws {
		b, err := w.Cosign(ctx, c.Note, uint64(c.Size), func(old uint64) ([][]byte, error) {
			if old == 0 || old == uint64(c.Size) {
				return nil, nil
			}
			if old > uint64(c.Size) {
				// Another instance may have pushed a later checkpoint
				// since this one was cut: only a log still shorter than
				// the witness's checkpoint has been rolled back.
				if now, err := l.Size(ctx); err == nil && now >= old {
					return nil, errSuperseded
				}
				return nil, fmt.Errorf("the witness holds a checkpoint of %d events but the log holds only %d: "+
					"the log has been rolled back: %w", old, c.Size, ErrTampered)
			}
			p, err := l.ConsistencyProof(ctx, old, uint64(c.Size))
			if err != nil {
				return nil, err
			}
			return p.Proof, nil
		})
		if errors.Is(err, errSuperseded) {
			continue
		}
		if err != nil {
			slog.Error("ledger: witness", "witness", w.String(), "size", c.Size, "err", err)
			if firstErr == nil {
				firstErr = fmt.Errorf("witness %s: %w", w, err)
			}
			continue
		}
		lines = append(lines, b...)
	}
	if len(lines) > 0 {
		if cs, ok := l.st.(cosignStore); ok {
			if err := cs.AddCosignatures(ctx, c.Size, lines); err != nil {
				return err
			}
		}
		c.Note = append(bytes.Clone(c.Note), lines...)
	}
	return firstErr
}
