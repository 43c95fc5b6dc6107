package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

type linksPage struct {
	Links *service.Links
	Kinds [][]string // value, label: the kind filter's options
	// PageURL is the link to page n with the same filters (n appended).
	PageURL string
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
		"key":  strings.TrimSpace(q.r.URL.Query().Get("key")),
	}
	p := linksPage{Kinds: [][]string{{"", "Any"}}}
	for _, k := range service.LinkKinds {
		p.Kinds = append(p.Kinds, []string{k, linkKindLabels[k]})
	}
	pg, _ := strconv.Atoi(q.r.URL.Query().Get("page"))
	l, err := h.svc.Links(
		q.r.Context(),
		q.a,
		service.LinksQuery{Kind: form["kind"], Key: form["key"], Case: form["case"], Page: max(1, pg), Most: 10},
	)
	keep := url.Values{}
	for _, k := range []string{"kind", "key", "case"} {
		if form[k] != "" {
			keep.Set(k, form[k])
		}
	}
	keep.Set("page", "")
	p.PageURL = "/links?" + keep.Encode()
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
	for i := range l.Groups {
		g := &l.Groups[i]
		if g.Kind != service.LinkKindNameDOB {
			continue
		}
		g.Value = bornWords(g.Value)
		for j := range g.Cases {
			g.Cases[j].Recorded = bornWords(g.Cases[j].Recorded)
		}
	}
	p.Links = l
	return h.render(q, http.StatusOK, "links", page{Title: "Links", Nav: "links", Data: p, Form: form})
}

// bornWords writes the date of birth of a name and date of birth as
// recorded ("Adam Smith, born 1987-11-28") the GOV.UK way: "Adam Smith,
// born 28 November 1987".
func bornWords(s string) string {
	name, dob, ok := strings.Cut(s, ", born ")
	if !ok {
		return s
	}
	return name + ", born " + govISO(dob)
}
