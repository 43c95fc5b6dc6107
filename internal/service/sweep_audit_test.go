package service_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

func findingOf(rep *service.SweepReport, ref, kind string) *service.FindingEntry {
	for i := range rep.Findings {
		if f := &rep.Findings[i]; f.Case == ref && f.Kind == kind {
			return f
		}
	}
	return nil
}

// auditFindings lists the audit kinds reported on ref: a legacy closure
// in the audit carries findings of its own.
func auditFindings(rep *service.SweepReport, ref string) []string {
	var out []string
	for _, k := range anyFinding(rep, ref) {
		if k == service.FindingAuditReviewOverdue || k == service.FindingAuditSignOffOverdue {
			out = append(out, k)
		}
	}
	return out
}

// openFinding is the unresolved finding of kind on the case with id, read
// back from the store.
func openFinding(t *testing.T, db *sqlstore.DB, id, kind string) *domain.Finding {
	t.Helper()
	c, err := db.Case(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	return c.OpenFinding(kind)
}

// twoSweeps runs the watchdog twice at the same time and checks the
// second writes nothing.
func twoSweeps(t *testing.T, w *auditWorld, at time.Time) (*service.SweepReport, *service.SweepReport) {
	t.Helper()
	first := sweep(t, w.f, at)
	seq, err := w.db.LatestSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second := sweep(t, w.f, at)
	if after, err := w.db.LatestSeq(ctx); err != nil || after != seq {
		t.Errorf("the second sweep at %v appended events %d..%d (%v)", at, seq+1, after, err)
	}
	return first, second
}

var auditNoConcerns = domain.ReviewForm{
	VictimAccount:    domain.AccountBestPractice,
	SuspectsPursued:  domain.PursuedNoSuspects,
	OutcomeJustified: domain.JustifiedYes,
	Summary:          "Closure justified: every line followed, the victim heard and told",
}

// A review assigned and never submitted: reported to its reviewer by
// exactly one sweep once the policy's period has passed, not before, not
// for a review done in time, and settled by the submission.
func TestAuditReviewOverdueIsRaisedOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newAuditWorld(t, db)
		f, svc := w.f, w.svc
		au, err := svc.CreateAudit(
			ctx,
			f.Auditor,
			service.NewAudit{
				Name:       "March 2026 closures",
				ClosedFrom: "2026-03-01",
				ClosedTo:   "2026-03-31",
				Margin:     0.45,
				Seed:       "holdfast-test",
				RiskTop:    1,
			},
		)
		if err != nil {
			t.Fatal(err)
		}
		assigned := f.Clock.Now()
		for _, a := range []struct {
			c  *domain.Case
			by *service.Actor
		}{{w.clean, w.auditor2}, {w.sueCase, f.Auditor}} {
			if _, err := svc.AssignReview(ctx, f.Auditor, service.AssignReview{
				Audit: au.ID, Case: a.c.ID, Reviewer: a.by.ID()}); err != nil {
				t.Fatal(err)
			}
		}
		due := svc.Policy().Due("audit_review", assigned, svc.Calendar())
		if days := due.Sub(assigned).Hours() / 24; days < 20 {
			t.Fatalf("due %v, %.0f days after the assignment: want the policy's 20 working days", due, days)
		}
		// The clean case's review is done in time (a low finding, so it
		// completes whatever its risk).
		f.Clock.Set(due.Add(-time.Hour))
		ac, err := svc.SubmitReview(ctx, w.auditor2, service.ReviewSubmission{
			Audit: au.ID, Case: w.clean.ID, Form: auditNoConcerns,
			Findings: []service.NewAuditFinding{
				{
					Kind:     "recording",
					Severity: domain.SeverityLow,
					Detail:   "The decision log entry was written up two days late",
				},
			}})
		if err != nil || ac.Status != domain.AuditCaseComplete {
			t.Fatalf("the review in time: %v %+v", err, ac)
		}
		if rep := sweep(t, f, due.Add(-time.Minute)); findingOf(
			rep,
			w.sueCase.Ref,
			service.FindingAuditReviewOverdue,
		) != nil {
			t.Errorf("a review reported overdue before its due time: %+v", rep.Findings)
		}

		at := due.Add(time.Minute)
		// The administrator's dry run (/admin/sweep) counts only what a
		// real run would newly raise: the finding before the run, not
		// after it (it showed every standing audit finding as new).
		dry := func() int {
			t.Helper()
			rep, err := svc.Sweep(ctx, f.Admin, service.SweepOptions{AsOf: at, DryRun: true,
				Overdue: service.OverdueCount})
			if err != nil {
				t.Fatal(err)
			}
			return len(auditFindings(rep, w.sueCase.Ref))
		}
		if n := dry(); n != 1 {
			t.Errorf("a dry run before the sweep reports %d audit findings on %s, want the 1 it would raise", n,
				w.sueCase.Ref)
		}
		first, second := twoSweeps(t, w, at)
		if n := dry(); n != 0 {
			t.Errorf("a dry run after the sweep reports %d audit findings already raised on %s as new", n,
				w.sueCase.Ref)
		}
		if n := raised(first, w.sueCase.Ref, service.FindingAuditReviewOverdue) + raised(second, w.sueCase.Ref, service.FindingAuditReviewOverdue); n != 1 {
			t.Errorf(
				"%s on %s raised %d times by two sweeps, want exactly 1",
				service.FindingAuditReviewOverdue,
				w.sueCase.Ref,
				n,
			)
		}
		fe := findingOf(second, w.sueCase.Ref, service.FindingAuditReviewOverdue)
		if fe == nil || fe.MustAct != f.Auditor.User.Username || !fe.Since.Equal(due) || fe.Severity != "medium" ||
			!strings.Contains(fe.Detail, au.Name) {
			t.Errorf("the finding still stands, with the reviewer to act since the due time %v: %+v", due, fe)
		}
		for _, rep := range []*service.SweepReport{first, second} {
			if got := auditFindings(rep, w.clean.Ref); len(got) != 0 {
				t.Errorf("a review done in time: %s has findings %v", w.clean.Ref, got)
			}
		}
		inbox, err := svc.Inbox(ctx, f.Auditor)
		if err != nil || len(inbox) == 0 || !strings.Contains(inbox[0].Text, w.sueCase.Ref) {
			t.Errorf("the reviewer's inbox: %+v %v", inbox, err)
		}
		// It is the watchdog's, not a reviewer's: no duty to answer it.
		if cf := openFinding(t, db, w.sueCase.ID, service.FindingAuditReviewOverdue); cf == nil ||
			domain.IsAuditFinding(cf.Kind) {
			t.Fatalf("the finding on the case: %+v", cf)
		}

		// Submitting the review ends it, in the same transaction.
		f.Clock.Set(at.Add(time.Hour))
		if _, err := svc.SubmitReview(ctx, f.Auditor, service.ReviewSubmission{
			Audit: au.ID, Case: w.sueCase.ID, Form: auditNoConcerns,
			Findings: []service.NewAuditFinding{{Kind: "recording", Severity: domain.SeverityLow, Detail: "The decision log entry was written up two days late"}}}); err != nil {
			t.Fatal(err)
		}
		if cf := openFinding(t, db, w.sueCase.ID, service.FindingAuditReviewOverdue); cf != nil {
			t.Errorf("the review is submitted but the finding stands: %+v", cf)
		}
		if rep := sweep(t, f, at.Add(2*time.Hour)); len(auditFindings(rep, w.sueCase.Ref)) != 0 {
			t.Errorf("reported after the review was submitted: %v", auditFindings(rep, w.sueCase.Ref))
		}
	})
}

