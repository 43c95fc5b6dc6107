package demo_test

import (
	"context"
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// checkTriageAnswers (issue 22): triage is scored against the failings
// planted in the historic closures. Reading each suspect's whole history,
// suspect_not_interviewed no longer takes an interviewed suspect later
// released with no further action for one never interviewed (its
// precision was 26-50% when the import kept only the last status); every
// reason that fires on a case must have been planted there, or be
// explained by another planted failing.
func checkTriageAnswers(t *testing.T, g generated) {
	ctx := context.Background()
	rv := g.res.Review
	res, err := g.svc.Triage(ctx, service.SystemActor("test"), service.TriageRequest{
		Criteria: &domain.AuditCriteria{Name: "every closure"}, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]*domain.Case{}
	for _, c := range allCases(t, g) {
		if c.Imported {
			byRef[c.Ref] = c
		}
	}
	for _, reason := range []string{audit.ReasonSuspectNotInterviewed, audit.ReasonVictimNotTold} {
		tp, fp, fn := 0, 0, 0
		fired := map[string]bool{}
		for _, e := range res.Queue {
			c := byRef[e.Ref]
			if c == nil || c.Reopened > 0 {
				continue
			}
			for _, r := range e.Reasons {
				if r.Code == reason {
					fired[c.SourceRef] = true
				}
			}
		}
		for _, c := range byRef {
			if c.Reopened > 0 {
				continue
			}
			planted := slices.Contains(rv.Planted[c.SourceRef], reason)
			switch {
			case planted && fired[c.SourceRef]:
				tp++
			case fired[c.SourceRef]:
				fp++
			case planted:
				fn++
			}
		}
		precision := float64(tp) / float64(max(1, tp+fp))
		recall := float64(tp) / float64(max(1, tp+fn))
		t.Logf("%s: %d true, %d false positives, %d missed: precision %.2f, recall %.2f", reason, tp, fp, fn,
			precision, recall)
		if tp == 0 || precision < 0.9 {
			t.Errorf("%s: precision %.2f (%d of %d), want at least 0.9", reason, precision, tp, tp+fp)
		}
	}
}
