package service

import (
	"context"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
)

// WaiveDuty is the input of Service.WaiveDuty.
type WaiveDuty struct {
	Version int64  `json:"version"`       // the case version the officer saw
	Duty    string `json:"-" path:"duty"` // duty id: in the URL path (API) or a form field (pages)
	Reason  string `json:"reason"`        // why the duty is waived: it stays in the record
}

// WaiveDuty lets a supervisor release an officer from one duty, with a
// reason that stays in the record. It cannot be used to leave an open case
// owing nothing: that is how cases were dropped.
func (s *Service) WaiveDuty(ctx context.Context, a *Actor, caseID string, in WaiveDuty) (*domain.Case, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	return s.workflow(ctx, a, caseID, in.Version, "waive-duty", in.Duty, func(c *domain.Case,
		_ *domain.OrgState, _ time.Time, p *domain.Problems) []ev {
		in.Reason = required(p, "reason", in.Reason, "Say why the duty is waived: it stays in the record.")
		d := c.Duty(in.Duty)
		if d == nil {
			return nil
		}
		return []ev{{domain.EvDutyClosed, domain.DutyClosed{ID: d.ID, Status: domain.DutyWaived, Reason: in.Reason}}}
	})
}
