package web

import (
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

func (h *Handler) casesRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /cases", h.signedIn(h.cases))
	m.HandleFunc("GET /cases/new", h.signedIn(h.newCase))
	m.HandleFunc("POST /cases", h.signedIn(h.openCase))
}

// casesPage is the case list, or a search's results.
type casesPage struct {
	List   *service.CaseList
	Search *service.SearchResult
	Teams  []*domain.Unit
	Owners []*domain.User
	// Next and Prev are the pagination component's links.
	Next, Prev string
	Filtered   bool
}

// cases is the list of cases the reader may see, newest first, filtered
// and paged; or, with q, a search. A reference that names one case the
// reader may see goes straight to it.
func (h *Handler) cases(q *visit) error {
	ctx := q.r.Context()
	v := q.r.URL.Query()
	form := map[string]string{"q": strings.TrimSpace(v.Get("q")), "status": v.Get("status"), "team_id": v.Get("team_id"),
		"owner_id": v.Get("owner_id"), "overdue": v.Get("overdue")}
	p := casesPage{Teams: h.teams(q.org), Owners: h.owners(q)}
	title := "Cases"
	if form["q"] != "" {
		title = "Search results"
		res, err := h.svc.Search(ctx, q.a, service.SearchQuery{Q: form["q"]})
		if ps, ok := domain.AsProblems(err); ok {
			return h.render(q, http.StatusUnprocessableEntity, "cases",
				page{Title: title, Nav: "cases", Errors: ps, Data: p, Form: form})
		}
		if err != nil {
			return err
		}
		if res.Ref != "" && len(res.Hits) == 1 {
			http.Redirect(q.w, q.r, "/cases/"+request.PathRef(res.Ref), http.StatusSeeOther)
			return nil
		}
		p.Search = res
		return h.render(q, http.StatusOK, "cases", page{Title: title, Nav: "cases", Data: p, Form: form})
	}
	in := service.CaseListQuery{Status: form["status"], TeamID: form["team_id"], OwnerID: form["owner_id"],
		Overdue: form["overdue"] == "yes", Before: v.Get("before"), After: v.Get("after")}
	p.Filtered = in.Status != "" || in.TeamID != "" || in.OwnerID != "" || in.Overdue
	list, err := h.svc.CaseList(ctx, q.a, in)
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(q, http.StatusUnprocessableEntity, "cases",
			page{Title: title, Nav: "cases", Errors: ps, Data: p, Form: form})
	}
	if err != nil {
		return err
	}
	p.List = list
	keep := url.Values{}
	for _, k := range []string{"status", "team_id", "owner_id", "overdue"} {
		if form[k] != "" {
			keep.Set(k, form[k])
		}
	}
	link := func(k, ref string) string {
		u := url.Values{}
		for kk, vv := range keep {
			u[kk] = vv
		}
		u.Set(k, ref)
		return "/cases?" + u.Encode()
	}
	if list.Next != "" {
		p.Next = link("before", list.Next)
	}
	if list.Prev != "" {
		p.Prev = link("after", list.Prev)
	}
	return h.render(q, http.StatusOK, "cases", page{Title: title, Nav: "cases", Data: p, Form: form})
}

// owners are the serving officers of the reader's teams who may own a
// case, for the list's owner filter, by name.
func (h *Handler) owners(q *visit) []*domain.User {
	var out []*domain.User
	o := domain.Org{Units: q.org.Units}
	for _, u := range q.org.Users {
		if !u.Active || !(u.HasRole(domain.RoleInvestigator) || u.HasRole(domain.RoleSupervisor)) {
			continue
		}
		if q.a.System || o.Within(u.UnitID, q.a.User.UnitID) || q.a.User.HasRole(domain.RoleAuditor) ||
			q.a.User.HasRole(domain.RoleInspector) || q.a.User.HasRole(domain.RoleAnalyst) {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
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
	// Nobody is shown a form the service would refuse them.
	if err := h.svc.MayOpenReferral(q.a); err != nil {
		return err
	}
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
	// The date reported is a GOV.UK date input; the record keeps a time,
	// the start of that day in London.
	reported, bad := request.DateInput(f, "reported_at", "Date reported")
	for _, part := range request.DateParts {
		delete(named, request.DatePart("reported_at", part))
	}
	var in service.NewReferral
	var c *domain.Case
	err := request.DecodeForm(named, &in)
	if bad != nil { // the date's problem with the form's (OpenReferral has no dry run to ask)
		ps, _ := domain.AsProblems(err)
		err = append(ps, *bad).Err()
	}
	if err == nil && reported != "" {
		in.ReportedAt, err = time.ParseInLocation(time.DateOnly, reported, clock.London)
	}
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
