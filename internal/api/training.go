package api

import (
	"context"
	"net/http"

	"github.com/holdfast/holdfast/internal/service"
)

// trainingRoutes are a manager's override of the training gate and the
// audit team's list of them (docs/training.md).
func (s *Server) trainingRoutes() []route {
	svc := s.svc
	return []route{
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/training-overrides",
			"Record a manager's time-boxed override of the training requirement, with a reason, letting one "+
				"named officer be given one piece of work (work: owner, action with action_id, or approver) "+
				"until it expires (manager in the case's chain of command, not for themselves)",
			http.StatusCreated, svc.OverrideTraining),
		op("GET", "/api/v1/training/overrides",
			"Every override of the training requirement in the force, newest first (auditor; a manager "+
				"sees their chain's)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, _ *http.Request, _ *struct{}) (trainingOverrides, error) {
				rows, err := svc.TrainingOverrides(ctx, a)
				return trainingOverrides{Overrides: rows}, err
			}),
	}
}

// trainingOverrides is the body of the overrides list.
type trainingOverrides struct {
	Overrides []service.TrainingOverrideRow `json:"overrides"`
}
