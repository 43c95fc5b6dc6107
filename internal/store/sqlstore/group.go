package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/holdfast/holdfast/internal/store"
)

// groupCommit runs the writes that arrive together in one transaction, each inside its own savepoint, and acknowledges them only
// after the single fsync of the commit. A write that fails rolls back to its
// savepoint alone, so it still leaves nothing behind; the others keep their
// order in the log. With synchronous=FULL every acknowledged write is durable.
// On PostgreSQL the batch also takes the log head's row lock once: the lock
// that serialises writers across instances is held per batch, not per
// write (docs/benchmarks.md, "Group commit on PostgreSQL", says why this
// design and not another).
type groupCommit struct {
	db    *DB
	queue chan *writeReq
	quit  chan struct{}
	wg    sync.WaitGroup
	// commits counts the batches committed: what the tests of grouping
	// look at (export_test.go).
	commits atomic.Int64
	// long says the running batch has the long limit (on PostgreSQL: it
	// began with a long write, an import); carry is a long write that
	// arrived while a batch with the ordinary limit was gathering, kept to
	// begin the next batch rather than be cut off at the ordinary limit.
	// Only the loop's goroutine touches them.
	long  bool
	carry *writeReq
	// ckpt checkpoints SQLite's write-ahead log beside the committer
	// (checkpoint.go); nil on PostgreSQL.
	ckpt *checkpointer
}

type writeReq struct {
	ctx  context.Context
	fn   func(store.Tx) error
	done chan error
	// put are the cases the write put, while they are kept for the next
	// prefetch (written.go); the committer fills it, the caller reads it
	// once done has answered.
	put []putCase
}

// maxGroup bounds a group so one slow batch cannot hold many writers.
const maxGroup = 64

func newGroupCommit(db *DB) *groupCommit {
	g := &groupCommit{db: db, queue: make(chan *writeReq, maxGroup), quit: make(chan struct{})}
	if !db.d.dollar {
		g.ckpt = newCheckpointer(db)
	}
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
	err := <-req.done
	if err == nil && len(req.put) > 0 {
		g.db.keepWritten(req.put)
	}
	return err
}

func (g *groupCommit) close() {
	close(g.quit)
	g.wg.Wait()
	if g.ckpt != nil {
		g.ckpt.close()
	}
}

func (g *groupCommit) loop() {
	defer g.wg.Done()
	for {
		if r := g.carry; r != nil {
			g.carry = nil
			g.run(r)
			continue
		}
		select {
		case first := <-g.queue:
			g.run(first)
		case <-g.quit:
			return
		}
	}
}

// drain adds to reqs the writes queued now, up to maxGroup in all. A long
// write does not join a batch with the ordinary limit (it would be cut off
// at it, and the batch with it): it ends the gathering and begins the next.
func (g *groupCommit) drain(reqs []*writeReq) []*writeReq {
	for len(reqs) < maxGroup {
		select {
		case r := <-g.queue:
			if g.db.d.dollar && !g.long && store.IsLongWrite(r.ctx) {
				g.carry = r
				return reqs
			}
			reqs = append(reqs, r)
		default:
			return reqs
		}
	}
	return reqs
}

// run commits a batch that begins with first: the writes queued behind
// it join once the log head is locked, not before. On PostgreSQL taking
// the lock may wait for another instance's batch, and the writes that
// arrive meanwhile belong in this batch; gathered before the wait, each
// batch held the one or two writes there when it began, and two instances
// took turns committing tiny batches, a lock wait and a flush each.
func (g *groupCommit) run(first *writeReq) {
	reqs := []*writeReq{first}
	var errs []error
	// The batch's statements use a context of their own: one caller giving
	// up must not roll back the others' writes. On PostgreSQL it has a
	// limit, so a server that stops answering fails the batch (its writers
	// are told, nothing is acknowledged) instead of holding them forever.
	ctx := context.Background()
	g.long = store.IsLongWrite(first.ctx)
	if g.db.d.dollar {
		limit := batchTimeout
		if g.long {
			limit = store.LongWriteLimit // an import: minutes, not a stalled server
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, limit)
		defer cancel()
	}
	err := g.batch(ctx, &reqs, &errs)
	for i, r := range reqs {
		if err != nil {
			r.done <- err
		} else {
			r.done <- errs[i]
		}
	}
	if g.ckpt != nil && err == nil {
		g.ckpt.committed(len(reqs), g.long)
	}
}

