package sqlstore_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/holdfast/holdfast/internal/bench"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// TestCheckpointBesideCommitter: under a steady stream of commands from
// many clients, SQLite's write-ahead log is checkpointed beside the
// committer, and still starts again often enough that it stays short:
// far shorter than the pages the commands wrote.
func TestCheckpointBesideCommitter(t *testing.T) {
	if testing.Short() {
		t.Skip("thousands of commands")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "c.db")
	db, err := sqlstore.Open(ctx, path, true)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hf, a, ids, err := bench.Setup(ctx, db, 50)
	if err != nil {
		t.Fatal(err)
	}
	const commands = 4000
	if _, err := bench.Run(ctx, hf, a, ids, bench.Config{Clients: 16, Commands: commands}); err != nil {
		t.Fatal(err)
	}
	background, caughtUp := db.WALCheckpoints()
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// A note writes four or more pages; without checkpoints starting the
	// log again it would hold them all.
	t.Logf("%d background checkpoints, %d caught up by the committer; log %d MB", background, caughtUp, fi.Size()>>20)
	if background == 0 {
		t.Fatal("no checkpoint ran beside the committer")
	}
	if limit := int64(commands * 4 * 4096 / 2); fi.Size() > limit {
		t.Fatalf("the log is %d bytes after %d commands: it did not start again (limit %d)", fi.Size(), commands, limit)
	}
}
