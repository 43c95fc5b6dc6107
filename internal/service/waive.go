package service

import (
	"context"
	"fmt"
	"github.com/holdfast/holdfast/internal/duty"
	"strings"
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
	return s.workflow(ctx, a, caseID, in.Version, "waive duty", supervisors, false, func(c *domain.Case,
		org *domain.OrgState, now time.Time, p *domain.Problems) []ev {
		in.Reason = required(p, "reason", in.Reason, "say why the duty is waived: it stays in the record")
		d := c.Duty(in.Duty)
		switch {
		case d == nil:
			p.Add("duty_id", "unknown_duty", fmt.Sprintf("case %s has no duty %q", c.Ref, in.Duty))
			return nil
		case d.Status != domain.DutyOpen:
			p.Add("duty_id", "duty_open", fmt.Sprintf("the duty is already %s", d.Status))
			return nil
		case len(c.OpenDuties()) == 1:
			p.Add(
				"duty_id",
				"last_duty",
				"this is the case's only open duty: an open case must always owe something; close or transfer the case instead",
			)
			return nil
		}
		if ok, instead := duty.Waivable(d.Kind); !ok {
			p.Add(
				"duty_id",
				"not_waivable",
				fmt.Sprintf("a %s cannot be waived: %s", strings.ReplaceAll(d.Kind, "_", " "), instead),
			)
			return nil
		}
		return []ev{{domain.EvDutyClosed, domain.DutyClosed{ID: d.ID, Status: domain.DutyWaived, Reason: in.Reason}}}
	})
}
