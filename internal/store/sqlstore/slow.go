package sqlstore

import (
	"sync/atomic"
	"time"
)

// commitDelay is how long every commit waits before it starts: zero in
// service, set by a fault-injection test to stand for a disk whose fsync
// takes that long (docs/reliability.md, "A slow disk").
type commitDelay struct{ d atomic.Int64 }

// SlowCommits makes every later commit wait d before committing, as a disk
// whose fsync takes d would; 0 restores full speed. The wait is inside the
// transaction, before the commit, so nothing is acknowledged any sooner:
// the test of that is internal/faults.
func (db *DB) SlowCommits(d time.Duration) { db.slow.d.Store(int64(d)) }

func (c *commitDelay) wait() {
	if d := time.Duration(c.d.Load()); d > 0 {
		time.Sleep(d)
	}
}
