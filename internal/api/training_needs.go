package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/holdfast/holdfast/internal/service"
)

// trainingNeedsRoutes serve the training-needs page's figures
// (docs/training.md): the same service call, the same authorisation.
func (s *Server) trainingNeedsRoutes() []route {
	svc := s.svc
	return []route{
		withQuery(
			op("GET", "/api/v1/training/needs",
				"Training needs of the teams you answer for: officers lacking an accreditation their current "+
					"work needs (with the cases), accreditations lapsing in the next 90 days, and per required "+
					"kind the cases worked each month and how many by an accredited owner (manager or "+
					"supervisor: their chain's teams; administrator: the force's); the cases listed are a recorded read",
				http.StatusOK,
				func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*service.TrainingNeeds, error) {
					q := r.URL.Query()
					gp, _ := strconv.Atoi(q.Get("gaps_page"))
					ep, _ := strconv.Atoi(q.Get("expiries_page"))
					return svc.TrainingNeeds(ctx, a, service.TrainingNeedsQuery{Team: q.Get("team"), GapsPage: gp,
						ExpiriesPage: ep, All: q.Get("all") == "true"})
				}),
			"team", "one team's id (default: every team you answer for)",
			"gaps_page", "page of the officers lacking an accreditation (25 a page)",
			"expiries_page", "page of the lapsing accreditations",
			"all", "true: every row, unpaged",
		),
	}
}
