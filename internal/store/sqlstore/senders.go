package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// docsWithSentBack selects the cases whose documents may hold a closure
// sent back.
const docsWithSentBack = "SELECT id, doc FROM cases WHERE id > ? AND doc LIKE '%\"rejected\"%' ORDER BY id LIMIT ?"

// buildClosureSenders fills, once, who sent each closure back and when
// (domain.Closure.RejectedBy, RejectedAt) in documents written before they
// were kept (migration 00050): they are only in the log, so each such
// case's events are folded again and its past closures' senders taken
// from the fold, and the document then equals the replay. It goes a chunk
// of cases a transaction, as buildNoticeEach does: a case filled is left
// alone when a stop part way resumes. It runs after the migrations, inside
// their lock.
func (db *DB) buildClosureSenders(ctx context.Context) error {
	if done, err := db.built(ctx, "closure_senders_built"); err != nil || done {
		return err
	}
	if err := db.eachDocChunkOf(ctx, docsWithSentBack, func(x *tx, ids []string, docs [][]byte) error {
		for i, b := range docs {
			var c domain.Case
			if err := json.Unmarshal(b, &c); err != nil {
				return fmt.Errorf("case %s: %w", ids[i], err)
			}
			if !senderMissing(&c) {
				continue // the text matched a filled closure, or inside a value
			}
			folded, err := x.fold(ids[i])
			if err != nil {
				return fmt.Errorf("closures of %s: %w", c.Ref, err)
			}
			if folded == nil {
				continue
			}
			sent := map[string]domain.Closure{}
			for _, cl := range folded.Closures {
				if cl.Rejected != "" {
					sent[cl.ID] = cl
				}
			}
			for j := range c.Closures {
				cl := &c.Closures[j]
				if f, ok := sent[cl.ID]; ok && cl.Rejected != "" && cl.RejectedBy == "" {
					cl.RejectedBy, cl.RejectedAt = f.RejectedBy, f.RejectedAt
				}
			}
			doc, err := json.Marshal(&c)
			if err != nil {
				return err
			}
			if _, err := x.exec("UPDATE cases SET doc = ? WHERE id = ?", string(doc), ids[i]); err != nil {
				return fmt.Errorf("closures of %s: %w", c.Ref, err)
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("closure senders: %w", err)
	}
	return db.Write(ctx, func(t store.Tx) error {
		_, err := t.(*tx).exec("INSERT INTO closure_senders_built (id) VALUES (1)")
		return err
	})
}

// senderMissing says whether a closure of c was sent back without saying
// by whom: a document written before migration 00050.
func senderMissing(c *domain.Case) bool {
	for _, cl := range c.Closures {
		if cl.Rejected != "" && cl.RejectedBy == "" {
			return true
		}
	}
	return false
}
