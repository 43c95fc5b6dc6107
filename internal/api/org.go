package api

import (
	"context"
	"net/http"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

type grantList struct {
	Grants []*domain.Grant `json:"grants"`
}

// orgRoutes are the administration of people beyond adding them: roles,
// rank and team under the two-person rule, and what a leaver still holds.
func (s *Server) orgRoutes() []route {
	svc := s.svc
	return []route{
		cmd("POST", "/api/v1/users/{id}/roles",
			"Set a user's roles, rank and team (administrator); a powerful role (administrator, auditor, "+
				"inspector, analyst) waits for a second administrator's approval, and nobody gives themselves a "+
				"case-work role",
			http.StatusOK, svc.ChangeUser),
		op("GET", "/api/v1/grants", "Grants of powerful roles, newest first, pending and decided (administrator)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, _ *struct{}) (grantList, error) {
				gs, err := svc.Grants(ctx, a)
				if gs == nil {
					gs = []*domain.Grant{}
				}
				return grantList{Grants: gs}, err
			}),
		cmd("POST", "/api/v1/grants/{id}/decide",
			"Approve or reject a pending grant of a powerful role (an administrator other than the one who asked "+
				"and the person it is for)",
			http.StatusOK, svc.DecideGrant),
		cmd("POST", "/api/v1/users/{id}/accreditations",
			"Record an accreditation a user holds: kind (from the policy), awarded_on, expires (when a refresh is "+
				"due) and an evidence reference (administrator)",
			http.StatusCreated, svc.AwardAccreditation),
		cmd("POST", "/api/v1/users/{id}/accreditations/withdraw",
			"Withdraw one of a user's accreditations, with the reason (administrator)",
			http.StatusOK, svc.WithdrawAccreditation),
		op("GET", "/api/v1/users/{id}/accreditations",
			"A user's accreditations, withdrawn ones too, with whether each counts today (administrator, or "+
				"the user themselves)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (service.AccreditationList, error) {
				return svc.Accreditations(ctx, a, r.PathValue("id"))
			}),
		op("GET", "/api/v1/users/{id}/leaver",
			"What a user still holds — open cases, duties, pending grants — and who each goes to when they leave "+
				"(administrator)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*service.LeaverWork, error) {
				return svc.LeaverWork(ctx, a, r.PathValue("id"))
			}),
	}
}
