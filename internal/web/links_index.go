package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// The POLE index's pages (docs/persons.md#the-index): a case's possible
// links to people on other cases, reviewed here; a person's likely
// matches; and the analyst's network view around a case.

func (h *Handler) indexRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /cases/{ref}/links", h.signedIn(h.caseLinks))
	m.HandleFunc("POST /cases/{ref}/links/{link}", h.signedIn(h.reviewLink))
	m.HandleFunc("GET /cases/{ref}/people/{person}/matches", h.signedIn(h.personMatches))
	m.HandleFunc("GET /network", h.signedIn(h.network))
}

type caseLinksPage struct {
	Case  *domain.Case
	Links []service.LinkView // each says whether the reader may decide it
	Focus string             // the link whose form had problems
}

// caseLinks lists the case's links, pending first, each with its review form.
func (h *Handler) caseLinks(q *visit) error {
	return h.showCaseLinks(q, http.StatusOK, nil, nil, "")
}

func (h *Handler) showCaseLinks(q *visit, status int, ps domain.Problems, form map[string]string,
	focus string) error {
	ctx := q.r.Context()
	c, views, err := h.svc.LinksOn(ctx, q.a, request.RefOf(q.r))
	if err != nil {
		return err
	}
	p := caseLinksPage{Case: c, Links: views, Focus: focus}
	return h.render(q, status, "case_links", page{Title: "Links to other cases — " + c.Ref, Nav: "cases",
		Errors: ps, Data: p, Form: form})
}

// reviewLink records a link's review from its form.
func (h *Handler) reviewLink(q *visit) error {
	ctx := q.r.Context()
	id, err := h.svc.CaseID(ctx, q.a, request.RefOf(q.r))
	if err != nil {
		return err
	}
	f := q.r.PostForm
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	link := q.r.PathValue("link")
	c, err := h.svc.ReviewLink(ctx, q.a, id, service.ReviewLink{Version: version, Link: link,
		Outcome: f.Get("outcome"), Note: f.Get("note")})
	if ps, ok := domain.AsProblems(err); ok {
		return h.showCaseLinks(q, http.StatusUnprocessableEntity, ps,
			map[string]string{"outcome": f.Get("outcome"), "note": f.Get("note")}, link)
	}
	if err != nil {
		return err
	}
	msg := "Link confirmed: recorded on both cases"
	if f.Get("outcome") == domain.LinkNotSame {
		msg = "Marked not the same person: it will not be raised again"
	}
	q.redirectDone("/cases/"+request.PathRef(c.Ref)+"/links", msg)
	return nil
}

// personMatches shows the index's likely matches for one person of a case.
func (h *Handler) personMatches(q *visit) error {
	m, err := h.svc.PersonMatches(q.r.Context(), q.a, service.MatchesQuery{Case: request.RefOf(q.r),
		Person: q.r.PathValue("person")})
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "person_matches", page{Title: "Possible matches for " + m.Name,
		Nav: "cases", Data: m})
}

type networkPage struct {
	Net     *service.Network
	Kinds   [][]string // value, label
	Checked map[string]bool
	PageURL string
	Width   int
	Height  int
}

// networkKindLabels name the kinds of node on the page.
var networkKindLabels = map[string]string{"case": "Case", "person": "Person", "phone": "Phone",
	"vehicle": "Vehicle", "address": "Address"}

// network is the analyst's view of the component around a case.
func (h *Handler) network(qv *visit) error {
	q := qv.r.URL.Query()
	form := map[string]string{"case": strings.TrimSpace(q.Get("case")), "from": q.Get("from"), "to": q.Get("to")}
	p := networkPage{Checked: map[string]bool{}, Width: 960, Height: 640}
	for _, k := range service.NetworkKinds {
		p.Kinds = append(p.Kinds, []string{k, map[string]string{"phone": "Phones", "vehicle": "Vehicles",
			"address": "Addresses"}[k]})
	}
	for _, k := range q["kind"] {
		p.Checked[k] = true
	}
	keep := url.Values{}
	for _, k := range []string{"case", "from", "to"} {
		if form[k] != "" {
			keep.Set(k, form[k])
		}
	}
	for _, k := range q["kind"] {
		keep.Add("kind", k)
	}
	keep.Set("page", "")
	p.PageURL = "/network?" + keep.Encode()
	render := func(status int, ps domain.Problems) error {
		return h.render(qv, status, "network", page{Title: "Network", Nav: "links", Errors: ps, Data: p, Form: form})
	}
	if form["case"] == "" {
		if err := h.svc.MayUseLinks(qv.a); err != nil {
			return err
		}
		return render(http.StatusOK, nil)
	}
	pg, _ := strconv.Atoi(q.Get("page"))
	n, err := h.svc.Network(qv.r.Context(), qv.a, service.NetworkQuery{Case: form["case"],
		From: form["from"], To: form["to"], Kinds: q["kind"], Page: pg})
	if ps, ok := domain.AsProblems(err); ok {
		return render(http.StatusUnprocessableEntity, ps)
	}
	if err != nil {
		return err
	}
	p.Net = n
	return render(http.StatusOK, nil)
}

// The index pages' labels, registered with the other template functions.
func init() {
	funcs["linkOutcome"] = domain.LinkOutcomeLabel
	funcs["nodeKind"] = func(k string) string { return networkKindLabels[k] }
	funcs["indexRole"] = func(r string) string {
		switch r {
		case "victim":
			return "Victim"
		case "suspect":
			return "Suspect"
		}
		return domain.PersonRoleLabel(r)
	}
}
