package replay_test

import (
	"context"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// migrateOldShape stores doc as the case's document as an older Holdfast
// wrote it, runs undo (the statements that take away what the newer one
// keeps beside the document; a "?" in one is the case's id), checks the
// replay tells that from the record, migrates, and checks the replay then
// finds nothing: the one-time reshaping brought the old shape up to date.
func migrateOldShape(t *testing.T, db *sqlstore.DB, caseID string, doc []byte, undo ...string) {
	t.Helper()
	ctx := context.Background()
	exec(t, db, "UPDATE cases SET doc = ? WHERE id = ?", string(doc), caseID)
	for _, q := range undo {
		if strings.Contains(q, "?") {
			exec(t, db, q, caseID)
		} else {
			exec(t, db, q)
		}
	}
	if _, d, err := replay.Compare(ctx, db); err != nil || d == nil {
		t.Fatalf("the old shape is not told from the new: %v %v", d, err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
		t.Fatalf("after the migration: %v %v", d, err)
	}
}
