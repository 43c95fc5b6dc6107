package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// docsImportedUndated selects the cases whose documents may be imported
// with no time of import.
const docsImportedUndated = "SELECT id, doc FROM cases WHERE id > ? AND doc LIKE '%\"imported\":true%' " +
	"AND doc NOT LIKE '%\"imported_at\"%' ORDER BY id LIMIT ?"

// buildImportedAt fills, once, when each imported case was imported
// (domain.Case.ImportedAt) in documents written before it was kept
// (commit 033ff47, migration 00056): it is only in the log, so each such
// case's events are folded again and the time taken from the fold, and
// the document then equals the replay (rebuild said these cases differed
// from their log). It goes a chunk of cases a transaction, as
// buildClosureSenders does: a case filled is left alone when a stop part
// way resumes. It runs after the migrations, inside their lock.
func (db *DB) buildImportedAt(ctx context.Context) error {
	if done, err := db.built(ctx, "imported_at_built"); err != nil || done {
		return err
	}
	if err := db.eachDocChunkOf(ctx, docsImportedUndated, func(x *tx, ids []string, docs [][]byte) error {
		for i, b := range docs {
			var c domain.Case
			if err := json.Unmarshal(b, &c); err != nil {
				return fmt.Errorf("case %s: %w", ids[i], err)
			}
			if !c.Imported || !c.ImportedAt.IsZero() {
				continue // the text matched inside a value
			}
			folded, err := x.fold(ids[i])
			if err != nil {
				return fmt.Errorf("import of %s: %w", c.Ref, err)
			}
			if folded == nil || folded.ImportedAt.IsZero() {
				continue
			}
			c.ImportedAt = folded.ImportedAt
			doc, err := json.Marshal(&c)
			if err != nil {
				return err
			}
			if _, err := x.exec("UPDATE cases SET doc = ? WHERE id = ?", string(doc), ids[i]); err != nil {
				return fmt.Errorf("import of %s: %w", c.Ref, err)
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("imported at: %w", err)
	}
	return db.Write(ctx, func(t store.Tx) error {
		_, err := t.(*tx).exec("INSERT INTO imported_at_built (id) VALUES (1)")
		return err
	})
}
