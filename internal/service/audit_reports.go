package service

// What audits show their readers: the list of a force's audits, an audit
// with its sample, and its report of progress, findings and error rates.

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
)

// AuditSummary is an audit as a list shows it.
type AuditSummary struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Criteria string `json:"criteria"`
	// ClosedFrom/To are the audit's period (YYYY-MM-DD, "" unbounded):
	// its population counts only cases closed in it, which is why it can
	// differ from a triage of every closure.
	ClosedFrom string    `json:"closed_from,omitempty"`
	ClosedTo   string    `json:"closed_to,omitempty"`
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	Population int       `json:"population"`
	Cases      int       `json:"cases"`
	Complete   int       `json:"complete"`
}

// readAudits reads the audits for a report reader.
func (s *Service) readAudits(ctx context.Context, a *Actor, what string) (*domain.AuditState, *domain.OrgState, error) {
	if a == nil {
		return nil, nil, ErrUnauthenticated
	}
	if err := a.need(what, auditReaders...); err != nil {
		return nil, nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, nil, err
	}
	st, err := s.auditState(ctx)
	if err != nil {
		return nil, nil, err
	}
	return st, org, nil
}

// Audits lists the audits of the actor's force, newest first.
func (s *Service) Audits(ctx context.Context, a *Actor) ([]AuditSummary, error) {
	st, org, err := s.readAudits(ctx, a, "read audits")
	if err != nil {
		return nil, err
	}
	out := []AuditSummary{}
	for _, au := range st.List() {
		if !a.System && au.ForceID != a.force(org) {
			continue
		}
		sum := AuditSummary{
			ID:         au.ID,
			Name:       au.Name,
			Criteria:   au.Criteria.Name,
			ClosedFrom: au.Criteria.ClosedFrom,
			ClosedTo:   au.Criteria.ClosedTo,
			CreatedBy:  au.CreatedBy,
			CreatedAt:  au.CreatedAt,
			Population: au.Population,
			Cases:      len(au.Cases),
		}
		for _, c := range au.Cases {
			if c.Status == domain.AuditCaseComplete {
				sum.Complete++
			}
		}
		out = append(out, sum)
	}
	return out, nil
}

// seenAudit is one audit as the actor may read it: the audit, the
// organisation it was read with, and those of its cases they may see. what names the read in a refusal.
func (s *Service) seenAudit(
	ctx context.Context,
	a *Actor,
	what, id string,
) (*domain.Audit, *domain.OrgState, map[string]*domain.Case, error) {
	st, org, err := s.readAudits(ctx, a, what)
	if err != nil {
		return nil, nil, nil, err
	}
	au, err := findAudit(st, org, a, id)
	if err != nil {
		return nil, nil, nil, err
	}
	cases, err := s.auditCases(ctx, a, org, au)
	if err != nil {
		return nil, nil, nil, err
	}
	// Each of these reads shows the sampled cases: recorded, naming them.
	ids := make([]string, 0, len(cases))
	for _, ac := range au.Cases {
		if cases[ac.CaseID] != nil {
			ids = append(ids, ac.CaseID)
		}
	}
	if err := s.LogRead(ctx, a, "audit: "+what, ids, "audit "+au.ID); err != nil {
		return nil, nil, nil, err
	}
	return au, org, cases, nil
}

// auditCases loads the cases of an audit the actor may see (by their team
// now, not when they were sampled). A case is read whole only where the
// report needs more than its list row — its findings, when its review
// called for action, or its pending transfer: a closed case's row (team,
// owner, status) is enough for need-to-know and the CSV, and decoding
// every sampled case's record made the audit's page slow.
func (s *Service) auditCases(
	ctx context.Context,
	a *Actor,
	org *domain.OrgState,
	au *domain.Audit,
) (map[string]*domain.Case, error) {
	out := map[string]*domain.Case{}
	for _, ac := range au.Cases {
		var c *domain.Case
		row, err := s.st.CaseRowByRef(ctx, ac.Ref)
		if err == nil && row.ID == ac.CaseID && row.Status == domain.StatusClosed && !needsRecord(ac) {
			c = &domain.Case{ID: row.ID, Ref: row.Ref, TeamID: row.TeamID, OwnerID: row.OwnerID, Status: row.Status,
				Version: row.Version}
		} else if c, err = s.st.Case(ctx, ac.CaseID); err != nil {
			return nil, fmt.Errorf("case %s of audit %s: %w", ac.Ref, au.Name, err)
		}
		if a.CanSee(org, c) {
			out[c.ID] = c
		}
	}
	return out, nil
}

