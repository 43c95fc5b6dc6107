package sqlstore

import (
	"context"
	"fmt"
	"sync"

	"github.com/holdfast/holdfast/internal/store"
)

// groupCommit runs the writes that arrive together in one SQLite
// transaction, each inside its own savepoint, and acknowledges them only
// after the single fsync of the commit. A write that fails rolls back to its
// savepoint alone, so it still leaves nothing behind; the others keep their
// order in the log. With synchronous=FULL every acknowledged write is durable.
type groupCommit struct {
	db    *DB
	queue chan *writeReq
	quit  chan struct{}
	wg    sync.WaitGroup
}

type writeReq struct {
	ctx  context.Context
	fn   func(store.Tx) error
	done chan error
}

// maxGroup bounds a group so one slow batch cannot hold many writers.
const maxGroup = 64

func newGroupCommit(db *DB) *groupCommit {
	g := &groupCommit{db: db, queue: make(chan *writeReq, maxGroup), quit: make(chan struct{})}
	g.wg.Add(1)
	go g.loop()
	return g
}

func (g *groupCommit) write(ctx context.Context, fn func(store.Tx) error) error {
	req := &writeReq{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case g.queue <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-g.quit:
		return fmt.Errorf("store is closed")
	}
	// Once queued, wait for the outcome even if ctx ends: the write may
	// already be committed, and the caller must not be told otherwise.
	return <-req.done
}

func (g *groupCommit) close() {
	close(g.quit)
	g.wg.Wait()
}

func (g *groupCommit) loop() {
	defer g.wg.Done()
	for {
		var first *writeReq
		select {
		case first = <-g.queue:
		case <-g.quit:
			return
		}
		reqs := []*writeReq{first}
	drain:
		for len(reqs) < maxGroup {
			select {
			case r := <-g.queue:
				reqs = append(reqs, r)
			default:
				break drain
			}
		}
		g.run(reqs)
	}
}

func (g *groupCommit) run(reqs []*writeReq) {
	errs := make([]error, len(reqs))
	fail := func(err error) {
		for _, r := range reqs {
			r.done <- err
		}
	}
	// The batch's statements use a context of their own: one caller giving
	// up must not roll back the others' writes.
	ctx := context.Background()
	t, err := g.db.w.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("begin: %w", err))
		return
	}
	defer t.Rollback()
	x := &tx{ctx: ctx, db: g.db, d: g.db.d, t: t}
	if err := t.QueryRowContext(ctx, g.db.d.lockHead).Scan(&x.seq, &x.hash, &x.orgSeq); err != nil {
		fail(fmt.Errorf("lock log head: %w", err))
		return
	}
	x.committedOrg = x.orgSeq
	for i, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		seq, hash, orgSeq, appends := x.seq, x.hash, x.orgSeq, x.appends
		if _, err := t.ExecContext(ctx, "SAVEPOINT w"); err != nil {
			fail(fmt.Errorf("savepoint: %w", err))
			return
		}
		errs[i] = safeCall(r.fn, x)
		if errs[i] != nil {
			x.seq, x.hash, x.orgSeq, x.appends = seq, hash, orgSeq, appends
			if _, err := t.ExecContext(ctx, "ROLLBACK TO w"); err != nil {
				fail(fmt.Errorf("rollback to savepoint: %w", err))
				return
			}
		}
		if _, err := t.ExecContext(ctx, "RELEASE w"); err != nil {
			fail(fmt.Errorf("release savepoint: %w", err))
			return
		}
	}
	if err := x.saveHead(); err != nil {
		fail(err)
		return
	}
	g.db.slow.wait()
	if err := t.Commit(); err != nil {
		fail(fmt.Errorf("commit: %w", err))
		return
	}
	for i, r := range reqs {
		r.done <- errs[i]
	}
}

func safeCall(fn func(store.Tx) error, x *tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %v", p)
		}
	}()
	return fn(x)
}
