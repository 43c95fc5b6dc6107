package ledger

import (
	"context"
	"crypto/sha256"

	"github.com/holdfast/holdfast/internal/event"
)

// leanSource is a Source that can also stream events through one reused
// Event, valid only during fn (sqlstore.DB.ScanLedger): the verifier reads
// each event once and keeps nothing of it.
type leanSource interface {
	ScanLedger(ctx context.Context, from, to int64, fn func(*event.Event) error) error
}

const (
	batchEvents = 512 // events handed from stage to stage at once
	batches     = 4   // batches in flight: enough to keep every stage busy
)

// batch is a run of consecutive events on their way through scan, with
// their leaf hashes once the hasher has been.
type batch struct {
	events []*event.Event
	leaves [batchEvents][sha256.Size]byte
	own    []event.Event // copies of a lean source's events, buffers reused
}

// leafHash is event.LeafHash(e.Leaf()) into a reused buffer: no allocation.
func leafHash(buf []byte, e *event.Event, out *[sha256.Size]byte) []byte {
	buf = e.AppendLeaf(append(buf[:0], 0)) // RFC 6962 leaf prefix
	*out = sha256.Sum256(buf)
	return buf
}

// scan streams src's events from seq from to the end into fn, in order,
// each with its RFC 6962 leaf hash. It runs as three stages so that a
// machine with more than one core verifies in parallel: reading events
// (from a database, decoding rows is most of the cost), encoding and
// hashing each leaf (independent for every event: the bulk of the
// hashing), and fn (the chain and the tree, which go in order). Batches and
// their buffers are reused, so nothing is allocated per event beyond what
// the source does. fn sees each event only until it returns; it must not
// keep it.
func scan(ctx context.Context, src Source, from int64, fn func(e *event.Event, leaf *[sha256.Size]byte) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Every channel can hold every batch, so handing one on never blocks.
	free := make(chan *batch, batches)
	read := make(chan *batch, batches)
	hashed := make(chan *batch, batches)
	readErr := make(chan error, 1)
	go func() {
		defer close(read)
		rd := &reader{ctx: ctx, free: free, read: read}
		readErr <- rd.run(src, from)
	}()
	go func() {
		defer close(hashed)
		var buf []byte
		for b := range read {
			for i, e := range b.events {
				buf = leafHash(buf, e, &b.leaves[i])
			}
			hashed <- b
		}
	}()
	var err error
	for b := range hashed {
		for i := 0; err == nil && i < len(b.events); i++ {
			if err = fn(b.events[i], &b.leaves[i]); err != nil {
				cancel() // stop the reader; drain what was already sent
			}
		}
		free <- b
	}
	if rerr := <-readErr; err == nil {
		err = rerr
	}
	return err
}

// reader is scan's first stage: it fills batches from the source.
type reader struct {
	ctx  context.Context
	free <-chan *batch
	read chan<- *batch
	made int
	b    *batch
}

func (r *reader) run(src Source, from int64) error {
	var err error
	if ls, ok := src.(leanSource); ok {
		err = ls.ScanLedger(r.ctx, from, 0, func(e *event.Event) error {
			if err := r.room(); err != nil {
				return err
			}
			if r.b.own == nil {
				r.b.own = make([]event.Event, batchEvents)
			}
			own := &r.b.own[len(r.b.events)]
			copyEvent(own, e)
			r.b.events = append(r.b.events, own)
			return nil
		})
	} else {
		err = src.ScanEvents(r.ctx, from, 0, func(e *event.Event) error {
			if err := r.room(); err != nil {
				return err
			}
			r.b.events = append(r.b.events, e)
			return nil
		})
	}
	if err == nil && r.b != nil && len(r.b.events) > 0 {
		r.read <- r.b
	}
	return err
}

// room makes sure the current batch has room for one more event, handing
// a full one on. Batches are made as needed, up to batches of them, so a
// small catch-up costs one.
func (r *reader) room() error {
	if r.b != nil && len(r.b.events) < batchEvents {
		return nil
	}
	if r.b != nil {
		r.read <- r.b
		r.b = nil
	}
	select {
	case r.b = <-r.free:
	default:
		if r.made < batches {
			r.made++
			r.b = &batch{events: make([]*event.Event, 0, batchEvents)}
			return nil
		}
		select {
		case r.b = <-r.free:
		case <-r.ctx.Done():
			return r.ctx.Err()
		}
	}
	r.b.events = r.b.events[:0]
	return nil
}

// copyEvent copies e into dst, reusing dst's byte buffers. Strings are
// immutable and shared.
func copyEvent(dst, e *event.Event) {
	payload, prev, hash := dst.Payload, dst.PrevHash, dst.Hash
	*dst = *e
	dst.Payload = append(payload[:0], e.Payload...)
	dst.PrevHash = append(prev[:0], e.PrevHash...)
	dst.Hash = append(hash[:0], e.Hash...)
}