// Reassigning an overdue review settles its finding: the new reviewer is
// owed the policy's full period.
func TestReassignedAuditReviewIsOwedAfresh(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newAuditWorld(t, db)
		f, svc := w.f, w.svc
		au, err := svc.CreateAudit(
			ctx,
			f.Auditor,
			service.NewAudit{
				Name:       "March 2026 closures",
				ClosedFrom: "2026-03-01",
				ClosedTo:   "2026-03-31",
				Margin:     0.45,
				Seed:       "holdfast-test",
				RiskTop:    1,
			},
		)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AssignReview(ctx, f.Auditor, service.AssignReview{
			Audit: au.ID, Case: w.clean.ID, Reviewer: f.Auditor.ID()}); err != nil {
			t.Fatal(err)
		}
		at := svc.Policy().Due("audit_review", f.Clock.Now(), svc.Calendar()).Add(time.Minute)
		if raised(sweep(t, f, at), w.clean.Ref, service.FindingAuditReviewOverdue) != 1 {
			t.Fatal("the overdue review was not reported")
		}
		f.Clock.Set(at)
		if _, err := svc.AssignReview(ctx, f.Auditor, service.AssignReview{
			Audit: au.ID, Case: w.clean.ID, Reviewer: w.auditor2.ID()}); err != nil {
			t.Fatal(err)
		}
		if cf := openFinding(t, db, w.clean.ID, service.FindingAuditReviewOverdue); cf != nil {
			t.Errorf("reassigned, but the finding stands: %+v", cf)
		}
		if rep := sweep(t, f, at.Add(time.Hour)); findingOf(
			rep,
			w.clean.Ref,
			service.FindingAuditReviewOverdue,
		) != nil {
			t.Errorf("a review just reassigned reported overdue: %+v", rep.Findings)
		}
		later := svc.Policy().Due("audit_review", at, svc.Calendar()).Add(time.Minute)
		fe := findingOf(sweep(t, f, later), w.clean.Ref, service.FindingAuditReviewOverdue)
		if fe == nil || !fe.New || fe.MustAct != w.auditor2.User.Username {
			t.Errorf("the new reviewer's overdue review: %+v", fe)
		}
	})
}

