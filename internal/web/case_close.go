package web

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// closeJourney is Close case: the form, then the gate's checklist, then
// the proposal. Nothing is written until the officer proposes.
func (h *Handler) closeJourney(q *visit) error {
	ctx := q.r.Context()
	v, err := h.caseView(ctx, q, "close case journey", "decisions")
	if err != nil {
		return err
	}
	f := q.r.URL.Query()
	if q.r.Method == http.MethodPost {
		f = q.r.PostForm
	}
	p := page{Title: "Close case " + v.Case.Ref, Nav: "cases", Data: v, Form: formMap(f)}
	if !v.Can("propose-closure") {
		v.Form = &formView{Cmd: "propose-closure", Refused: v.Why("propose-closure")}
		if v.Form.Refused == "" {
			v.Form.Refused = "You cannot propose closing this case."
		}
		return h.render(q, http.StatusForbidden, "close", p)
	}
	prop, perr := proposal(f)
	if ps, ok := domain.AsProblems(perr); ok {
		p.Errors = linkable(ps, closeFields...)
		return h.render(q, http.StatusUnprocessableEntity, "close", p)
	} else if perr != nil {
		return perr
	}
	if q.r.Method == http.MethodPost {
		checks, err := h.svc.CheckClosure(ctx, q.a, v.Case.Ref, prop)
		if err != nil {
			return err
		}
		v.Checks, v.Ready = checks, len(checks) == 0
		if f.Get("step") == "propose" && v.Ready {
			c, err := h.svc.ProposeClosure(ctx, q.a, v.Case.ID, prop)
			if err == nil {
				done := "Closure proposed: it now needs a second officer's approval"
				q.redirectDone(sectionPath(c.Ref, "decisions"), done)
				return nil
			}
			if errors.Is(err, service.ErrConflict) {
				// What was typed is kept (p.Form); the page says what changed.
				p.Errors = domain.Problems{{Rule: "stale", Message: staleMessage}}
				v.Form = &formView{Cmd: "propose-closure", Stale: true}
				if evs, terr := h.svc.Timeline(ctx, q.a, v.Case.Ref); terr == nil {
					v.Form.Changes = v.changedSince(evs, prop.Version)
				}
				return h.render(q, http.StatusConflict, "close", p)
			}
			ps, ok := domain.AsProblems(err)
			if !ok {
				return err
			}
			p.Errors = linkable(ps, closeFields...)
			return h.render(q, http.StatusUnprocessableEntity, "close", p)
		}
		if !v.Ready {
			p.Errors = linkable(checks, closeFields...)
			return h.render(q, http.StatusUnprocessableEntity, "close", p)
		}
	}
	return h.render(q, http.StatusOK, "close", p)
}

// closeChecklist is the checklist alone, as the officer fills the form in.
func (h *Handler) closeChecklist(q *visit) error {
	ctx := q.r.Context()
	v, err := h.caseView(ctx, q, "closure checklist", "decisions")
	if err != nil {
		return err
	}
	f := q.r.URL.Query()
	if f.Get("outcome") != "" {
		prop, err := proposal(f)
		if err != nil {
			return err
		}
		if v.Checks, err = h.svc.CheckClosure(ctx, q.a, v.Case.Ref, prop); err != nil {
			return err
		}
		v.Ready = len(v.Checks) == 0
	}
	return h.fragment(q, "close", "checklist", page{Data: v, Form: formMap(f)})
}

// closeFields are the close-case form's fields.
var closeFields = []string{"outcome", "lines_considered", "why_none_remain", "suspects_status", "victim_view"}

// proposal reads the close-case form through the one decoder (its limits
// and its checks of the version). The page names the rationale's parts
// plainly; the decoder names a nested struct's fields "rationale.x".
func proposal(f url.Values) (service.ClosureProposal, error) {
	named := url.Values{"outcome": f["outcome"], "version": f["version"]}
	for _, k := range []string{"lines_considered", "why_none_remain", "suspects_status", "victim_view"} {
		named["rationale."+k] = f[k]
	}
	var in service.ClosureProposal
	err := request.DecodeForm(named, &in)
	return in, err
}