// batchTimeout bounds one PostgreSQL batch, commit included, unless it
// began with a long write. A variable so that a test need not wait a
// minute.
var batchTimeout = time.Minute

// batch runs *reqp, and the writes queued once the head is locked, in one
// transaction, recording each one's own outcome in *errp; an error
// returned fails them all (nothing was committed, or the commit's outcome
// is unknown: either way none is acknowledged).
func (g *groupCommit) batch(ctx context.Context, reqp *[]*writeReq, errp *[]error) (err error) {
	x := &tx{ctx: ctx, db: g.db, d: g.db.d}
	x.t = sqlTx{x: x}
	var t *sql.Tx
	committed := false
	if g.db.d.dollar {
		// One connection for the batch, whose transaction the batch runs
		// itself: its BEGIN rides with the head lock and its COMMIT with
		// the head's update, each one flight (database/sql's own
		// transaction sends them alone). Bulk writes copy rows through the
		// connection (copyRows).
		conn, cerr := g.db.w.Conn(ctx)
		if cerr != nil {
			return fmt.Errorf("begin: %w", cerr)
		}
		defer func() {
			x.closeBulk()
			if !committed {
				// The connection may still be inside the transaction,
				// holding the log head: dropped, the server ends the
				// transaction with it, and the pool cannot hand it out
				// again. That also drops a connection to a server taking
				// no writes (SQLSTATE 25006: a replica after a failover, or the
				// old primary demoted), so the next batch connects afresh
				// to wherever the database now takes writes
				// (internal/faults, read-only test).
				conn.Raw(func(any) error { return driver.ErrBadConn })
			}
			conn.Close()
		}()
		x.t.c = conn
		x.conn = &pgConn{c: conn, x: x}
		x.pipe = &pipeline{ctx: ctx, conn: conn}
		x.pipe.queue("BEGIN", true)
	} else {
		if t, err = g.db.w.BeginTx(ctx, nil); err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		defer t.Rollback()
		x.t.t = t
	}
	// The log head is locked once for the batch, not once per write: on
	// PostgreSQL this row lock is what gives the log one order across
	// instances, and its cost (a round trip, a wait behind the other
	// instances' batches) is now shared by every write in the batch.
	if err := x.queryRow(g.db.d.lockHead).Scan(&x.seq, &x.hash, &x.orgSeq); err != nil {
		return fmt.Errorf("lock log head: %w", err)
	}
	x.committedOrg = x.orgSeq
	*reqp = g.drain(*reqp)
	reqs := *reqp
	errs := make([]error, len(reqs))
	*errp = errs
	// last is the batch's last write on PostgreSQL, once it ran without
	// error: its statements are not sent alone but with the head's update
	// and the commit, one flight fewer while the head is held; if one of
	// them fails there, commitLast undoes that write alone.
	var last *lastWrite
	for i, r := range reqs {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		seq, hash, orgSeq, appends, cases, versions := x.seq, x.hash, x.orgSeq, x.appends, x.cases, x.versions
		x.read = nil // what an earlier write read is not this one's
		// On PostgreSQL the savepoint, and the release below, are queued:
		// they reach the server with the write's statements (pipe.go).
		if err := x.savepoint(savepointW); err != nil {
			return fmt.Errorf("savepoint: %w", err)
		}
		x.req = r
		errs[i] = safeCall(r.fn, x)
		x.req = nil
		if errs[i] == nil && x.pipe != nil && x.pipe.failed == nil && x.pipe.fatal == nil && i == len(reqs)-1 {
			// Its statements, and any failure of theirs, go with the
			// commit; a version check fails there as a refused statement
			// does (execChecked), so nothing after it runs.
			last = &lastWrite{i: i, seq: seq, hash: hash, orgSeq: orgSeq, appends: appends,
				cases: cases, versions: versions, release: x.pipe.queue("RELEASE w", true)}
			break
		}
		if errs[i] == nil && x.pipe.writes() {
			// The write's last statements go now, before its release: a
			// failing one, or one whose row count fails it (execChecked,
			// which the server does not refuse), fails this write, not
			// the next, and leaves its savepoint there to roll back to.
			errs[i] = x.sync()
		}
		if errs[i] == nil && (x.pipe == nil || x.pipe.failed == nil) {
			// On PostgreSQL it rides with the next flight: the next
			// write's first, or the head's update.
			if err := x.savepoint(releaseW); err != nil {
				return fmt.Errorf("release savepoint: %w", err)
			}
		}
		if x.pipe != nil {
			if x.pipe.fatal != nil {
				return x.pipe.fatal
			}
			if x.pipe.failed != nil {
				// A statement the server refused: what the write made of
				// it (if it heard) matters less than the refusal itself.
				errs[i] = x.pipe.failed
			}
		}
		if errs[i] != nil {
			r.put = nil // rolled back
			x.seq, x.hash, x.orgSeq, x.appends, x.cases, x.versions = seq, hash, orgSeq, appends, cases, versions
			if x.pipe != nil {
				x.sync() // what the write queued runs, to be undone with it
				if x.pipe.fatal != nil {
					return x.pipe.fatal
				}
				if writeAgain(x.pipe.failed) {
					// It decided on a case that had changed: what it
					// made of it does not count (optimistic.go).
					errs[i] = x.pipe.failed
				}
				x.pipe.failed = nil
			}
			if _, err := x.t.ExecContext(ctx, "ROLLBACK TO w"); err != nil {
				return fmt.Errorf("rollback to savepoint: %w", errors.Join(err, errs[i]))
			}
			if _, err := x.t.ExecContext(ctx, "RELEASE w"); err != nil {
				return fmt.Errorf("release savepoint: %w", err)
			}
		}
	}
	if err := x.saveHead(); err != nil {
		return err
	}
	if x.pipe != nil {
		g.db.slow.wait()
		// The head's update and the commit, one flight: the head is
		// released one round trip sooner.
		res := x.pipe.queue("COMMIT", true)
		if err := x.sync(); err != nil {
			if res, err = x.commitLast(last, errs, err); err != nil {
				return fmt.Errorf("commit: %w", err)
			}
		}
		if res.tag != "COMMIT" {
			// PostgreSQL answers COMMIT in a failed transaction by rolling
			// it back, without an error.
			return fmt.Errorf("commit: the server rolled the batch back (%q)", res.tag)
		}
		committed = true
		g.commits.Add(1)
		return nil
	}
	if err := x.sync(); err != nil {
		return fmt.Errorf("advance log head: %w", err)
	}
	g.db.slow.wait()
	if err := t.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	g.commits.Add(1)
	return nil
}

