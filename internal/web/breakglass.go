package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// Emergency (break-glass) access in the browser. A person who opens a case
// outside their need to know is told there is no such case they may see —
// as for a case that does not exist, so the page says nothing of whether it
// does — and, if they work cases, offered "Request emergency access": a
// page asking why, then the case, read-only, for the policy's time box,
// with a banner on every page of it saying when the access ends and that it
// is recorded. The audit team's page lists the accesses awaiting review,
// each with its review form; the service decides every step
// (service.BreakGlass, ReviewBreakGlass, BreakGlassAwaitingReview).

func (h *Handler) breakGlassRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /break-glass", h.signedIn(h.breakGlassForm))
	m.HandleFunc("POST /break-glass", h.signedIn(h.breakGlassForm))
	m.HandleFunc("GET /break-glass/reviews", h.signedIn(h.breakGlassReviews))
	m.HandleFunc("GET /break-glass/reviews/{ref}/{access}", h.signedIn(h.breakGlassReview))
	m.HandleFunc("POST /break-glass/reviews/{ref}/{access}", h.signedIn(h.breakGlassReview))
}

// breakGlassOffer is where a refusal page sends someone who may ask for
// emergency access to the case the request named, or "" when it should not
// offer it: not a case's page, not found for another reason, or a person
// whose role never breaks glass.
func breakGlassOffer(r *http.Request, a *service.Actor, status int) string {
	if status != http.StatusNotFound || !service.MayBreakGlass(a) || !strings.HasPrefix(r.URL.Path, "/cases/") {
		return ""
	}
	ref := request.RefOf(r)
	if _, ok := domain.ParseRef(ref); !ok {
		return ""
	}
	return "/break-glass?" + url.Values{"case": {ref}}.Encode()
}

// breakGlassPage is the request form.
type breakGlassPage struct {
	Ref  string
	Hold string // how long an access lasts, in words
}

func (h *Handler) breakGlassForm(q *visit) error {
	if err := q.r.ParseForm(); err != nil {
		return err
	}
	ref := strings.TrimSpace(q.r.Form.Get("case"))
	if _, ok := domain.ParseRef(ref); !ok {
		return service.ErrNotFound
	}
	p := page{Title: "Request emergency access to " + ref, Nav: "cases",
		Data: breakGlassPage{Ref: ref, Hold: h.svc.Policy().BreakGlass.String()}, Form: formMap(q.r.PostForm)}
	if q.r.Method == http.MethodGet {
		if !service.MayBreakGlass(q.a) {
			return &service.Forbidden{Rule: "break_glass_role", Doing: "open a case outside your team in an emergency",
				Message: "Only officers who work cases can open a case outside their team in an emergency."}
		}
		// Someone who can see the case needs no emergency access.
		if _, err := h.svc.CaseID(q.r.Context(), q.a, ref); err == nil {
			http.Redirect(q.w, q.r, "/cases/"+request.PathRef(ref), http.StatusSeeOther)
			return nil
		}
		return h.render(q, http.StatusOK, "breakglass", p)
	}
	g, err := h.svc.BreakGlass(q.r.Context(), q.a, service.BreakGlassRequest{Case: ref,
		Reason: q.r.PostForm.Get("reason")})
	var fb *service.Forbidden
	switch {
	case errors.As(err, &fb) && fb.Rule == "break_glass_not_needed":
		http.Redirect(q.w, q.r, "/cases/"+request.PathRef(ref), http.StatusSeeOther)
		return nil
	case errors.Is(err, service.ErrNotFound):
		p.Errors = domain.Problems{{Field: "reason", Rule: "no_such_case",
			Message: "There is no case " + ref + " in your force: check the reference"}}
		return h.render(q, http.StatusNotFound, "breakglass", p)
	}
	if ps, ok := domain.AsProblems(err); ok {
		p.Errors = ps
		return h.render(q, http.StatusUnprocessableEntity, "breakglass", p)
	}
	if err != nil {
		return err
	}
	q.redirectDone("/cases/"+request.PathRef(ref), "Emergency access granted until "+glassEnds(g)+
		": it is recorded, and the audit team will review it")
	return nil
}

