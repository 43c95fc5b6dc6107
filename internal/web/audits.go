package web

import (
	"net/http"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/service"
)

type auditsPage struct {
	Audits  []service.AuditSummary
	Triage  *service.TriageResult
	Preset  string
	Presets []string
}

func (h *Handler) auditRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /audits", h.signedIn(h.audits))
	m.HandleFunc("GET /audits/{id}", h.signedIn(h.auditReport))
}

// audits is the audit team's page: audits under way, and the triage queue
// of closed cases with the reasons for each one's place.
func (h *Handler) audits(q *visit) error {
	ctx := q.r.Context()
	list, err := h.svc.Audits(ctx, q.a)
	if err != nil {
		return err
	}
	p := auditsPage{Audits: list, Preset: q.r.URL.Query().Get("preset")}
	for _, c := range audit.Presets() {
		p.Presets = append(p.Presets, c.Name)
	}
	if p.Preset == "" {
		p.Preset = "beaconport"
	}
	if p.Triage, err = h.svc.Triage(ctx, q.a, service.TriageRequest{Preset: p.Preset, Limit: 50}); err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "audits", page{Title: "Audits", Nav: "audits", Data: p})
}

func (h *Handler) auditReport(q *visit) error {
	rep, err := h.svc.AuditReport(q.r.Context(), q.a, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "audit", page{Title: "Audit " + rep.Audit.Name, Nav: "audits", Data: rep})
}
