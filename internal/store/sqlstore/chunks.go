package sqlstore

import (
	"context"

	"github.com/holdfast/holdfast/internal/store"
)

// splitChunk is how many cases one transaction of a one-time split reads
// and rewrites (buildContacts, buildHistory): a record of a million cases
// is never held at once.
var splitChunk = 500

const selectDocChunk = "SELECT id, doc FROM cases WHERE id > ? ORDER BY id LIMIT ?"

// eachDocChunk hands fn every case document, splitChunk of them by id at a
// time, each chunk in its own transaction. A split through it must be
// safe to resume: it must leave each document it rewrote in a shape it
// skips, since a stop commits the chunks before it.
func (db *DB) eachDocChunk(ctx context.Context, fn func(x *tx, docs [][]byte) error) error {
	after := ""
	for {
		last := ""
		if err := db.Write(ctx, func(t store.Tx) error {
			x := t.(*tx)
			last = ""
			rows, err := x.t.QueryContext(ctx, x.d.q(selectDocChunk), after, splitChunk)
			if err != nil {
				return err
			}
			var docs [][]byte
			if err := func() error {
				defer rows.Close()
				for rows.Next() {
					var id, doc string
					if err := rows.Scan(&id, &doc); err != nil {
						return err
					}
					docs, last = append(docs, []byte(doc)), id
				}
				return rows.Err()
			}(); err != nil || len(docs) == 0 {
				return err
			}
			return fn(x, docs)
		}); err != nil || last == "" {
			return err
		}
		after = last
	}
}
