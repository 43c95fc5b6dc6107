package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// The review log (migration 00046): a case's past supervisory reviews, out
// of its document. A fold leaves the reviews it added in Case.Reviews (the
// n-th of ReviewCount counting from the end); writing the document writes
// them here. The document keeps the summary commands read (domain.Case
// AddReview).

const (
	reviewColumns = 5
	reviewTable   = "case_reviews (case_id, n, id, at, doc)"
	insertReview  = "INSERT INTO " + reviewTable + " VALUES (?, ?, ?, ?, ?)"
	selectReviews = "SELECT case_id, doc FROM case_reviews WHERE case_id = ? ORDER BY n"
	scanReviews   = "SELECT case_id, doc FROM case_reviews ORDER BY case_id, n"
	// The documents as written before the review log: every review in them.
	docsWithReviews = "SELECT id, doc FROM cases WHERE id > ? AND doc LIKE '%\"reviews\":%' ORDER BY id LIMIT ?"
	reviewsBuilt    = "INSERT INTO case_reviews_built (id) VALUES (1)"
)

// appendReviews appends the case_reviews rows of the reviews c added since
// it was read.
func appendReviews(args []any, c *domain.Case) ([]any, error) {
	first := c.ReviewCount - len(c.Reviews) // how many are in the log already
	for j := range c.Reviews {
		r := &c.Reviews[j]
		doc, err := json.Marshal(r)
		if err != nil {
			return nil, fmt.Errorf("encode review %s: %w", r.ID, err)
		}
		args = append(args, c.ID, first+j+1, r.ID, fmtTime(r.At), string(doc))
	}
	return args, nil
}

// putReviews writes the reviews c added since it was read (PutCase,
// through putHistory), a row a statement as putNotes does.
func (x *tx) putReviews(c *domain.Case) error {
	args, err := appendReviews(nil, c)
	if err != nil {
		return err
	}
	for i := 0; i+reviewColumns <= len(args); i += reviewColumns {
		if _, err := x.exec(insertReview, args[i:i+reviewColumns]...); err != nil {
			return fmt.Errorf("review log of %s: %w", c.Ref, err)
		}
	}
	return nil
}

// putReviewsNew writes the reviews of cases new to the record, many rows
// to a statement (PutNewCases, through putHistoryNew).
func (x *tx) putReviewsNew(cs []*domain.Case) error {
	var args []any
	var err error
	for _, c := range cs {
		if args, err = appendReviews(args, c); err != nil {
			return err
		}
	}
	if err := x.insertRows(reviewTable, reviewColumns, args); err != nil {
		return fmt.Errorf("review log: %w", err)
	}
	return nil
}

// addReviews adds c's case_reviews rows to d, as putReviews writes them. A
// fold of the whole log keeps every review of each case.
func (d Derived) addReviews(c *domain.Case) {
	args, _ := appendReviews(nil, c) // a Review always encodes
	for i := 0; i+reviewColumns <= len(args); i += reviewColumns {
		r := texts(args[i : i+reviewColumns]...)
		d["case_reviews"][r[0]+" "+r[1]] = r
	}
}

// Reviews lists case caseID's supervisory reviews in the order recorded.
func (db *DB) Reviews(ctx context.Context, caseID string) ([]domain.Review, error) {
	var out []domain.Review
	err := db.scanReviews(ctx, selectReviews, []any{caseID}, func(_ string, r *domain.Review) error {
		out = append(out, *r)
		return nil
	})
	return out, err
}

// ScanReviews streams every review, by case and order.
func (db *DB) ScanReviews(ctx context.Context, fn func(caseID string, r *domain.Review) error) error {
	return db.scanReviews(ctx, scanReviews, nil, fn)
}

func (db *DB) scanReviews(ctx context.Context, q string, args []any,
	fn func(caseID string, r *domain.Review) error) error {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("review log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var caseID, doc string
		if err := rows.Scan(&caseID, &doc); err != nil {
			return fmt.Errorf("review log: %w", err)
		}
		var r domain.Review
		if err := json.Unmarshal([]byte(doc), &r); err != nil {
			return fmt.Errorf("review log of %s: %w", caseID, err)
		}
		if err := fn(caseID, &r); err != nil {
			return err
		}
	}
	return rows.Err()
}

var _ store.ReviewLog = (*DB)(nil)

// buildReviews splits the documents written before migration 00046, once:
// their reviews move to the review log and the document keeps the summary
// the fold gives (domain.Case.AddReview), so that rebuild finds them equal
// to the replay. Like buildNotes it edits each document's JSON, keeping
// what the splits after it (contacts, duties) have still to move.
func (db *DB) buildReviews(ctx context.Context) error {
	if done, err := db.built(ctx, "case_reviews_built"); err != nil || done {
		return err
	}
	// A chunk at a time (a force's record has reviews on most cases): a
	// document split has no "reviews" key left, so a split stopped part way
	// picks up at the first case not yet split.
	if err := db.eachDocChunkOf(ctx, docsWithReviews, func(x *tx, ids []string, docs [][]byte) error {
		var args []any
		for i, b := range docs {
			var doc map[string]json.RawMessage
			if err := json.Unmarshal(b, &doc); err != nil {
				return fmt.Errorf("review log of %s: %w", ids[i], err)
			}
			if _, ok := doc["reviews"]; !ok {
				continue // the text matched inside a value, not the key
			}
			var rs []domain.Review
			if err := json.Unmarshal(doc["reviews"], &rs); err != nil {
				return fmt.Errorf("reviews of %s: %w", ids[i], err)
			}
			c := &domain.Case{ID: ids[i]}
			for _, r := range rs {
				c.AddReview(r)
			}
			delete(doc, "reviews")
			if err := summarise(doc, c); err != nil {
				return fmt.Errorf("reviews of %s: %w", ids[i], err)
			}
			if err := x.rewrite(docJSON{ids[i], doc}); err != nil {
				return fmt.Errorf("review log of %s: %w", ids[i], err)
			}
			var err error
			if args, err = appendReviews(args, c); err != nil {
				return err
			}
		}
		if err := x.insertRows(reviewTable, reviewColumns, args); err != nil {
			return fmt.Errorf("review log: %w", err)
		}
		return nil
	}); err != nil {
		return err
	}
	return db.Write(ctx, func(t store.Tx) error {
		_, err := t.(*tx).exec(reviewsBuilt)
		return err
	})
}

// summarise sets in doc the review summary of c, as encoding c gives it.
func summarise(doc map[string]json.RawMessage, c *domain.Case) error {
	b, err := json.Marshal(struct {
		Count int       `json:"review_count,omitempty"`
		Last  time.Time `json:"last_review_at,omitzero"`
		Who   []string  `json:"reviewers,omitempty"`
	}{c.ReviewCount, c.LastReviewAt, c.Reviewers})
	if err != nil {
		return err
	}
	return json.Unmarshal(b, &doc)
}

// docJSON is a case's document as JSON fields, for a split to edit.
type docJSON struct {
	id  string
	doc map[string]json.RawMessage
}

// rewrite writes d back as its case's document.
func (x *tx) rewrite(d docJSON) error {
	b, err := json.Marshal(d.doc)
	if err != nil {
		return err
	}
	_, err = x.exec(rewriteDoc, string(b), d.id)
	return err
}
