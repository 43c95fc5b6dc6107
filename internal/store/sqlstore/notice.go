package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// docsWithNotices selects the cases whose documents may owe a notice.
const docsWithNotices = "SELECT id, doc FROM cases WHERE id > ? AND doc LIKE '%\"notice_due\"%' ORDER BY id LIMIT ?"

// buildNoticeEach fills, once, the list of decisions owed with their
// dates (domain.Notice.Each) in documents written before it was kept
// (migration 00042). The dates are not in the old document, only in the
// log, so each such case's events are folded again and its victims'
// notices taken from the fold: the document then equals the replay, and
// the victim's page shows each decision's own date. It goes a chunk of
// cases a transaction (eachDocChunkOf): a case filled has its lists, so a
// stop part way resumes at the first case still without one, and a case
// filled again is filled the same. It runs after the migrations, inside
// their lock.
func (db *DB) buildNoticeEach(ctx context.Context) error {
	if done, err := db.built(ctx, "notice_each_built"); err != nil || done {
		return err
	}
	if err := db.eachDocChunkOf(ctx, docsWithNotices, func(x *tx, ids []string, docs [][]byte) error {
		for i, b := range docs {
			var c domain.Case
			if err := json.Unmarshal(b, &c); err != nil {
				return fmt.Errorf("case %s: %w", ids[i], err)
			}
			if !noticeUndated(&c) {
				continue // the text matched a filled notice, or inside a value
			}
			folded, err := x.fold(ids[i])
			if err != nil {
				return fmt.Errorf("notices of %s: %w", c.Ref, err)
			}
			if folded == nil {
				continue
			}
			owed := map[string]*domain.Notice{}
			for _, v := range folded.Victims {
				owed[v.ID] = v.NoticeDue
			}
			for i := range c.Victims {
				c.Victims[i].NoticeDue = owed[c.Victims[i].ID]
			}
			doc, err := json.Marshal(&c)
			if err != nil {
				return err
			}
			if _, err := x.exec("UPDATE cases SET doc = ? WHERE id = ?", string(doc), ids[i]); err != nil {
				return fmt.Errorf("notices of %s: %w", c.Ref, err)
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("notices: %w", err)
	}
	return db.Write(ctx, func(t store.Tx) error {
		_, err := t.(*tx).exec("INSERT INTO notice_each_built (id) VALUES (1)")
		return err
	})
}

// noticeUndated says whether a victim of c is owed a notice without the
// list of its decisions: a document written before migration 00042.
func noticeUndated(c *domain.Case) bool {
	for _, v := range c.Victims {
		if v.NoticeDue != nil && len(v.NoticeDue.Each) == 0 {
			return true
		}
	}
	return false
}

// fold is what the events of case id fold to, read in the transaction
// one at a time; nil if it has none.
func (x *tx) fold(id string) (*domain.Case, error) {
	rows, err := x.t.QueryContext(x.ctx, x.d.q("SELECT "+eventCols+" FROM events WHERE case_id = ? ORDER BY seq"), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var c *domain.Case
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		if c, err = domain.ApplyCase(c, e); err != nil {
			return nil, err
		}
	}
	return c, rows.Err()
}

// built says whether a one-time reshaping of older records, marked by a
// row in table (a migration's *_built table), has already run.
func (db *DB) built(ctx context.Context, table string) (bool, error) {
	var n int
	if err := db.w.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
		return false, fmt.Errorf("%s: %w", table, err)
	}
	return n > 0, nil
}
