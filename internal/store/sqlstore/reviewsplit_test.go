package sqlstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestOldReviewsSplitInChunks: documents written before the review log
// (migration 00046) held every review; opening the store moves them out a
// few cases a transaction (a force's record has reviews on most cases, and
// a million documents must not be held at once), and the record then
// equals its replay with every review logged once.
func TestOldReviewsSplitInChunks(t *testing.T) {
	ctx := context.Background()
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		reviews, reviewed := 0, 0
		for i := range 5 {
			c := f.Allocated(t)
			if i%3 > 0 {
				reviewed++
			}
			for j := range i % 3 { // cases with 0, 1 and 2 reviews
				f.Clock.Advance(time.Hour)
				var err error
				c, err = f.Svc.RecordReview(ctx, f.Supervisor, c.ID,
					service.RecordReview{Version: c.Version, Summary: fmt.Sprintf("review %d of case %d", j, i)})
				if err != nil {
					t.Fatal(err)
				}
				reviews++
			}
		}
		// Each document as the old fold wrote it: its reviews in it, no
		// summary.
		rows, err := db.Raw().Query("SELECT id, doc FROM cases ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		old := map[string]string{}
		for rows.Next() {
			var id, b string
			if err := rows.Scan(&id, &b); err != nil {
				t.Fatal(err)
			}
			rs, err := db.Reviews(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			var doc map[string]any
			if err := json.Unmarshal([]byte(b), &doc); err != nil {
				t.Fatal(err)
			}
			for _, k := range []string{"review_count", "last_review_at", "reviewers"} {
				delete(doc, k)
			}
			if len(rs) > 0 {
				doc["reviews"] = rs
			}
			enc, _ := json.Marshal(doc)
			old[id] = string(enc)
		}
		rows.Close()
		for id, b := range old {
			if _, err := db.Raw().Exec(raw(db, "UPDATE cases SET doc = ? WHERE id = ?"), b, id); err != nil {
				t.Fatal(err)
			}
		}
		for _, q := range []string{"DELETE FROM case_reviews", "DELETE FROM case_reviews_built"} {
			if _, err := db.Raw().Exec(q); err != nil {
				t.Fatal(err)
			}
		}
		if _, d, err := replay.Compare(ctx, db); err != nil || d == nil {
			t.Fatalf("the old documents are not told from the new: %v %v", d, err)
		}
		stopped := errors.New("stopped")
		restore := sqlstore.SetSplitChunk(2, func() error { return stopped })
		err = db.Migrate(ctx)
		restore()
		if !errors.Is(err, stopped) {
			t.Fatalf("the split was not stopped: %v", err)
		}
		// Stopped after one chunk: its two reviewed cases split, the marker
		// not written; opened again, the split goes on where it stopped.
		left := count(t, db, `SELECT COUNT(*) FROM cases WHERE doc LIKE '%"reviews":%'`)
		if done := count(t, db, "SELECT COUNT(*) FROM case_reviews_built"); done != 0 || left != reviewed-2 {
			t.Fatalf("stopped after a chunk of 2: %d of %d reviewed cases left, marked done %d", left, reviewed, done)
		}
		restore = sqlstore.SetSplitChunk(2, func() error { return nil })
		err = db.Migrate(ctx)
		restore()
		if err != nil {
			t.Fatal(err)
		}
		if left := count(t, db, `SELECT COUNT(*) FROM cases WHERE doc LIKE '%"reviews":%'`); left != 0 {
			t.Errorf("%d documents still hold reviews", left)
		}
		if n := count(t, db, "SELECT COUNT(*) FROM case_reviews"); n != reviews {
			t.Errorf("%d reviews logged, want %d", n, reviews)
		}
		if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
			t.Fatalf("after the split: %v %v", d, err)
		}
	})
}
