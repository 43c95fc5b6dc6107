package sqlstore

import (
	"context"
	"fmt"
	"sync"
)

// localLocks stands in for advisory locks on SQLite, whose single file
// belongs to one process. A lock is per file: two databases open in one
// process (tests, a bench beside a server) must not exclude each other.
var localLocks sync.Map // path + "\x00" + name → *sync.Mutex

// Exclusive runs fn only if no other holder — in this process or, on
// PostgreSQL, in any instance sharing the database — holds the lock name.
// It reports whether fn ran.
func (db *DB) Exclusive(ctx context.Context, name string, fn func() error) (bool, error) {
	if !db.d.dollar {
		m, _ := localLocks.LoadOrStore(db.path+"\x00"+name, &sync.Mutex{})
		mu := m.(*sync.Mutex)
		if !mu.TryLock() {
			return false, nil
		}
		defer mu.Unlock()
		return true, fn()
	}
	// An advisory lock belongs to a session: hold one connection throughout.
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return false, fmt.Errorf("lock %s: %w", name, err)
	}
	defer conn.Close()
	// Advisory locks are per database, not per schema: the key names the
	// schema too, so two Holdfast records in one database (a test server,
	// a training copy beside the live one) never hold each other's locks.
	var key int64
	if err := conn.QueryRowContext(ctx, "SELECT hashtextextended(current_database() || '/' || coalesce(current_schema(), '') || '/' || $1, 0)", name).Scan(&key); err != nil {
		return false, fmt.Errorf("lock %s: %w", name, err)
	}
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