// A "no concerns" review of a high-risk case waiting for a second
// reviewer: reported to the audit's lead by exactly one sweep once the
// policy's period has passed; sending it back settles it, and the review
// is then owed again from that day.
func TestAuditSignOffOverdueIsRaisedOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newAuditWorld(t, db)
		f, svc := w.f, w.svc
		au, err := svc.CreateAudit(
			ctx,
			f.Auditor,
			service.NewAudit{
				Name:       "March 2026 closures",
				ClosedFrom: "2026-03-01",
				ClosedTo:   "2026-03-31",
				Margin:     0.45,
				Seed:       "holdfast-test",
				RiskTop:    1,
			},
		)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AssignReview(ctx, f.Auditor, service.AssignReview{
			Audit: au.ID, Case: w.shared.ID, Reviewer: w.auditor2.ID()}); err != nil {
			t.Fatal(err)
		}
		form := auditNoConcerns
		form.SuspectsPursued = domain.PursuedAll
		ac, err := svc.SubmitReview(ctx, w.auditor2, service.ReviewSubmission{
			Audit: au.ID, Case: w.shared.ID, Form: form})
		if err != nil || ac.Status != domain.AuditCaseAwaitingSignOff {
			t.Fatalf("a no-concerns review of a high-risk case: %v %+v", err, ac)
		}
		due := svc.Policy().Due("audit_sign_off", ac.Review.At, svc.Calendar())
		if rep := sweep(t, f, due.Add(-time.Minute)); len(auditFindings(rep, w.shared.Ref)) != 0 {
			t.Errorf("reported before the sign-off was due: %+v", rep.Findings)
		}

		at := due.Add(time.Minute)
		first, second := twoSweeps(t, w, at)
		if n := raised(first, w.shared.Ref, service.FindingAuditSignOffOverdue) + raised(second, w.shared.Ref, service.FindingAuditSignOffOverdue); n != 1 {
			t.Errorf(
				"%s on %s raised %d times by two sweeps, want exactly 1",
				service.FindingAuditSignOffOverdue,
				w.shared.Ref,
				n,
			)
		}
		fe := findingOf(second, w.shared.Ref, service.FindingAuditSignOffOverdue)
		if fe == nil || fe.MustAct != f.Auditor.User.Username || !fe.Since.Equal(due) ||
			!strings.Contains(fe.Detail, au.Name) {
			t.Errorf("the finding still stands, with the audit's lead to act since %v: %+v", due, fe)
		}
		if got := auditFindings(second, w.shared.Ref); len(got) != 1 {
			t.Errorf("a submitted review is not an overdue one: %v", got)
		}

		// The lead sends it back: the sign-off is no longer awaited, and
		// the reviewer is owed the review from now.
		f.Clock.Set(at)
		if _, err := svc.SignOff(ctx, f.Auditor, service.SignOff{
			Audit: au.ID,
			Case:  w.shared.ID,
			Agree: false,
			Note:  "Suspect Adam Smith is shared with the risky case: look again",
		}); err != nil {
			t.Fatal(err)
		}
		if cf := openFinding(t, db, w.shared.ID, service.FindingAuditSignOffOverdue); cf != nil {
			t.Errorf("sent back, but the finding stands: %+v", cf)
		}
		if rep := sweep(t, f, at.Add(time.Hour)); len(auditFindings(rep, w.shared.Ref)) != 0 {
			t.Errorf("just sent back: %v", auditFindings(rep, w.shared.Ref))
		}
		again := svc.Policy().Due("audit_review", at, svc.Calendar())
		if fe := findingOf(sweep(t, f, again.Add(time.Minute)), w.shared.Ref, service.FindingAuditReviewOverdue); fe == nil ||
			!fe.Since.Equal(again) ||
			fe.MustAct != w.auditor2.User.Username {
			t.Errorf("a returned review owed from when it came back, due %v: %+v", again, fe)
		}

		// Resubmitted and agreed: nothing stands.
		f.Clock.Set(again.Add(time.Hour))
		if _, err := svc.SubmitReview(ctx, w.auditor2, service.ReviewSubmission{
			Audit: au.ID, Case: w.shared.ID, Form: form}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SignOff(ctx, f.Auditor, service.SignOff{
			Audit: au.ID, Case: w.shared.ID, Agree: true, Note: "Agreed"}); err != nil {
			t.Fatal(err)
		}
		c, err := db.Case(ctx, w.shared.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, fd := range c.Findings {
			if fd.Resolved.IsZero() &&
				(fd.Kind == service.FindingAuditReviewOverdue || fd.Kind == service.FindingAuditSignOffOverdue) {
				t.Errorf("a completed review leaves %s open", fd.Kind)
			}
		}
		if rep := sweep(t, f, f.Clock.Now().Add(60*24*time.Hour)); len(auditFindings(rep, w.shared.Ref)) != 0 {
			t.Errorf("a completed review reported: %v", auditFindings(rep, w.shared.Ref))
		}
	})
}

