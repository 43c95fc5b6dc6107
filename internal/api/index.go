package api

import (
	"context"
	"net/http"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// indexRoutes are the POLE index's links between cases and a person's
// likely matches (docs/persons.md#the-index).
func (s *Server) indexRoutes() []route {
	svc := s.svc
	return []route{
		op("GET", "/api/v1/cases/{ref}/links",
			"Possible links of the case's people to people on other cases, raised from the index, pending "+
				"first; the other case is named only to those who may see it, others are told whom to ask "+
				"(the read is recorded)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) ([]service.LinkView, error) {
				return svc.LinksOfCase(ctx, a, request.RefOf(r))
			}),
		// Outside the case routes, as a break-glass review is: the page
		// that reviews a link is the case's links page, not a journey.
		op("POST", "/api/v1/links/{link}/review",
			"Review a possible link raised from the index: confirmed (one person, recorded on both cases) or "+
				"not_same (with a note; remembered, never raised again), meeting the review duty on both "+
				"cases; the body names the case and the version seen (investigator, supervisor or manager of "+
				"the case)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, in *linkReview) (*domain.Case, error) {
				id, err := svc.CaseID(ctx, a, in.Case)
				if err != nil {
					return nil, err
				}
				return svc.ReviewLink(ctx, a, id, service.ReviewLink{Version: in.Version, Link: r.PathValue("link"),
					Outcome: in.Outcome, Note: in.Note})
			}),
		op("GET", "/api/v1/cases/{ref}/people/{person}/matches",
			"The index's likely matches for a victim, suspect or other person of the case, strongest first, "+
				"each explained comparison by comparison; a match on a case you may not see is given only as "+
				"a case in another team and whom to ask (the read is recorded)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*service.PersonMatches,
				error) {
				return svc.PersonMatches(ctx, a, service.MatchesQuery{Case: request.RefOf(r),
					Person: r.PathValue("person")})
			}),
	}
}

// linkReview is the body of a link's review.
type linkReview struct {
	Case    string `json:"case"`    // the case's reference
	Version int64  `json:"version"` // the case version seen
	Outcome string `json:"outcome"` // confirmed | not_same
	Note    string `json:"note,omitempty"`
}
