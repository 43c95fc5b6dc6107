package service_test

import (
	"fmt"
	"testing"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestReviewReadNeedToKnowAndLogged: a case's past supervisory reviews are
// out of its document, in the review log (issue 20); the service reads
// them back for a page only for someone with need-to-know, and records the
// read, as it did when they were in the document. The export holds them
// too, and the summary the document keeps still tells the audit's conflict
// check and gate.Involved who reviewed.
func TestReviewReadNeedToKnowAndLogged(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		c := f.Allocated(t)
		c, err := f.Svc.RecordReview(ctx, f.Supervisor, c.ID, service.RecordReview{Version: c.Version,
			Summary: "Plan agreed; the school's safeguarding lead to be seen"})
		if err != nil {
			t.Fatal(err)
		}
		doc, err := db.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(doc.Reviews) != 0 || doc.ReviewCount != 1 || doc.LastReviewAt.IsZero() {
			t.Fatalf("the document holds %d reviews, counts %d, last %v", len(doc.Reviews), doc.ReviewCount,
				doc.LastReviewAt)
		}
		if p := audit.Conflicts(doc, &f.Supervisor.User, nil); !hasProblem(p, "coi_supervisor") {
			t.Errorf("the reviewer's conflict is lost with the reviews: %+v", p)
		}
		if !gate.Involved(doc, f.Supervisor.ID()) || gate.Involved(doc, f.Manager.ID()) {
			t.Errorf("who took part, from the summary, is wrong")
		}
		wantLoggedRead(t, db, f, c, f.Investigator, "investigation", func(got *domain.Case) error {
			if rs := got.Reviews; len(rs) != 1 || rs[0].Summary != "Plan agreed; the school's safeguarding lead to be seen" {
				return fmt.Errorf("reviews read: %+v", rs)
			}
			return nil
		}, "safeguarding lead to be seen")
	})
}

func hasProblem(p domain.Problems, rule string) bool {
	for _, x := range p {
		if x.Rule == rule {
			return true
		}
	}
	return false
}
