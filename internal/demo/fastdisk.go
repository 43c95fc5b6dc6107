package demo

import (
	"context"
	"database/sql"
	"fmt"
)

// FastWrites tunes the writing connection of a SQLite file that is being
// generated and will be moved into place only when whole (cmd/holdfast's
// .partial file), so that a crash leaves nothing anyone reuses:
//
//   - synchronous=OFF: no commit waits for the disk. Without it generating
//     is bound by fsync latency, not work (issue 20: a profile showed the
//     process on the CPU an eighth of the time).
//   - temp_store=MEMORY: the savepoint journal of each command in a group
//     commit stays in memory instead of spilling to a temporary file that
//     is created, written and deleted per batch (9% of the generator's CPU
//     in a profile, most of it system calls).
//   - a larger page cache, so a command rarely reads back a page of the
//     case it wrote a moment ago.
//
// w must be the store's single writing connection pool (sqlstore.DB.Raw):
// a PRAGMA holds for the connection it runs on. The server opens the file
// afresh with the store's own settings (synchronous=FULL).
func FastWrites(ctx context.Context, w *sql.DB) error {
	for _, p := range []string{"PRAGMA synchronous=OFF", "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-65536"} {
		if _, err := w.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("demo: %s: %w", p, err)
		}
	}
	return nil
}
