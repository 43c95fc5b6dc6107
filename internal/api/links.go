package api

import (
	"context"
	"net/http"
	"strconv"
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
					page, _ := strconv.Atoi(q.Get("page"))
					return svc.Links(
						ctx,
						a,
						service.LinksQuery{Kind: q.Get("kind"), Key: q.Get("key"), Case: request.CaseRef(q.Get("case")),
							Page: page},
					)
				},
			),
			"kind",
			"only links by this identifier: "+strings.Join(service.LinkKinds, ", "),
			"case",
			"only the groups that include this case (a reference, e.g. CSE/2025/000123 or CSE-2025-000123)",
			"key",
			"only the group of this identifier (its key, with kind)",
			"page",
			"one page of groups (from 1); without it, every group",
		),
	}
}
