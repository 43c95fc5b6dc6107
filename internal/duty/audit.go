package duty

import "github.com/holdfast/holdfast/internal/domain"

// auditWants: each unanswered audit finding that calls for action (a
// reopening, a referral to professional standards, contact with the
// victim) is a finding_response duty of the person the finding names, due
// by the policy's finding_response period from when it was raised. It
// stays open on a closed case, and answering the finding meets it.
func (r Rules) auditWants(c *domain.Case) []Want {
	var out []Want
	for _, f := range c.Findings {
		if !domain.IsAuditFinding(f.Kind) || !f.Resolved.IsZero() || f.MustAct == "" {
			continue
		}
		out = append(out, Want{Kind: FindingResponse, Subject: f.ID, Accountable: f.MustAct, TeamID: c.TeamID,
			Due: r.Policy.Due(FindingResponse, f.Raised, r.Calendar)})
	}
	return out
}
