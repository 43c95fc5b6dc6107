package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strings"

	"github.com/holdfast/holdfast/internal/guidance"
	"github.com/holdfast/holdfast/internal/service"
)

// Guidance at the point of decision (issue 21, docs/training.md): every
// refusal by a gate's rule and every duty row links "Why?" to a short page
// explaining the rule and its source, from the guidance in force.

func (h *Handler) guidanceRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /guidance", h.signedIn(h.guidanceIndex))
	m.HandleFunc("GET /guidance/{id}", h.signedIn(h.guidancePage))
}

type guidanceView struct {
	Entry *guidance.Entry
	All   []*guidance.Entry
}

func (h *Handler) guidanceIndex(q *visit) error {
	return h.render(q, http.StatusOK, "guidance", page{Title: "Why Holdfast asks: the rules and duties",
		Data: guidanceView{All: guidance.Current().All()}})
}

func (h *Handler) guidancePage(q *visit) error {
	e := guidance.Current().Get(q.r.PathValue("id"))
	if e == nil {
		return fmt.Errorf("guidance %q: %w", q.r.PathValue("id"), service.ErrNotFound)
	}
	return h.render(q, http.StatusOK, "guidance", page{Title: e.Title, Data: guidanceView{Entry: e}})
}

// guidanceFuncs are the guidance templates' functions.
var guidanceFuncs = template.FuncMap{
	// gwhy is the guidance page explaining a gate's rule or a kind of duty,
	// or "" when there is none (a role refusal, a field's format).
	"gwhy": whyPath,
	// gtitle is the title of the guidance at a gwhy or WhyOf path: the
	// Why? link's full name for screen readers, one per rule or duty.
	"gtitle": func(path string) string {
		if e := guidance.Current().Get(strings.TrimPrefix(path, "/guidance/")); e != nil {
			return e.Title
		}
		return ""
	},
	// trainRole says what work an officer was given ("officer in charge").
	"trainRole": func(as string) string { return roleLabels[as] },
}

func whyPath(id string) string {
	if id == "" || guidance.Current().Get(id) == nil {
		return ""
	}
	return "/guidance/" + id
}

// WhyOf is the guidance page explaining a refusal by rule, or "": a gate's
// rule has its own, a training requirement of the policy in force the
// training gate's.
func (p page) WhyOf(rule string) string {
	var isReq func(string) bool
	if p.training != nil {
		isReq = func(id string) bool { return p.training.Requirement(id) != nil }
	}
	if e := guidance.Current().Rule(rule, isReq); e != nil {
		return "/guidance/" + e.ID
	}
	return ""
}
