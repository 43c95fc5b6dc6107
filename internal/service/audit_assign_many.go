package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// AssignReviews gives several sampled cases of an audit to one reviewer.
type AssignReviews struct {
	Audit string `json:"-" path:"id"`
	// Cases are the sampled cases' references, as written
	// (CSE/2026/000012, 2026/12).
	Cases    []string `json:"cases"`
	Reviewer string   `json:"reviewer"` // user id: an auditor with no hand in any of the cases
}

// reviewerRules are the refusals of an assignment that are about the
// reviewer, whichever the case: said once, not once a case.
var reviewerRules = []string{"unknown_user", "not_auditor", "other_force"}

// AssignReviews assigns each case to the reviewer through the gate of
// AssignReview, all in one transaction, or none: if any case is refused,
// the refusal lists every refused case with each reason (field
// "cases[i]", the message beginning with the case's reference) and
// nothing is recorded. The reasons that are the reviewer's (not an
// auditor, not in the force) are said once, on the field "reviewer".
func (s *Service) AssignReviews(ctx context.Context, a *Actor, in AssignReviews) ([]domain.AuditCase, error) {
	if err := checkInput(in); err != nil {
		return nil, casesAtATime(err)
	}
	var ids []string
	decide := func(tx store.Tx, st *domain.AuditState, org *domain.OrgState, now time.Time) ([]auditChange, error) {
		au, err := findAudit(st, org, a, in.Audit)
		if err != nil {
			return nil, err
		}
		var p domain.Problems
		if in.Reviewer == "" {
			p.Add("reviewer", "required", "Choose a reviewer")
		}
		if len(in.Cases) == 0 {
			p.Add("cases", "required", "Choose at least one case to assign")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		// A case not in the sample, and one the actor may not see, are
		// refused in the same words.
		notSampled := func(field, ref string) {
			p.Add(field, "not_in_audit", fmt.Sprintf("%s is not a case of the sample of %s",
				strings.TrimSpace(ref), au.Name))
		}
		var chs []auditChange
		said := map[string]bool{}
		seen := map[string]bool{}
		ids = nil
		for i, ref := range in.Cases {
			field := fmt.Sprintf("cases[%d]", i)
			var ac *domain.AuditCase
			if r, ok := domain.ParseRef(ref); ok {
				for j := range au.Cases {
					if au.Cases[j].Ref == r {
						ac = &au.Cases[j]
					}
				}
			}
			if ac == nil {
				notSampled(field, ref)
				continue
			}
			if seen[ac.CaseID] {
				continue // chosen twice: assigned once
			}
			seen[ac.CaseID] = true
			ch, err := s.assignChange(ctx, tx, st, org, a, AssignReview{Audit: au.ID, Case: ac.CaseID,
				Reviewer: in.Reviewer})
			ps, refused := domain.AsProblems(err)
			if errors.Is(err, ErrNotFound) { // one the actor may not see: as one not sampled
				notSampled(field, ref)
				continue
			}
			if err != nil && !refused {
				return nil, err
			}
			for _, x := range ps {
				if contains(reviewerRules, x.Rule) {
					if !said[x.Rule] {
						said[x.Rule] = true
						p = append(p, domain.Problem{Field: "reviewer", Rule: x.Rule, Message: x.Message})
					}
					continue
				}
				msg := x.Message // named by its reference once: "DS Sue Both reviewed CSE/2026/000012 …"
				if !strings.Contains(msg, ac.Ref) {
					msg = ac.Ref + ": " + msg
				}
				p = append(p, domain.Problem{Field: field, Rule: x.Rule, Message: msg})
			}
			if err == nil {
				chs = append(chs, ch)
				ids = append(ids, ac.CaseID)
			}
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		return chs, nil
	}
	st, err := s.auditCommands(ctx, a, "assign audit reviews", decide)
	if err != nil {
		return nil, err
	}
	out := make([]domain.AuditCase, 0, len(ids))
	for _, id := range ids {
		if ac := sampled(st, in.Audit, id); ac != nil {
			out = append(out, *ac)
		}
	}
	return out, nil
}

// casesAtATime says a refusal of too many cases chosen as the page's
// checkboxes ask: "Choose 200 cases or fewer at a time".
func casesAtATime(err error) error {
	ps, ok := domain.AsProblems(err)
	if !ok {
		return err
	}
	out := make(domain.Problems, 0, len(ps))
	for _, x := range ps {
		if x.Field == "cases" && x.Rule == "too_many" {
			x.Message = fmt.Sprintf("Choose %s cases or fewer at a time.", domain.Thousands(domain.ListItems))
		}
		out = append(out, x)
	}
	return out.Err()
}
