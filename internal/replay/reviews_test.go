package replay_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// reviewed is an allocated case with three supervisory reviews, by two
// reviewers, the supervisor's first and last.
func reviewed(t *testing.T, db *sqlstore.DB) (*fixture.Force, *domain.Case) {
	t.Helper()
	f := fixture.New(t, db)
	c := f.Allocated(t)
	var err error
	for i, by := range []*service.Actor{f.Supervisor, f.Manager, f.Supervisor} {
		f.Clock.Advance(24 * time.Hour)
		in := service.RecordReview{Version: c.Version, Summary: []string{"Reviewed on Monday",
			"Reviewed on Tuesday", "Reviewed on Wednesday"}[i]}
		if c, err = f.Svc.RecordReview(ctx, by, c.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
		t.Fatalf("before: %v %v", d, err)
	}
	return f, c
}

// TestOldReviewsSplitOnOpen: a record written before the review log
// (migration 00046) kept every review in the case's document. Opening the
// store moves them out, leaves the summary the fold gives, and the record
// then equals its replay.
func TestOldReviewsSplitOnOpen(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, c := reviewed(t, db)
		logged, err := db.Reviews(ctx, c.ID)
		if err != nil || len(logged) != 3 || logged[1].By != f.Manager.ID() {
			t.Fatalf("review log: %+v %v", logged, err)
		}
		live, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		who := []string{f.Supervisor.ID(), f.Manager.ID()}
		if len(live.Reviews) != 0 || live.ReviewCount != 3 || !live.LastReviewAt.Equal(logged[2].At) ||
			!slices.Equal(live.Reviewers, who) {
			t.Fatalf("the document holds %d reviews, summary %d %v %v", len(live.Reviews), live.ReviewCount,
				live.LastReviewAt, live.Reviewers)
		}
		// The document as the old fold wrote it: the reviews in it, no
		// summary.
		var doc map[string]any
		b, _ := json.Marshal(live)
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		doc["reviews"] = logged
		for _, k := range []string{"review_count", "last_review_at", "reviewers"} {
			delete(doc, k)
		}
		b, _ = json.Marshal(doc)
		exec(t, db, "UPDATE cases SET doc = ? WHERE id = ?", string(b), c.ID)
		exec(t, db, "DELETE FROM case_reviews WHERE case_id = ?", c.ID)
		exec(t, db, "DELETE FROM case_reviews_built")
		if _, d, err := replay.Compare(ctx, db); err != nil || d == nil {
			t.Fatalf("the old document is not told from the new: %v %v", d, err)
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
			t.Fatalf("after the split: %v %v", d, err)
		}
		var after string
		if err := db.Raw().QueryRow(strings.Replace("SELECT doc FROM cases WHERE id = ?", "?",
			map[bool]string{true: "$1", false: "?"}[db.Engine() == "postgres"], 1), c.ID).Scan(&after); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(after, `"reviews"`) || !strings.Contains(after, `"review_count":3`) {
			t.Errorf("reviews left in the document, or no summary: %s", after)
		}
		got, err := db.Reviews(ctx, c.ID)
		if err != nil || len(got) != 3 || got[0].Summary != "Reviewed on Monday" {
			t.Errorf("review log after the split: %+v %v", got, err)
		}
	})
}
