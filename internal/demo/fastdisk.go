package demo

import (
	"context"
	"database/sql"
	"fmt"
)

// FastWrites tunes the writing connection of a SQLite file that is being
// generated and will be moved into place only when whole (cmd/holdfast's
// .partial file, synced by installPartial before it takes its name), so
// that a crash leaves nothing anyone reuses:
//
//   - synchronous=OFF: no commit waits for the disk. Without it generating
//     is bound by fsync latency, not work (issue 20: a profile showed the
//     process on the CPU an eighth of the time).
//   - temp_store=MEMORY: the savepoint journal of each command in a group
//     commit stays in memory instead of spilling to a temporary file that
//     is created, written and deleted per batch (9% of the generator's CPU
//     in a profile, most of it system calls).
//   - wal_autocheckpoint of 20,000 pages (80 MB) rather than 1,000: a
//     checkpoint copies every page the WAL holds into the file, and the
//     pages most commands write (the log head, the index roots, the
//     figures) were copied again at every one of the 1,000-page
//     checkpoints; the file is checkpointed whole when it is closed.
//   - mmap_size of 1 GiB: the writer reads the file's pages through a
//     memory map instead of a system call a page.
//
// The page cache is left at SQLite's default size. A 64 MB cache was tried
// (to read back less), but SQLite walks the whole cache's hash table at
// every commit of a batch here, and that walk grew with it: 7% of
// generating's CPU, all of it on the single committing goroutine (issue
// 20's profile, docs/benchmarks.md).
//
// w must be the store's single writing connection pool (sqlstore.DB.Raw):
// a PRAGMA holds for the connection it runs on. The server opens the file
// afresh with the store's own settings (synchronous=FULL).
func FastWrites(ctx context.Context, w *sql.DB) error {
	for _, p := range []string{
		"PRAGMA synchronous=OFF",
		"PRAGMA temp_store=MEMORY",
		"PRAGMA wal_autocheckpoint=20000",
		"PRAGMA mmap_size=1073741824",
	} {
		if _, err := w.ExecContext(ctx, p); err != nil {
			return fmt.Errorf("demo: %s: %w", p, err)
		}
	}
	return nil
}
