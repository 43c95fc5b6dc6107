package sqlstore

import (
	"context"

	"github.com/holdfast/holdfast/internal/store"
)

// splitChunk is how many cases one transaction of a one-time split reads
// and rewrites (buildContacts, buildHistory, buildReviews): a record of a
// million cases is never held at once.
var splitChunk = 500

// splitChunkDone is called after each chunk commits; tests make it fail
// to stop a split part way.
var splitChunkDone = func() error { return nil }

const selectDocChunk = "SELECT id, doc FROM cases WHERE id > ? ORDER BY id LIMIT ?"

// eachDocChunk is eachDocChunkOf every case document.
func (db *DB) eachDocChunk(ctx context.Context, fn func(x *tx, docs [][]byte) error) error {
	return db.eachDocChunkOf(ctx, selectDocChunk, func(x *tx, _ []string, docs [][]byte) error { return fn(x, docs) })
}

// eachDocChunkOf hands fn the case ids and documents q selects (id, doc
// after its first parameter, by id, as many as its second), splitChunk of
// them at a time, each chunk in its own transaction. A split through it
// must be safe to resume: it must leave each document it rewrote in a
// shape it skips, since a stop commits the chunks before it.
func (db *DB) eachDocChunkOf(ctx context.Context, q string, fn func(x *tx, ids []string, docs [][]byte) error) error {
	after := ""
	for {
		last := ""
		if err := db.Write(ctx, func(t store.Tx) error {
			x := t.(*tx)
			last = ""
			rows, err := x.t.QueryContext(ctx, x.d.q(q), after, splitChunk)
			if err != nil {
				return err
			}
			var ids []string
			var docs [][]byte
			if err := func() error {
				defer rows.Close()
				for rows.Next() {
					var id, doc string
					if err := rows.Scan(&id, &doc); err != nil {
						return err
					}
					ids, docs, last = append(ids, id), append(docs, []byte(doc)), id
				}
				return rows.Err()
			}(); err != nil || len(docs) == 0 {
				return err
			}
			return fn(x, ids, docs)
		}); err != nil || last == "" {
			return err
		}
		after = last
		if err := splitChunkDone(); err != nil { // a test stops here
			return err
		}
	}
}
