package sqlstore

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
)

// localLocks stands in for advisory locks on SQLite, whose single file
// belongs to one process.
var localLocks sync.Map // name → *sync.Mutex

// Exclusive runs fn only if no other holder — in this process or, on
// PostgreSQL, in any instance sharing the database — holds the lock name.
// It reports whether fn ran.
func (db *DB) Exclusive(ctx context.Context, name string, fn func() error) (bool, error) {
	if !db.d.dollar {
		m, _ := localLocks.LoadOrStore(name, &sync.Mutex{})
		mu := m.(*sync.Mutex)
		if !mu.TryLock() {
			return false, nil
		}
		defer mu.Unlock()
		return true, fn()
	}
	h := fnv.New64a()
	h.Write([]byte(name))
	key := int64(h.Sum64())
	// An advisory lock belongs to a session: hold one connection throughout.
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("lock %s: %w", name, err)
	}
	defer conn.Close()
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", key).Scan(&got); err != nil {
		return false, fmt.Errorf("lock %s: %w", name, err)
	}
	if !got {
		return false, nil
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key)
	return true, fn()
}
