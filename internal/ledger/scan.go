package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/holdfast/holdfast/internal/event"
)

// rawSource is a Source that can also read any range of events as
// event.Raw, from several goroutines at once (sqlstore.DB.ScanRaw): the
// verifier then reads the record in parallel, not only hashes it.
type rawSource interface {
	ScanRaw(ctx context.Context, from, to int64, fn func(*event.Raw) error) error
	LatestSeq(ctx context.Context) (int64, error)
}

const chunkEvents = 2048 // events read, hashed and handed on at once

// item is what the ordered stage needs of one event: everything that
// depends on the event alone (its leaf hash, and whether its stored hash is
// SHA-256(its stored prev_hash || leaf hash)) was worked out in parallel.
type item struct {
	seq     int64
	leaf    [sha256.Size]byte
	prev    [sha256.Size]byte
	prevLen int // len of the stored prev_hash; -1 if longer than a hash
	hash    [sha256.Size]byte
	linked  bool // the stored hash is SHA-256(stored prev_hash || leaf)
}

// chunk is a run of consecutive events on their way through scan.
type chunk struct {
	idx      int
	from, to int64 // a raw source's range, read by the worker
	// peek: read only the first event from from on, however far: what
	// follows a gap, so the chain can name it (see producer.ranges).
	peek   bool
	events []*event.Event // a plain source's events, read by the producer
	items  []item
	err    error
}

// errPeeked stops a peek after its one event.
var errPeeked = errors.New("peeked")

// scratch is a worker's reused buffers.
type scratch struct {
	leaf, link []byte
}

// add appends the item of one event, whose canonical leaf follows the
// RFC 6962 leaf prefix in s.leaf. Verification is hashing-bound, so each
// hash is a sha256.Sum256 over a reused input with the same bytes as
// event.LeafHash and event.ChainHash, which allocate.
func (s *scratch) add(c *chunk, seq int64, prev, hash []byte) {
	c.items = append(c.items, item{})
	it := &c.items[len(c.items)-1]
	it.seq = seq
	it.leaf = sha256.Sum256(s.leaf)
	if it.prevLen = len(prev); it.prevLen > sha256.Size {
		it.prevLen = -1
	} else {
		copy(it.prev[:], prev)
	}
	it.linked = false
	if len(hash) == sha256.Size {
		copy(it.hash[:], hash)
		s.link = append(append(s.link[:0], prev...), it.leaf[:]...)
		it.linked = sha256.Sum256(s.link) == it.hash
	}
}

// read reads c's range of events from src into c's items. A range that
// comes back short lowers short to c's number (see producer.ranges).
func (s *scratch) read(ctx context.Context, src rawSource, c *chunk, short *atomic.Int64) error {
	err := src.ScanRaw(ctx, c.from, c.to, func(e *event.Raw) error {
		if !c.peek && int64(len(c.items)) > c.to-c.from {
			return fmt.Errorf("read events %d to %d: more than %d came back", c.from, c.to, c.to-c.from+1)
		}
		s.leaf = e.AppendLeaf(append(s.leaf[:0], 0)) // RFC 6962 leaf prefix
		s.add(c, e.Seq, e.PrevHash, e.Hash)
		if c.peek {
			return errPeeked
		}
		return nil
	})
	switch {
	case errors.Is(err, errPeeked):
		return nil
	case err != nil && ctx.Err() != nil:
		return ctx.Err() // stopped, not failed
	case err == nil && !c.peek && int64(len(c.items)) <= c.to-c.from:
		lower(short, int64(c.idx))
	}
	return err
}