// An audit with nothing assigned, and one whose reviews are all done,
// give the watchdog nothing to report however long after.
func TestCleanAuditRaisesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		w := newAuditWorld(t, db)
		f, svc := w.f, w.svc
		if _, err := svc.CreateAudit(ctx, f.Auditor, service.NewAudit{Name: "March 2026 closures", ClosedFrom: "2026-03-01", ClosedTo: "2026-03-31", Margin: 0.45, Seed: "holdfast-test", RiskTop: 1}); err != nil {
			t.Fatal(err)
		}
		rep := sweep(t, f, f.Clock.Now().Add(365*24*time.Hour))
		for _, fe := range rep.Findings {
			if fe.Kind == service.FindingAuditReviewOverdue || fe.Kind == service.FindingAuditSignOffOverdue {
				t.Errorf("an audit with nothing owed: %+v", fe)
			}
		}
	})
}

// Every finding kind the watchdog raises is in docs/watchdog.md's table,
// and none could be taken for a reviewer's audit finding (which owes an
// answer by a duty).
func TestFindingKindsAreDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/watchdog.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range service.FindingKinds() {
		if !strings.Contains(string(doc), "| `"+k+"` |") {
			t.Errorf("finding kind %s is not in docs/watchdog.md's findings table", k)
		}
		if domain.IsAuditFinding(k) {
			t.Errorf("finding kind %s starts with %q, which marks a reviewer's finding", k, domain.AuditFindingPrefix)
		}
	}
}