// needsRecord reports whether the report reads more of an audited case
// than its row: the findings a review's actions follow.
func needsRecord(ac domain.AuditCase) bool {
	if ac.Review == nil {
		return false
	}
	for _, f := range ac.Review.Findings {
		if f.Action != domain.ActionNone {
			return true
		}
	}
	return false
}

// Audit returns an audit with the cases in it the actor may see.
func (s *Service) Audit(ctx context.Context, a *Actor, id string) (*domain.Audit, error) {
	au, _, seen, err := s.seenAudit(ctx, a, "read audits", id)
	if err != nil {
		return nil, err
	}
	out := *au
	out.Cases = []domain.AuditCase{}
	for _, ac := range au.Cases {
		if seen[ac.CaseID] != nil {
			out.Cases = append(out.Cases, ac)
		}
	}
	return &out, nil
}

// AuditReport is an audit's progress and results.
type AuditReport struct {
	AsOf     time.Time     `json:"as_of"`
	Audit    AuditSummary  `json:"audit"`
	Margin   float64       `json:"margin"`
	Seed     string        `json:"seed"`
	Progress AuditProgress `json:"progress"`
	// ErrorRate is over the completed reviews of the random sample only:
	// cases added for their risk would bias it. RiskCases describes those.
	ErrorRate audit.Rate  `json:"error_rate"`
	ByTeam    []GroupRate `json:"by_team"`
	ByOutcome []GroupRate `json:"by_outcome"`
	RiskCases audit.Rate  `json:"risk_cases"`
	// Findings counts findings by kind and severity; Actions follows
	// each finding that called for action to its answer.
	Findings []FindingCount  `json:"findings"`
	Actions  []FindingAction `json:"actions"`
	Reopened []ReopenedCase  `json:"reopened"`
}

// AuditProgress counts the sampled cases by where their review stands.
type AuditProgress struct {
	Cases           int                `json:"cases"`
	Unassigned      int                `json:"unassigned"`
	Assigned        int                `json:"assigned"`
	AwaitingSignOff int                `json:"awaiting_sign_off"`
	Complete        int                `json:"complete"`
	ByReviewer      []ReviewerProgress `json:"by_reviewer"`
}

// ReviewerProgress is one reviewer's share of the work.
type ReviewerProgress struct {
	Reviewer string `json:"reviewer"`
	Name     string `json:"name"`
	Assigned int    `json:"assigned"` // assigned and not yet complete
	Complete int    `json:"complete"`
}

// GroupRate is the error rate of one team or outcome code.
type GroupRate struct {
	Key  string     `json:"key"`
	Name string     `json:"name"`
	Rate audit.Rate `json:"rate"`
}

// FindingCount is how many findings of a kind, by severity.
type FindingCount struct {
	Kind   string `json:"kind"`
	Low    int    `json:"low"`
	Medium int    `json:"medium"`
	High   int    `json:"high"`
	Total  int    `json:"total"`
}

// FindingAction is a finding that called for action, and where it stands.
type FindingAction struct {
	Case        string    `json:"case"`
	FindingID   string    `json:"finding_id"`
	Kind        string    `json:"kind"`
	Severity    string    `json:"severity"`
	Action      string    `json:"action"`
	Accountable string    `json:"accountable"`
	Due         time.Time `json:"due"`
	Answered    time.Time `json:"answered,omitzero"`
	Overdue     bool      `json:"overdue"`
}

