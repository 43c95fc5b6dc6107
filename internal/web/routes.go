package web

// routes mounts the pages, one group per area; each group's handlers live
// in the file that names it.
func (h *Handler) routes() {
	m := h.mux
	h.signInRoutes(m)
	h.workRoutes(m)
	h.escalationRoutes(m) // escalations.go
	h.casesRoutes(m)
	h.caseRoutes(m)
	h.overviewRoutes(m)
	h.auditRoutes(m)
	h.adminRoutes(m)
	h.linksRoutes(m)
	h.indexRoutes(m)      // links_index.go
	h.accountRoutes(m)    // account.go
	h.breakGlassRoutes(m) // breakglass.go
	h.guidanceRoutes(m)   // guidance.go
	h.trainingRoutes(m)   // training.go
	h.exerciseRoutes(m)   // exercise.go
	h.handOnRoutes(m)     // handover.go
}
