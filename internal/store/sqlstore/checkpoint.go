package sqlstore

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"sync/atomic"
)

// On SQLite, copying the write-ahead log back into the database file (a
// checkpoint) is left to a goroutine of its own, on a reading connection,
// not to the writing connection: SQLite's automatic checkpoint ran inside
// the commit of every batch that took the log past 1,000 pages, so that
// batch's writers waited for it to be acknowledged, and every writer
// behind them waited for the committer. The writing connection has
// wal_autocheckpoint(0) (open.go).
//
// A checkpoint running beside the writer copies the frames there when it
// began; the log starts again from its head only when a write begins with
// every frame copied, which under a steady stream of writes may never be
// so. A log a background checkpoint leaves longer than walCatchUp frames
// is therefore checkpointed once more by the committer itself, between
// batches (few frames are left to copy by then), and the next write
// starts the log afresh. Durability is unchanged: a commit is durable once
// its frames are synced to the log, whenever they are copied back.

const (
	// checkpointEvery is how many writes are committed between background
	// checkpoints: some 500 to 1,200 frames of the log (a command writes
	// four to nine pages, fewer the fuller its batch).
	checkpointEvery = 128
	// walCatchUp is the length of the log, in frames (8 MB of 4 KB
	// pages), past which the committer checkpoints it itself.
	walCatchUp = 2048
)

type checkpointer struct {
	db   *DB
	wake chan struct{}
	quit chan struct{}
	wg   sync.WaitGroup
	// since is how many writes were committed since the last wake; only
	// the committer's goroutine touches it.
	since int
	// long says the last background checkpoint found the log longer than
	// walCatchUp frames.
	long atomic.Bool
	// runs counts background checkpoints and caughtUp the committer's
	// (export_test.go).
	runs, caughtUp atomic.Int64
}

func newCheckpointer(db *DB) *checkpointer {
	c := &checkpointer{db: db, wake: make(chan struct{}, 1), quit: make(chan struct{})}
	c.wg.Add(1)
	go c.loop()
	return c
}

func (c *checkpointer) close() {
	close(c.quit)
	c.wg.Wait()
}

// committed is told by the committer, between batches, that n writes were
// committed (a long write, an import, counts as many).
func (c *checkpointer) committed(n int, long bool) {
	if long {
		n = checkpointEvery
	}
	c.since += n
	if c.long.Load() {
		c.long.Store(false)
		c.since = 0
		if _, err := c.run(c.db.w); err != nil {
			slog.Warn("checkpoint of the write-ahead log", "err", err)
			return
		}
		c.caughtUp.Add(1)
		return
	}
	if c.since >= checkpointEvery {
		c.since = 0
		select {
		case c.wake <- struct{}{}:
		default: // one is running, or already asked for
		}
	}
}

func (c *checkpointer) loop() {
	defer c.wg.Done()
	for {
		select {
		case <-c.wake:
			frames, err := c.run(c.db.r)
			if err != nil {
				slog.Warn("checkpoint of the write-ahead log", "err", err)
				continue
			}
			c.runs.Add(1)
			c.long.Store(frames > walCatchUp)
		case <-c.quit:
			return
		}
	}
}

// run checkpoints the log without waiting for readers or the writer
// (PASSIVE), on a connection of q, and answers the log's length in frames.
func (c *checkpointer) run(q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) (frames int64, err error) {
	var busy, copied int64
	err = q.QueryRowContext(context.Background(), "PRAGMA wal_checkpoint(PASSIVE)").Scan(&busy, &frames, &copied)
	return frames, err
}