// ReopenedCase is a case the audit reopened and where it stands now.
type ReopenedCase struct {
	Case      string        `json:"case"`
	Reason    string        `json:"reason"`
	StatusNow domain.Status `json:"status_now"`
}

// AuditReport reports an audit's progress, findings, reopened cases and
// error rate with its Wilson interval, by team and by outcome code.
func (s *Service) AuditReport(ctx context.Context, a *Actor, id string) (*AuditReport, error) {
	au, org, cases, err := s.seenAudit(ctx, a, "read audit reports", id)
	if err != nil {
		return nil, err
	}
	return s.auditReport(au, org, cases), nil
}

// AuditWithReport is an audit's sample as the actor may see it (as Audit)
// and its report (as AuditReport), read once and recorded once: the audit
// page shows both.
func (s *Service) AuditWithReport(ctx context.Context, a *Actor, id string) (*domain.Audit, *AuditReport, error) {
	au, org, cases, err := s.seenAudit(ctx, a, "read audit reports", id)
	if err != nil {
		return nil, nil, err
	}
	out := *au
	out.Cases = []domain.AuditCase{}
	for _, ac := range au.Cases {
		if cases[ac.CaseID] != nil {
			out.Cases = append(out.Cases, ac)
		}
	}
	return &out, s.auditReport(au, org, cases), nil
}

