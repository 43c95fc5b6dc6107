package service_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// readsSince are the records.read events after seq.
func readsSince(t *testing.T, db *sqlstore.DB, seq int64) []domain.RecordsRead {
	t.Helper()
	var out []domain.RecordsRead
	err := db.ScanEvents(context.Background(), seq+1, 0, func(e *event.Event) error {
		if e.Type == domain.EvRecordsRead {
			var p domain.RecordsRead
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				return err
			}
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestAuditReadsAreRecorded (issue 16, item 5): the triage queue, an
// audit, its report and its CSV each append one records.read event naming
// the cases shown.
func TestAuditReadsAreRecorded(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		w := newAuditWorld(t, db)
		seq, _ := db.LatestSeq(ctx)
		tr, err := w.svc.Triage(ctx, w.f.Auditor, service.TriageRequest{Preset: "routine", Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		reads := readsSince(t, db, seq)
		if len(reads) != 1 || reads[0].View != "audits.triage" || len(reads[0].Cases) != len(tr.Queue) ||
			!slices.Contains(reads[0].Cases, tr.Queue[0].CaseID) {
			t.Fatalf("the triage read is recorded as %+v; want one naming the %d cases shown", reads, len(tr.Queue))
		}
		au, err := w.svc.CreateAudit(ctx, w.f.Auditor, service.NewAudit{Name: "Reads", Preset: "routine",
			Margin: 0.1})
		if err != nil {
			t.Fatal(err)
		}
		for _, read := range []func() error{
			func() error { _, err := w.svc.Audit(ctx, w.f.Manager, au.ID); return err },
			func() error { _, err := w.svc.AuditReport(ctx, w.f.External, au.ID); return err },
			func() error { _, err := w.svc.AuditCSV(ctx, w.f.Auditor, au.ID); return err },
		} {
			seq, _ = db.LatestSeq(ctx)
			if err := read(); err != nil {
				t.Fatal(err)
			}
			reads = readsSince(t, db, seq)
			if len(reads) != 1 || len(reads[0].Cases) != len(au.Cases) {
				t.Errorf("an audit read is recorded as %+v; want one naming its %d cases", reads, len(au.Cases))
			}
		}
	})
}

// TestTriageKeptUntilACaseChanges: the ranked queue is kept between
// reads, and a case closed since is in the next one.
func TestTriageKeptUntilACaseChanges(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		w := newAuditWorld(t, db)
		first, err := w.svc.Triage(ctx, w.f.Auditor, service.TriageRequest{Preset: "routine"})
		if err != nil {
			t.Fatal(err)
		}
		again, _ := w.svc.Triage(ctx, w.f.Auditor, service.TriageRequest{Preset: "routine"})
		if again.Total != first.Total {
			t.Fatalf("the same queue read twice: %d then %d", first.Total, again.Total)
		}
		c := closedWithVictim(t, w.f, w.f.Supervisor, auditRationale)
		after, _ := w.svc.Triage(ctx, w.f.Auditor, service.TriageRequest{Preset: "routine"})
		found := false
		for _, e := range after.Queue {
			found = found || e.CaseID == c.ID
		}
		if after.Total != first.Total+1 || !found {
			t.Fatalf("after closing %s the queue holds %d (was %d), with it: %v", c.Ref, after.Total, first.Total,
				found)
		}
		// A reader who sees less gets their own queue.
		mgr, _ := w.svc.Triage(ctx, w.f.Manager, service.TriageRequest{Preset: "routine"})
		if mgr.Total > after.Total {
			t.Errorf("the manager's queue (%d) is larger than the force's (%d)", mgr.Total, after.Total)
		}
		page2, _ := w.svc.Triage(ctx, w.f.Auditor, service.TriageRequest{Preset: "routine", Limit: 1, Offset: 1})
		if after.Total > 1 && (len(page2.Queue) != 1 || page2.Queue[0].CaseID != after.Queue[1].CaseID) {
			t.Errorf("offset 1 gives %+v, want the second case of the queue", page2.Queue)
		}
	})
}

// TestMyReviewsAndReviewerOptions: a reviewer's list holds what is
// assigned to them, due first; the options for a case show the conflict
// of an auditor who supervised it.
func TestMyReviewsAndReviewerOptions(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		w := newAuditWorld(t, db)
		au, err := w.svc.CreateAudit(ctx, w.f.Auditor, service.NewAudit{Name: "Mine", Preset: "routine",
			Margin: 0.1, Seed: "x"})
		if err != nil {
			t.Fatal(err)
		}
		ac := au.Case(w.sueCase.ID)
		if ac == nil {
			t.Skip("the sample did not draw the case Sue supervised")
		}
		opts, err := w.svc.ReviewerOptions(ctx, w.f.Auditor, au.ID, ac.CaseID)
		if err != nil {
			t.Fatal(err)
		}
		conflicted := map[string]bool{}
		for _, o := range opts {
			conflicted[o.User.ID] = len(o.Conflicts) > 0
		}
		if !conflicted[w.sue.ID()] || conflicted[w.auditor2.ID()] {
			t.Errorf("conflicts %v: want Sue (who reviewed it) conflicted and Arun free", conflicted)
		}
		if _, err := w.svc.AssignReview(ctx, w.f.Auditor, service.AssignReview{Audit: au.ID, Case: ac.CaseID,
			Reviewer: w.auditor2.ID()}); err != nil {
			t.Fatal(err)
		}
		mine, err := w.svc.MyReviews(ctx, w.auditor2)
		if err != nil {
			t.Fatal(err)
		}
		if len(mine.ToReview) != 1 || mine.ToReview[0].Case.CaseID != ac.CaseID || mine.ToReview[0].Due.IsZero() {
			t.Errorf("Arun's reviews: %+v", mine.ToReview)
		}
		if _, err := w.svc.MyReviews(ctx, w.f.Manager); err == nil {
			t.Error("a manager has reviews")
		}
		// Were Arun to leave, the review goes back to the audit's lead.
		lw, err := w.svc.LeaverWork(ctx, w.f.Admin, w.auditor2.ID())
		if err != nil {
			t.Fatal(err)
		}
		if len(lw.Reviews) != 1 || lw.Reviews[0].Ref != ac.Ref || lw.Reviews[0].GoesTo != w.f.Auditor.ID() {
			t.Errorf("Arun's reviews as a leaver: %+v", lw.Reviews)
		}
	})
}