// scan streams src's events from seq from to the end into fn, in order,
// each as an item. Everything that depends on one event alone — reading it
// (from a database, most of the cost), encoding its leaf, its leaf hash,
// its chain hash — runs on every core, a chunk of events at a time; fn
// (the chain's order and the tree) runs on the chunks in order. A source
// that reads ranges (rawSource) is read by the workers themselves; any
// other is read in order by one producer. Chunks and their buffers are
// reused, so nothing is allocated per event beyond what the source does.
func scan(ctx context.Context, src Source, from int64, fn func(*item) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(1, runtime.GOMAXPROCS(0))
	slots := 2*workers + 2 // chunks in flight: every worker busy, one waiting each
	// Every channel can hold every chunk, so handing one on never blocks.
	// Chunks are made as needed, so a small catch-up costs one, and grow
	// to what they hold.
	free := make(chan *chunk, slots)
	todo := make(chan *chunk, slots)
	done := make(chan *chunk, slots)
	raw, isRaw := src.(rawSource)
	var short atomic.Int64 // the first chunk found with a gap in its range
	short.Store(math.MaxInt64)

	var wg sync.WaitGroup
	prodErr := make(chan error, 1)
	wg.Go(func() {
		defer close(todo)
		p := &producer{ctx: ctx, free: free, todo: todo, slots: slots, short: &short}
		if isRaw {
			prodErr <- p.ranges(raw, from)
		} else {
			prodErr <- p.events(src, from)
		}
	})
	var workersWG sync.WaitGroup
	for range workers {
		workersWG.Go(func() {
			var s scratch
			for c := range todo {
				c.items, c.err = c.items[:0], nil
				if isRaw {
					c.err = s.read(ctx, raw, c, &short)
				} else {
					for _, e := range c.events {
						s.leaf = e.AppendLeaf(append(s.leaf[:0], 0)) // RFC 6962 leaf prefix
						s.add(c, e.Seq, e.PrevHash, e.Hash)
					}
				}
				done <- c
			}
		})
	}
	wg.Go(func() {
		workersWG.Wait()
		close(done)
	})

	// The ordered stage: chunks come back in any order and go to fn in
	// the order they were made.
	var err error
	pending := map[int]*chunk{}
	next := 0
	for c := range done {
		pending[c.idx] = c
		for c := pending[next]; c != nil; c = pending[next] {
			delete(pending, next)
			next++
			if err == nil {
				err = ctx.Err() // stopped from outside: we cancel only after an error
			}
			// The events read before a read failed go first: an
			// alteration among them is the report, not the failure.
			for i := 0; err == nil && i < len(c.items); i++ {
				err = fn(&c.items[i])
			}
			if err == nil {
				err = c.err
			}
			if err != nil {
				cancel() // stop the producer and workers; drain what was sent
			}
			free <- c
		}
	}
	wg.Wait()
	if perr := <-prodErr; err == nil {
		err = perr
	}
	return err
}

// producer is scan's first stage: it hands chunks to the workers in order.
type producer struct {
	ctx   context.Context
	free  <-chan *chunk
	todo  chan<- *chunk
	slots int           // chunks it may make
	made  int           // chunks handed out, and the next one's number
	short *atomic.Int64 // the first chunk whose range had a gap
	n     int           // chunks made
}

// take returns a chunk, numbered: a free one, a new one while fewer than
// slots exist, or the next to come free.
func (p *producer) take() (*chunk, error) {
	var c *chunk
	select {
	case c = <-p.free:
	default:
		if p.n < p.slots {
			p.n++
			c = &chunk{}
			break
		}
		select {
		case c = <-p.free:
		case <-p.ctx.Done():
			return nil, p.ctx.Err()
		}
	}
	c.idx, c.peek, c.events = p.made, false, c.events[:0]
	p.made++
	return c, nil
}

// ranges cuts from..the latest event into ranges for the workers to read.
// Events written after this starts are left for the next scan.
//
// The sequence has no gaps, so a range that comes back short has lost
// events; and the latest event may be anywhere (a row inserted with
// sequence number 2⁴⁰). So once a worker finds a short range, no more
// ranges are cut: one peek reads the first event after the last range,
// however far on, and the chain names the gap before it, as reading the
// log in one stream would.
func (p *producer) ranges(src rawSource, from int64) error {
	last, err := src.LatestSeq(p.ctx)
	if err != nil {
		return err
	}
	for from <= last {
		c, err := p.take()
		if err != nil {
			return err
		}
		c.from, c.to = from, last
		if c.peek = p.short.Load() < int64(c.idx); c.peek {
			c.to = 0 // the end, however far
		} else if last-from >= chunkEvents {
			c.to = from + chunkEvents - 1
		}
		p.todo <- c
		if c.peek || c.to == last {
			return nil
		}
		from = c.to + 1
	}
	return nil
}

// events reads src in order, chunkEvents at a time.
func (p *producer) events(src Source, from int64) error {
	var c *chunk
	err := src.ScanEvents(p.ctx, from, 0, func(e *event.Event) error {
		if c == nil {
			var err error
			if c, err = p.take(); err != nil {
				return err
			}
		}
		c.events = append(c.events, e)
		if len(c.events) == chunkEvents {
			p.todo <- c
			c = nil
		}
		return nil
	})
	if c != nil && err == nil {
		p.todo <- c
	}
	return err
}

// follows reports whether the event's stored prev_hash is prev.
func (it *item) follows(prev []byte) bool {
	return it.prevLen == len(prev) && bytes.Equal(it.prev[:it.prevLen], prev)
}

// lower sets a to v if v is less.
func lower(a *atomic.Int64, v int64) {
	for old := a.Load(); v < old && !a.CompareAndSwap(old, v); old = a.Load() {
	}
}