// The statements that open and close each write's savepoint. SQLite runs
// them prepared (hotWrites): parsed afresh, the pair cost as much as a
// write's insert of its event.
const (
	savepointW = "SAVEPOINT w"
	releaseW   = "RELEASE w"
)

// savepoint runs a savepoint statement: prepared on SQLite, queued with
// the next flight on PostgreSQL (groupExec).
func (x *tx) savepoint(query string) error {
	if x.pipe != nil {
		return x.groupExec(query)
	}
	_, err := x.exec(query)
	return err
}

// lastWrite is the batch's last write, whose statements went with the
// commit: the head as it was before it, and its savepoint's release.
type lastWrite struct {
	i           int
	seq, orgSeq int64
	hash        []byte
	appends     int
	// cases and versions are the batch's moves of the cases fingerprint
	// before the last write (tx).
	cases, versions int64
	release         *pipeResult
}

// commitLast answers a commit flight that failed with err. If a statement
// of the batch's last write failed (its release then did not run, nor the
// head's update, nor the commit), that write alone fails: it is rolled
// back to its savepoint, and the head's update and the commit go again
// without it. Any other failure fails the batch.
func (x *tx) commitLast(last *lastWrite, errs []error, err error) (*pipeResult, error) {
	if last == nil || x.pipe.fatal != nil || x.pipe.failed == nil || last.release.err == nil {
		return nil, err
	}
	errs[last.i] = x.pipe.failed
	x.pipe.failed = nil
	x.seq, x.hash, x.orgSeq, x.appends = last.seq, last.hash, last.orgSeq, last.appends
	x.cases, x.versions = last.cases, last.versions
	// As for a write that fails in the loop: sent alone, since the
	// server prepares nothing else in a transaction it has aborted.
	if _, err := x.t.ExecContext(x.ctx, "ROLLBACK TO w"); err != nil {
		return nil, fmt.Errorf("rollback to savepoint: %w", errors.Join(err, errs[last.i]))
	}
	if _, err := x.t.ExecContext(x.ctx, "RELEASE w"); err != nil {
		return nil, fmt.Errorf("release savepoint: %w", err)
	}
	if err := x.saveHead(); err != nil {
		return nil, err
	}
	res := x.pipe.queue("COMMIT", true)
	if err := x.sync(); err != nil {
		return nil, err
	}
	return res, nil
}

func safeCall(fn func(store.Tx) error, x *tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %v", p)
		}
	}()
	return fn(x)
}