func (s *Service) auditReport(au *domain.Audit, org *domain.OrgState, cases map[string]*domain.Case) *AuditReport {
	now := s.clock.Now().UTC()
	rep := &AuditReport{AsOf: now, Margin: au.Margin, Seed: au.Seed, ByTeam: []GroupRate{}, ByOutcome: []GroupRate{},
		Findings: []FindingCount{}, Actions: []FindingAction{}, Reopened: []ReopenedCase{}}
	rep.Progress.ByReviewer = []ReviewerProgress{}
	type tally struct{ x, n int }
	teams, outcomes := map[string]*tally{}, map[string]*tally{}
	var all, risk tally
	kinds := map[string]*FindingCount{}
	reviewers := map[string]*ReviewerProgress{}
	for _, ac := range au.Cases {
		c := cases[ac.CaseID]
		if c == nil {
			continue // outside the reader's need to know
		}
		rep.Progress.Cases++
		switch ac.Status {
		case domain.AuditCaseUnassigned:
			rep.Progress.Unassigned++
		case domain.AuditCaseAssigned:
			rep.Progress.Assigned++
		case domain.AuditCaseAwaitingSignOff:
			rep.Progress.AwaitingSignOff++
		case domain.AuditCaseComplete:
			rep.Progress.Complete++
		}
		if ac.Reviewer != "" {
			rp := reviewers[ac.Reviewer]
			if rp == nil {
				rp = &ReviewerProgress{Reviewer: ac.Reviewer, Name: username(org, ac.Reviewer)}
				if u, ok := org.Users[ac.Reviewer]; ok {
					rp.Name = u.Name
				}
				reviewers[ac.Reviewer] = rp
			}
			if ac.Status == domain.AuditCaseComplete {
				rp.Complete++
			} else {
				rp.Assigned++
			}
		}
		if ac.Review == nil {
			continue
		}
		for _, f := range ac.Review.Findings {
			fc := kinds[f.Kind]
			if fc == nil {
				fc = &FindingCount{Kind: f.Kind}
				kinds[f.Kind] = fc
			}
			fc.Total++
			switch f.Severity {
			case domain.SeverityLow:
				fc.Low++
			case domain.SeverityMedium:
				fc.Medium++
			case domain.SeverityHigh:
				fc.High++
			}
			if f.Action == domain.ActionNone {
				continue
			}
			fa := FindingAction{
				Case:        ac.Ref,
				FindingID:   f.ID,
				Kind:        f.Kind,
				Severity:    f.Severity,
				Action:      f.Action,
				Accountable: username(org, f.Accountable),
				Due:         s.Policy().Due(duty.FindingResponse, ac.Review.At, s.cal).UTC(),
			}
			for _, cf := range c.Findings {
				if cf.ID == f.ID {
					fa.Answered = cf.Resolved
				}
			}
			fa.Overdue = fa.Answered.IsZero() && fa.Due.Before(now)
			rep.Actions = append(rep.Actions, fa)
			if f.Action == domain.ActionReopen && !containsReopened(rep.Reopened, ac.Ref) {
				rep.Reopened = append(rep.Reopened, ReopenedCase{Case: ac.Ref, Reason: f.Detail, StatusNow: c.Status})
			}
		}
		if ac.Status != domain.AuditCaseComplete {
			continue
		}
		x := 0
		if ac.Review.InError() {
			x = 1
		}
		if ac.Drawn == domain.DrawnRisk {
			risk.x, risk.n = risk.x+x, risk.n+1
			continue
		}
		all.x, all.n = all.x+x, all.n+1
		for _, g := range []struct {
			m   map[string]*tally
			key string
		}{{teams, ac.TeamID}, {outcomes, ac.Outcome}} {
			if g.m[g.key] == nil {
				g.m[g.key] = &tally{}
			}
			g.m[g.key].x, g.m[g.key].n = g.m[g.key].x+x, g.m[g.key].n+1
		}
	}
	rep.ErrorRate, rep.RiskCases = audit.NewRate(all.x, all.n), audit.NewRate(risk.x, risk.n)
	for key, t := range teams {
		name := key
		if u, ok := org.Units[key]; ok {
			name = u.Name
		}
		rep.ByTeam = append(rep.ByTeam, GroupRate{Key: key, Name: name, Rate: audit.NewRate(t.x, t.n)})
	}
	for key, t := range outcomes {
		name := key
		if o := s.Policy().Outcome(key); o != nil {
			name = o.Title
		}
		rep.ByOutcome = append(rep.ByOutcome, GroupRate{Key: key, Name: name, Rate: audit.NewRate(t.x, t.n)})
	}
	byName := func(g []GroupRate) {
		sort.Slice(g, func(i, j int) bool {
			if g[i].Name != g[j].Name {
				return g[i].Name < g[j].Name
			}
			return g[i].Key < g[j].Key
		})
	}
	byName(rep.ByTeam)
	sort.Slice(
		rep.ByOutcome,
		func(i, j int) bool { return outcomeOrder(rep.ByOutcome[i].Key) < outcomeOrder(rep.ByOutcome[j].Key) },
	)
	for _, fc := range kinds {
		rep.Findings = append(rep.Findings, *fc)
	}
	sort.Slice(rep.Findings, func(i, j int) bool {
		if rep.Findings[i].Total != rep.Findings[j].Total {
			return rep.Findings[i].Total > rep.Findings[j].Total
		}
		return rep.Findings[i].Kind < rep.Findings[j].Kind
	})
	for _, rp := range reviewers {
		rep.Progress.ByReviewer = append(rep.Progress.ByReviewer, *rp)
	}
	sort.Slice(
		rep.Progress.ByReviewer,
		func(i, j int) bool { return rep.Progress.ByReviewer[i].Name < rep.Progress.ByReviewer[j].Name },
	)
	rep.Audit = AuditSummary{
		ID:         au.ID,
		Name:       au.Name,
		Criteria:   au.Criteria.Name,
		CreatedBy:  au.CreatedBy,
		CreatedAt:  au.CreatedAt,
		Population: au.Population,
		Cases:      rep.Progress.Cases,
		Complete:   rep.Progress.Complete,
	}
	return rep
}

func containsReopened(rs []ReopenedCase, ref string) bool {
	for _, r := range rs {
		if r.Case == ref {
			return true
		}
	}
	return false
}

// outcomeOrder sorts outcome codes as numbers ("1", "1A", "2", ... "22").
func outcomeOrder(code string) string {
	n, rest := 0, code
	for len(rest) > 0 && rest[0] >= '0' && rest[0] <= '9' {
		n = n*10 + int(rest[0]-'0')
		rest = rest[1:]
	}
	return fmt.Sprintf("%06d%s", n, rest)
}