// glassEnds is when an access ends, as the banner says it: 5:30pm, with the
// day when it is not today's.
func glassEnds(g *domain.BreakGlass) string {
	until, at := g.Until.In(clock.London), g.At.In(clock.London)
	if until.YearDay() != at.YearDay() || until.Year() != at.Year() {
		return clock.GovUKClock(until) + " on " + until.Format("2 January")
	}
	return clock.GovUKClock(until)
}

// glassBanner is what the banner on a case's pages says.
type glassBanner struct {
	Ends   string
	Reason string
}

// Glass is the banner of an emergency access through which the reader sees
// the case, or nil.
func (v *caseView) Glass() *glassBanner {
	g := v.Perm.Emergency()
	if g == nil {
		return nil
	}
	return &glassBanner{Ends: glassEnds(g), Reason: g.Reason}
}

// glassReviews is the audit team's page.
type glassReviews struct {
	Awaiting []glassAwaiting
	Reviewer bool // may review (an auditor); a manager only sees them
}

type glassAwaiting struct {
	service.BreakGlassAwaiting
	Who     string
	Opened  string
	Ends    string
	Path    string // the case
	Review  string // the review form
	Expired bool
}

func (h *Handler) breakGlassReviews(q *visit) error {
	list, err := h.svc.BreakGlassAwaitingReview(q.r.Context(), q.a)
	if err != nil {
		return err
	}
	d := glassReviews{Reviewer: q.a.User.HasRole(domain.RoleAuditor)}
	now := h.svc.Now()
	for _, w := range list {
		d.Awaiting = append(d.Awaiting, glassAwaiting{BreakGlassAwaiting: w, Who: personName(q.org, w.Access.By),
			Opened: govTime(w.Access.At), Ends: govTime(w.Access.Until), Path: "/cases/" + request.PathRef(w.Ref),
			Review:  "/break-glass/reviews/" + request.PathRef(w.Ref) + "/" + url.PathEscape(w.Access.ID),
			Expired: !now.Before(w.Access.Until)})
	}
	return h.render(q, http.StatusOK, "breakglass_reviews", page{Title: "Emergency accesses awaiting review",
		Nav: "glass", Data: d})
}

// glassReviewPage is one access and the review form.
type glassReviewPage struct {
	glassAwaiting
}

func (h *Handler) breakGlassReview(q *visit) error {
	ctx := q.r.Context()
	ref, id := request.RefOf(q.r), q.r.PathValue("access")
	list, err := h.svc.BreakGlassAwaitingReview(ctx, q.a)
	if err != nil {
		return err
	}
	var found *service.BreakGlassAwaiting
	for i := range list {
		if list[i].Ref == ref && list[i].Access.ID == id {
			found = &list[i]
		}
	}
	if found == nil {
		return service.ErrNotFound // reviewed already, or not there
	}
	w := glassAwaiting{BreakGlassAwaiting: *found, Who: personName(q.org, found.Access.By),
		Opened: govTime(found.Access.At), Ends: govTime(found.Access.Until), Path: "/cases/" + request.PathRef(ref),
		Review: q.r.URL.Path}
	p := page{Title: "Review " + possessive(w.Who) + " emergency access to " + ref, Nav: "glass",
		Data: glassReviewPage{w}}
	if q.r.Method == http.MethodGet {
		return h.render(q, http.StatusOK, "breakglass_review", p)
	}
	if err := q.r.ParseForm(); err != nil {
		return err
	}
	p.Form = formMap(q.r.PostForm)
	_, err = h.svc.ReviewBreakGlass(ctx, q.a, found.CaseID, service.ReviewBreakGlass{Version: found.Version,
		Access: id, Note: q.r.PostForm.Get("note")})
	if ps, ok := domain.AsProblems(err); ok {
		p.Errors = ps
		return h.render(q, http.StatusUnprocessableEntity, "breakglass_review", p)
	}
	if err != nil {
		return err
	}
	q.redirectDone("/break-glass/reviews", possessive(w.Who)+" emergency access to "+ref+" has been reviewed")
	return nil
}
