package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
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
					var ps domain.Problems
					gp := pageParam(&ps, q.Get("gaps_page"), "gaps_page", "gaps table")
					ep := pageParam(&ps, q.Get("expiries_page"), "expiries_page", "expiries table")
					if len(ps) > 0 {
						return nil, &request.Error{Status: http.StatusBadRequest, Problems: ps}
					}
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

// pageParam reads a page number: empty is the first page; anything but a
// whole number from 1 is refused, not quietly read as the first page, in
// the words the web page uses ("The page of the gaps table …"), not the
// parameter's name.
func pageParam(ps *domain.Problems, v, name, of string) int {
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		ps.Add(name, "page", fmt.Sprintf("The page of the %s must be a number from 1, not %q.", of, v))
		return 0
	}
	return n
}
