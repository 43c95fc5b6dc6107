package service

// Triage: closed cases ranked by risk against an audit's criteria, each
// with the reasons for its place. It writes nothing.

import (
	"context"
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
)

// TriageRequest asks for a ranked queue: a preset, or criteria of one's own.
type TriageRequest struct {
	Preset   string                `json:"preset,omitempty"`   // routine | beaconport (default: beaconport)
	Criteria *domain.AuditCriteria `json:"criteria,omitempty"` // instead of a preset
	Limit    int                   `json:"limit,omitempty"`    // entries returned (default 100, at most 10000)
	Offset   int                   `json:"offset,omitempty"`   // entries skipped first, to page through the queue
}

// TriageResult is a ranked queue of closed cases, each with its reasons.
type TriageResult struct {
	AsOf     time.Time            `json:"as_of"`
	Criteria domain.AuditCriteria `json:"criteria"`
	Model    audit.Model          `json:"model"`
	Summary  audit.Summary        `json:"summary"`
	Total    int                  `json:"total"` // the whole queue; Queue may be cut at the limit
	Queue    []audit.Entry        `json:"queue"`
}

func (s *Service) criteria(
	preset string,
	cr *domain.AuditCriteria,
	dflt string,
) (domain.AuditCriteria, domain.Problems) {
	var p domain.Problems
	switch {
	case cr != nil && preset != "":
		p.Add("preset", "one_of", "give a preset or criteria, not both")
	case cr != nil:
		p = append(p, audit.Validate(*cr, s.Policy())...)
		return *cr, p
	}
	if preset == "" {
		preset = dflt
	}
	c, ok := audit.Preset(preset)
	if !ok {
		p.Add("preset", "one_of", fmt.Sprintf("preset must be %q or %q", audit.PresetRoutine, audit.PresetBeaconport))
	}
	return c, p
}

// triage streams every case the actor may see in their force through the
// criteria and the risk model. It returns the triage, to be kept and
// brought up to date, and the version it saw of every case.
func (s *Service) triage(
	ctx context.Context,
	a *Actor,
	org *domain.OrgState,
	cr domain.AuditCriteria,
	reviewed map[string]bool,
) (*audit.Triage, map[string]int64, error) {
	t := audit.NewTriage(cr, audit.DefaultModel(), audit.Env{Policy: s.Policy(), Org: org, Calendar: s.cal, AsOf: s.clock.Now()}, reviewed)
	force := a.force(org)
	o := domain.Org{Units: org.Units}
	seen := map[string]int64{}
	err := s.st.ScanCases(ctx, func(c *domain.Case) error {
		seen[c.ID] = c.Version
		if a.CanSee(org, c) && (a.System || o.ForceOf(c.TeamID) == force) {
			t.Add(c)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return t, seen, nil
}

// Triage ranks the closed cases that meet the criteria by risk, each with
// the reasons for its place. It writes nothing.
func (s *Service) Triage(ctx context.Context, a *Actor, in TriageRequest) (*TriageResult, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("triage closed cases", auditReaders...); err != nil {
		return nil, err
	}
	cr, p := s.criteria(in.Preset, in.Criteria, audit.PresetBeaconport)
	if in.Limit < 0 || in.Limit > 10000 {
		p.Add("limit", "range", "limit must be between 1 and 10000")
	}
	if in.Offset < 0 {
		p.Add("offset", "range", "offset cannot be negative")
	}
	if err := p.Err(); err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	st, err := s.auditState(ctx)
	if err != nil {
		return nil, err
	}
	q, sum, err := s.cachedTriage(ctx, a, org, cr, st.Reviewed())
	if err != nil {
		return nil, fmt.Errorf("triage: %w", err)
	}
	limit := in.Limit
	if limit == 0 {
		limit = 100
	}
	out := &TriageResult{
		AsOf:     s.clock.Now().UTC(),
		Criteria: cr,
		Model:    audit.DefaultModel(),
		Summary:  sum,
		Total:    len(q),
		Queue:    q,
	}
	out.Queue = out.Queue[min(in.Offset, len(out.Queue)):]
	if len(out.Queue) > limit {
		out.Queue = out.Queue[:limit]
	}
	ids := make([]string, len(out.Queue))
	for i, e := range out.Queue {
		ids[i] = e.CaseID
	}
	return out, s.LogRead(ctx, a, "audits.triage", ids, "")
}
