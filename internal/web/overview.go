package web

import (
	"net/http"

	"github.com/holdfast/holdfast/internal/service"
)

func (h *Handler) overviewRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /dashboard", h.signedIn(h.dashboard))
	m.HandleFunc("GET /ledger", h.signedIn(h.ledger))
}

func (h *Handler) dashboard(q *visit) error {
	d, err := h.svc.Dashboard(q.r.Context(), q.a, service.DashboardMonths)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "dashboard", page{Title: "Dashboard", Nav: "dashboard", Data: dashboardView(d)})
}

func (h *Handler) ledger(q *visit) error {
	l := h.svc.Ledger()
	if l == nil {
		return service.ErrNoLedger
	}
	st, err := l.Status(q.r.Context(), q.a)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "ledger", page{Title: "Ledger", Nav: "ledger", Data: st})
}
