package web

import (
	"net/http"
	"net/url"
	"sort"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

func (h *Handler) casesRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /cases", h.signedIn(h.cases))
	m.HandleFunc("GET /cases/new", h.signedIn(h.newCase))
	m.HandleFunc("POST /cases", h.signedIn(h.openCase))
}

func (h *Handler) cases(q *visit) error {
	f := store.CaseFilter{After: q.r.URL.Query().Get("after"), Limit: 100}
	if st := q.r.URL.Query().Get("status"); st != "" {
		f.Status = []domain.Status{domain.Status(st)}
	}
	rows, err := h.svc.ListCases(q.r.Context(), q.a, f)
	if err != nil {
		return err
	}
	return h.render(
		q,
		http.StatusOK,
		"cases",
		page{
			Title: "Cases",
			Nav:   "cases",
			Data:  rows,
			Form:  map[string]string{"status": q.r.URL.Query().Get("status")},
		},
	)
}

func (h *Handler) teams(org *domain.OrgState) []*domain.Unit {
	var out []*domain.Unit
	for _, u := range org.Units {
		if u.Kind == domain.UnitTeam {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (h *Handler) newCase(q *visit) error {
	return h.render(
		q,
		http.StatusOK,
		"newcase",
		page{
			Title: "Open a referral",
			Nav:   "cases",
			Data:  h.teams(q.org),
			Form:  map[string]string{"team_id": q.a.User.UnitID},
		},
	)
}

func (h *Handler) openCase(q *visit) error {
	f := q.r.PostForm
	// The same decoder as every other form; the page also takes offence
	// types separated by commas, which the decoder would keep as one.
	named := url.Values{}
	for k, v := range f {
		named[k] = v
	}
	named["offence_types"] = splitList(f.Get("offence_types"))
	var in service.NewReferral
	var c *domain.Case
	err := request.DecodeForm(named, &in)
	if err == nil {
		c, err = h.svc.OpenReferral(q.r.Context(), q.a, in)
	}
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(
			q,
			http.StatusUnprocessableEntity,
			"newcase",
			page{Title: "Open a referral", Nav: "cases", Errors: ps, Data: h.teams(q.org), Form: formMap(f)},
		)
	}
	if err != nil {
		return err
	}
	q.redirectDone("/cases/"+request.PathRef(c.Ref), "Referral opened")
	return nil
}
