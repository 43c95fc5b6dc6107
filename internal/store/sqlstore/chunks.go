package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// splitChunk is how many cases one transaction of a one-time split reads
// and rewrites (buildContacts, buildHistory, buildReviews, buildNoticeEach,
// and the index builds of buildIndex): a record of a million cases is
// never held at once.
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

// buildIndex fills, once, an index kept beside the case documents for the
// cases written before its migration (the find index, the POLE index):
// the cases q selects, a chunk a transaction through eachDocChunkOf, each
// chunk's cases' rows in tables cleared and then put. q selects the cases
// the index holds no digest row for, and put writes each case's digest
// row with its other rows, so a build stopped part way picks up at the
// first case not yet indexed. The row of table marker says it is done.
func (db *DB) buildIndex(ctx context.Context, marker, q string, tables []string,
	put func(x *tx, cs []*domain.Case) error) error {
	if done, err := db.built(ctx, marker); err != nil || done {
		return err
	}
	if err := db.eachDocChunkOf(ctx, q, func(x *tx, ids []string, docs [][]byte) error {
		cs := make([]*domain.Case, len(docs))
		for i, b := range docs {
			cs[i] = new(domain.Case)
			if err := json.Unmarshal(b, cs[i]); err != nil {
				return fmt.Errorf("case %s: %w", ids[i], err)
			}
		}
		// Rows without their digest row: none is written so, but the
		// build once began by clearing the tables, and a row left over
		// would refuse the case's new rows.
		for _, t := range tables {
			if _, err := x.exec("DELETE FROM "+t+" WHERE case_id IN ("+placeholders(len(ids))+")",
				anys(ids)...); err != nil {
				return err
			}
		}
		return put(x, cs)
	}); err != nil {
		return err
	}
	return db.Write(ctx, func(t store.Tx) error {
		_, err := t.(*tx).exec("INSERT INTO " + marker + " (id) VALUES (1)")
		return err
	})
}
