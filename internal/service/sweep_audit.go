package service

// The watchdog's view of audits: reviews assigned and not done, and "no
// concerns" reviews waiting for a second reviewer, past the policy's
// deadlines — raised as findings on the audited case, settled by the
// audit commands that end them.

import (
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/policy"
)

// Policy keys of the audits' deadlines (internal/policy/default.yaml).
const (
	policyAuditReview  = "audit_review"
	policyAuditSignOff = "audit_sign_off"
)

// auditDue is an audited case with a review or a sign-off overdue.
type auditDue struct {
	ref    string
	causes map[string]cause
}

// auditOverdue finds in the audits' record every review assigned and not
// submitted within the policy's audit_review period (from the assignment,
// or from when a second reviewer sent it back), and every "no concerns"
// review not signed off within audit_sign_off of its submission, as of
// asOf — only those of case only, if it is set. It reads no case. A case
// overdue in several audits has one finding of each kind, since the
// earliest due time.
func (s *Service) auditOverdue(
	st *domain.AuditState,
	org *domain.OrgState,
	pol *policy.Policy,
	asOf time.Time,
	only string,
) map[string]*auditDue {
	out := map[string]*auditDue{}
	add := func(ac *domain.AuditCase, kind string, why cause) {
		d := out[ac.CaseID]
		if d == nil {
			d = &auditDue{ref: ac.Ref, causes: map[string]cause{}}
			out[ac.CaseID] = d
		}
		if old, ok := d.causes[kind]; !ok || why.since.Before(old.since) {
			d.causes[kind] = why
		}
	}
	for _, au := range st.List() {
		for i := range au.Cases {
			ac := &au.Cases[i]
			if only != "" && ac.CaseID != only {
				continue
			}
			switch {
			case ac.Status == domain.AuditCaseAssigned:
				from := ac.AssignedAt
				if n := len(ac.SignOffs); n > 0 && !ac.SignOffs[n-1].Agree && ac.SignOffs[n-1].At.After(from) {
					from = ac.SignOffs[n-1].At
				}
				due := pol.Due(policyAuditReview, from, s.cal)
				if due.After(asOf) {
					continue
				}
				// A reviewer who has left will never submit it: the
				// audit's lead must reassign it.
				add(ac, FindingAuditReviewOverdue, cause{since: due, mustAct: serving(org, ac.Reviewer, au.CreatedBy),
					detail: fmt.Sprintf(
						"The review of this case in audit %q, assigned to %s, was due by %s: submit it, or reassign it",
						au.Name,
						personName(org, ac.Reviewer),
						londonTime(due),
					)})
			case ac.Status == domain.AuditCaseAwaitingSignOff && ac.Review != nil:
				due := pol.Due(policyAuditSignOff, ac.Review.At, s.cal)
				if due.After(asOf) {
					continue
				}
				// Any auditor but the review's author may sign it off, so
				// no one is bound to: the audit's lead, who runs it, sees
				// that someone does (the author, if the lead has left).
				add(ac, FindingAuditSignOffOverdue, cause{since: due, mustAct: serving(org, au.CreatedBy, ac.Review.By),
					detail: fmt.Sprintf(
						"The \"no concerns\" review of this high-risk case in audit %q by %s was due a second auditor's sign-off by %s: sign it off or send it back",
						au.Name,
						personName(org, ac.Review.By),
						londonTime(due),
					)})
			}
		}
	}
	return out
}

// settleAuditFindings resolves the audit findings on c whose cause has
// ended with the audit event just folded into st — a review submitted,
// signed off, sent back or reassigned — as the command that ends it, in
// its transaction. One that still stands in another audit stays open.
func (s *Service) settleAuditFindings(
	st *domain.AuditState,
	org *domain.OrgState,
	c *domain.Case,
	actor string,
	now time.Time,
) ([]*event.Event, error) {
	var standing map[string]cause
	if d := s.auditOverdue(st, org, s.Policy(), now, c.ID)[c.ID]; d != nil {
		standing = d.causes
	}
	var out []*event.Event
	for _, f := range c.Findings {
		if _, still := standing[f.Kind]; !f.Resolved.IsZero() || !auditFindingKinds[f.Kind] || still {
			continue
		}
		e, err := domain.NewEvent(domain.EvFindingResolved, actor, c.ID, now, domain.FindingResolved{ID: f.ID})
		if err != nil {
			return nil, fmt.Errorf("resolve finding %s on %s: %w", f.ID, c.Ref, err)
		}
		out = append(out, e)
	}
	return out, nil
}

// serving is the first of ids who still serves, or the first if none does.
func serving(org *domain.OrgState, ids ...string) string {
	for _, id := range ids {
		if u, ok := org.Users[id]; ok && u.Active {
			return id
		}
	}
	return ids[0]
}
