package web

import (
	"net/http"
	"sort"

	"github.com/holdfast/holdfast/internal/domain"
)

func (h *Handler) adminRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /admin", h.signedIn(h.admin))
}

type adminPage struct {
	Units  []*domain.Unit
	Users  []*domain.User
	Policy string
}

func (h *Handler) admin(q *visit) error {
	pol, err := h.svc.PolicyText(q.a)
	if err != nil {
		return err
	}
	org, err := h.svc.Org(q.r.Context(), q.a)
	if err != nil {
		return err
	}
	p := adminPage{Policy: string(pol)}
	for _, u := range org.Units {
		p.Units = append(p.Units, u)
	}
	for _, u := range org.Users {
		p.Users = append(p.Users, u)
	}
	sort.Slice(p.Units, func(i, j int) bool { return p.Units[i].Name < p.Units[j].Name })
	sort.Slice(p.Users, func(i, j int) bool { return p.Users[i].Name < p.Users[j].Name })
	return h.render(q, http.StatusOK, "admin", page{Title: "Administration", Nav: "admin", Data: p})
}
