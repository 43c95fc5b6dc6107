package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// linkRoutes are the analyst's view of suspects shared between cases
// (docs/links.md).
func (s *Server) linkRoutes() []route {
	svc := s.svc
	return []route{
		withQuery(
			op(
				"GET",
				"/api/v1/links",
				"Suspects shared between cases: groups of cases, open and closed, whose suspects share a name and date of birth, a phone number, a vehicle or an address (normalised as docs/links.md says), largest groups first, then the most open; only the cases you may see; writes nothing (analyst, auditor, manager, inspector)",
				http.StatusOK,
				func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*service.Links, error) {
					q := r.URL.Query()
					return svc.Links(
						ctx,
						a,
						service.LinksQuery{Kind: q.Get("kind"), Case: request.CaseRef(q.Get("case"))},
					)
				},
			),
			"kind",
			"only links by this identifier: "+strings.Join(service.LinkKinds, ", "),
			"case",
			"only the groups that include this case (a reference, e.g. CSE/2025/000123 or CSE-2025-000123)",
		),
	}
}
