package ledger

import (
	"context"

	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// MemSource is a record held in memory: a bundle read back, or a test's.
type MemSource struct {
	Events []*event.Event
	Cps    []store.Checkpoint
}

// ScanEvents yields the events in the order held (not sorted: order is
// what the verifier checks).
func (m *MemSource) ScanEvents(ctx context.Context, from, to int64, fn func(*event.Event) error) error {
	for _, e := range m.Events {
		if e.Seq < from || (to > 0 && e.Seq > to) {
			continue
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// Checkpoints returns the held checkpoints.
func (m *MemSource) Checkpoints(context.Context) ([]store.Checkpoint, error) { return m.Cps, nil }
