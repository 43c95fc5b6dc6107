package service_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// marchAudit plans an audit of the world's four March closures with seed.
func (w *auditWorld) marchAudit(t *testing.T, seed string) *domain.Audit {
	t.Helper()
	au, err := w.svc.CreateAudit(ctx, w.f.Auditor, service.NewAudit{Name: "March " + seed, ClosedFrom: "2026-03-01",
		ClosedTo: "2026-03-31", Margin: 0.45, Seed: seed, RiskTop: 1})
	if err != nil {
		t.Fatal(err)
	}
	return au
}

// TestReviewRefusedForEveryReasonAtOnce: a review with its questions
// unanswered and a finding with a kind but no severity or detail is
// refused with every reason in one answer, the finding's with the form's.
func TestReviewRefusedForEveryReasonAtOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newAuditWorld(t, db)
		f, svc := w.f, w.svc
		au := w.marchAudit(t, "every-reason")
		if _, err := svc.AssignReview(ctx, f.Auditor, service.AssignReview{Audit: au.ID, Case: w.risky.ID,
			Reviewer: f.Auditor.ID()}); err != nil {
			t.Fatal(err)
		}
		_, err := svc.SubmitReview(ctx, f.Auditor, service.ReviewSubmission{Audit: au.ID, Case: w.risky.ID,
			Findings: []service.NewAuditFinding{{Kind: "suspect_not_pursued"}}})
		p, _ := domain.AsProblems(err)
		var fields []string
		for _, x := range p {
			fields = append(fields, x.Field)
		}
		for _, want := range []string{"form.victim_account", "form.suspects_pursued", "form.outcome_justified",
			"form.summary", "findings[0].severity", "findings[0].detail"} {
			if !slices.Contains(fields, want) {
				t.Errorf("the refusal lacks %s: %v", want, fields)
			}
		}
	})
}

// TestAssignReviewsAtOnce: an audit's cases are assigned to one reviewer
// by one command through the single assignment's gate: a refusal lists
// every refused case with its reasons (the reviewer's own said once) and
// records nothing; accepted, every case is assigned in one transaction.
func TestAssignReviewsAtOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newAuditWorld(t, db)
		f, svc := w.f, w.svc
		au := w.marchAudit(t, "at-once")
		before, _ := db.LatestSeq(ctx)
		refused := func(in service.AssignReviews) domain.Problems {
			t.Helper()
			in.Audit = au.ID
			_, err := svc.AssignReviews(ctx, f.Auditor, in)
			p, ok := domain.AsProblems(err)
			if !ok {
				t.Fatalf("%+v: want a refusal, got %v", in, err)
			}
			return p
		}
		// Sue supervised her case: it is refused, with the case it names,
		// and the risky case she may review is not assigned either.
		p := refused(service.AssignReviews{Cases: []string{w.risky.Ref, w.sueCase.Ref, "CSE/2099/999999"},
			Reviewer: w.sue.ID()})
		var got []string
		for _, x := range p {
			got = append(got, x.Field+" "+x.Rule)
		}
		if !slices.Equal(got, []string{"cases[1] coi_supervisor", "cases[2] not_in_audit"}) ||
			strings.Count(p[0].Message, w.sueCase.Ref) != 1 {
			t.Errorf("refused with %v (%v), each case named once", got, p)
		}
		// More cases than a page may tick at once: said as the page asks.
		many := make([]string, domain.ListItems+1)
		for i := range many {
			many[i] = w.risky.Ref
		}
		if p := refused(service.AssignReviews{Cases: many, Reviewer: w.auditor2.ID()}); len(p) != 1 ||
			p[0].Message != "Choose 200 cases or fewer at a time." {
			t.Errorf("%d cases refused with %v", len(many), p)
		}
		// An investigator is no auditor: said once, not once a case.
		p = refused(service.AssignReviews{Cases: []string{w.risky.Ref, w.shared.Ref}, Reviewer: f.Investigator.ID()})
		n := 0
		for _, x := range p {
			if x.Rule == "not_auditor" {
				n++
				if x.Field != "reviewer" {
					t.Errorf("not an auditor is said of %s", x.Field)
				}
			}
		}
		if n != 1 {
			t.Errorf("not an auditor is said %d times, want once: %v", n, p)
		}
		if got := rules(refused(service.AssignReviews{})); !slices.Equal(got, []string{"required", "required"}) {
			t.Errorf("nothing chosen refused with %v", got)
		}
		if after, _ := db.LatestSeq(ctx); after != before {
			t.Fatalf("refused assignments wrote %d events", after-before)
		}
		if _, err := svc.AssignReviews(ctx, f.Manager, service.AssignReviews{Audit: au.ID,
			Cases: []string{w.risky.Ref}, Reviewer: w.auditor2.ID()}); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("a manager assigned reviews: %v", err)
		}

		acs, err := svc.AssignReviews(ctx, f.Auditor, service.AssignReviews{Audit: au.ID,
			Cases: []string{w.risky.Ref, w.shared.Ref, w.clean.Ref, w.risky.Ref}, Reviewer: w.auditor2.ID()})
		if err != nil {
			t.Fatal(err)
		}
		if len(acs) != 3 {
			t.Fatalf("assigned %d cases, want 3", len(acs))
		}
		got2, _ := svc.Audit(ctx, f.Auditor, au.ID)
		for _, c := range []*domain.Case{w.risky, w.shared, w.clean} {
			if ac := got2.Case(c.ID); ac == nil || ac.Reviewer != w.auditor2.ID() || ac.Status != domain.AuditCaseAssigned {
				t.Errorf("%s after the assignment: %+v", c.Ref, ac)
			}
		}
	})
}
