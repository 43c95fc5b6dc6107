package api

import (
	"context"
	"net/http"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// breakGlassRoutes are emergency access to a case outside need to know,
// and the audit team's review of it.
func (s *Server) breakGlassRoutes() []route {
	svc := s.svc
	return []route{
		op("POST", "/api/v1/break-glass",
			"Open a case outside your need to know in an emergency, saying why: read-only for the policy's "+
				"break_glass period (default one hour), recorded on the case's history, alerted to the case "+
				"owner's manager and the force's audit team, who review it (investigator, supervisor, manager "+
				"or victim liaison, for a case of their force they cannot otherwise see)",
			http.StatusCreated,
			func(ctx context.Context, a *service.Actor, _ *http.Request, in *service.BreakGlassRequest) (
				*domain.BreakGlass, error) {
				return svc.BreakGlass(ctx, a, *in)
			}),
		op("POST", "/api/v1/break-glass/{access}/review",
			"Review an emergency access to a case, meeting the review duty (an auditor of the force, not "+
				"the person who opened it); the body names the case and the version the auditor saw",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, in *breakGlassReview) (*domain.Case, error) {
				id, err := svc.CaseID(ctx, a, in.Case)
				if err != nil {
					return nil, err
				}
				return svc.ReviewBreakGlass(ctx, a, id, service.ReviewBreakGlass{Version: in.Version,
					Access: r.PathValue("access"), Note: in.Note})
			}),
	}
}

// breakGlassReview is the body of a review of an emergency access.
type breakGlassReview struct {
	Case    string `json:"case"`    // the case's reference
	Version int64  `json:"version"` // the case version the auditor saw
	Note    string `json:"note"`    // whether the access was justified, and why
}
