package web

import (
	"net/http"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

type linksPage struct {
	Links *service.Links
	Kinds [][]string // value, label: the kind filter's options
}

// linkKindLabels name the kinds of identifier on the page.
var linkKindLabels = map[string]string{
	service.LinkKindPhone:   "Phone",
	service.LinkKindVehicle: "Vehicle",
	service.LinkKindAddress: "Address",
	service.LinkKindNameDOB: "Name and date of birth",
}

func (h *Handler) linksRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /links", h.signedIn(h.links))
}

// links is the analyst's page: groups of cases, open and closed, whose
// suspects share an identifier (docs/links.md).
func (h *Handler) links(q *visit) error {
	form := map[string]string{
		"kind": q.r.URL.Query().Get("kind"),
		"case": strings.TrimSpace(q.r.URL.Query().Get("case")),
	}
	p := linksPage{Kinds: [][]string{{"", "Any"}}}
	for _, k := range service.LinkKinds {
		p.Kinds = append(p.Kinds, []string{k, linkKindLabels[k]})
	}
	l, err := h.svc.Links(
		q.r.Context(),
		q.a,
		service.LinksQuery{Kind: form["kind"], Case: strings.ReplaceAll(form["case"], "-", "/")},
	)
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(
			q,
			http.StatusUnprocessableEntity,
			"links",
			page{Title: "Links", Nav: "links", Errors: ps, Data: p, Form: form},
		)
	}
	if err != nil {
		return err
	}
	p.Links = l
	return h.render(q, http.StatusOK, "links", page{Title: "Links", Nav: "links", Data: p, Form: form})
}
