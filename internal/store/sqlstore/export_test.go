package sqlstore

import (
	"context"
	"github.com/holdfast/holdfast/internal/domain"
	"time"

	"github.com/holdfast/holdfast/internal/store"
)

// Commits is how many write transactions db has committed: a group of
// writes counts once.
func (db *DB) Commits() int64 { return db.group.commits.Load() }

// WALCheckpoints is how many checkpoints of SQLite's write-ahead log ran
// beside the committer, and how many the committer ran to catch up.
func (db *DB) WALCheckpoints() (background, caughtUp int64) {
	return db.group.ckpt.runs.Load(), db.group.ckpt.caughtUp.Load()
}

// Queued is how many writes wait for the group committer.
func (db *DB) Queued() int { return len(db.group.queue) }

// SetBatchTimeout shortens PostgreSQL's limit on a batch for a test; the
// returned func restores it.
func SetBatchTimeout(d time.Duration) func() {
	old := batchTimeout
	batchTimeout = d
	return func() { batchTimeout = old }
}

// AddFigure adds n to team's figure fig, as a case's write does.
func (db *DB) AddFigure(ctx context.Context, team, fig string, n int) error {
	return db.Write(ctx, func(t store.Tx) error {
		return t.(*tx).applyFigures(map[[2]string]int{{team, fig}: n})
	})
}

// SetNoteChunk makes the notes split (buildNotes) go n cases a
// transaction and call stop after each; the returned func restores both.
func SetNoteChunk(n int, stop func() error) func() {
	oldN, oldStop := noteChunk, notesChunkDone
	noteChunk, notesChunkDone = n, stop
	return func() { noteChunk, notesChunkDone = oldN, oldStop }
}

// SetSplitChunk makes the one-time splits that go through eachDocChunkOf
// take n cases a transaction and call stop after each; the returned func
// restores both.
func SetSplitChunk(n int, stop func() error) func() {
	oldN, oldStop := splitChunk, splitChunkDone
	splitChunk, splitChunkDone = n, stop
	return func() { splitChunk, splitChunkDone = oldN, oldStop }
}

// AsDecoded is asDecoded (written.go).
var AsDecoded = asDecoded

// CheckWritten shows f each case a write kept for the next prefetch, and
// its document; the returned func stops it.
func CheckWritten(f func(kept *domain.Case, doc string)) func() {
	checkWritten = f
	return func() { checkWritten = nil }
}

// WrittenTaken is how many prefetches were answered by a case kept as
// written.
func (db *DB) WrittenTaken() int64 { return db.written.taken.Load() }
