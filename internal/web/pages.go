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

func (h *Handler) routes() {
	m := h.mux
	m.HandleFunc("GET /sign-in", h.signIn)
	m.HandleFunc("POST /sign-in", h.signIn)
	m.HandleFunc("POST /sign-out", h.signedIn(h.signOut))
	m.HandleFunc("GET /{$}", h.signedIn(func(q *visit) error {
		http.Redirect(q.w, q.r, "/work", http.StatusSeeOther)
		return nil
	}))
	m.HandleFunc("GET /work", h.signedIn(h.myWork))
	m.HandleFunc("GET /team", h.signedIn(h.teamBoard))
	m.HandleFunc("GET /inbox", h.signedIn(h.inbox))
	m.HandleFunc("GET /cases", h.signedIn(h.cases))
	m.HandleFunc("GET /cases/new", h.signedIn(h.newCase))
	m.HandleFunc("POST /cases", h.signedIn(h.openCase))
	m.HandleFunc("GET /cases/{ref}", h.signedIn(h.casePage))
	m.HandleFunc("POST /cases/{ref}/do/{cmd}", h.signedIn(h.caseCommand))
	m.HandleFunc("GET /cases/{ref}/close", h.signedIn(h.closeJourney))
	m.HandleFunc("POST /cases/{ref}/close", h.signedIn(h.closeJourney))
	m.HandleFunc("GET /cases/{ref}/close/checklist", h.signedIn(h.closeChecklist))
	m.HandleFunc("GET /dashboard", h.signedIn(h.dashboard))
	m.HandleFunc("GET /ledger", h.signedIn(h.ledger))
	m.HandleFunc("GET /admin", h.signedIn(h.admin))
	m.HandleFunc("GET /audits", h.signedIn(h.audits))
	m.HandleFunc("GET /audits/{id}", h.signedIn(h.auditReport))
	m.HandleFunc("GET /links", h.signedIn(h.links))
}

// workPage is My work and the team board.
type workPage struct {
	Items    []service.WorkItem
	Open     int // open duties in all
	Unlisted int // of them, how many a limited board leaves out
	Overdue  int
	Board    bool
	Extra    *boardExtra
}

type boardExtra struct {
	Closures, Transfers, Referrals, Orphaned []store.CaseRow
}

func countOverdue(items []service.WorkItem) int {
	n := 0
	for _, it := range items {
		if it.Overdue {
			n++
		}
	}
	return n
}

func (h *Handler) myWork(q *visit) error {
	items, err := h.svc.MyWork(q.r.Context(), q.a)
	if err != nil {
		return err
	}
	return h.render(
		q,
		http.StatusOK,
		"work",
		page{
			Title: "My work",
			Nav:   "work",
			Data:  workPage{Items: items, Open: len(items), Overdue: countOverdue(items)},
		},
	)
}

func (h *Handler) teamBoard(q *visit) error {
	ctx := q.r.Context()
	items, err := h.svc.TeamBoard(ctx, q.a)
	if err != nil {
		return err
	}
	open, overdue, err := h.svc.TeamBoardCounts(ctx, q.a)
	if err != nil {
		return err
	}
	x := &boardExtra{}
	rows, err := h.svc.ListCases(
		ctx,
		q.a,
		store.CaseFilter{
			Status: []domain.Status{domain.StatusReferral, domain.StatusOpen, domain.StatusClosureProposed},
			Limit:  5000,
		},
	)
	if err != nil {
		return err
	}
	for _, r := range rows {
		switch {
		case r.Status == domain.StatusClosureProposed:
			x.Closures = append(x.Closures, r)
		case r.Status == domain.StatusReferral && r.OwnerID == "":
			x.Referrals = append(x.Referrals, r)
		}
		if u := q.org.Users[r.OwnerID]; r.OwnerID != "" && (u == nil || !u.Active) {
			x.Orphaned = append(x.Orphaned, r)
		}
	}
	for _, it := range items {
		if it.Kind == "transfer_decision" {
			x.Transfers = append(x.Transfers, store.CaseRow{ID: it.CaseID, Ref: it.CaseRef})
		}
	}
	return h.render(
		q,
		http.StatusOK,
		"work",
		page{
			Title: "Team board",
			Nav:   "team",
			Data: workPage{
				Items:    items,
				Open:     open,
				Unlisted: max(0, open-len(items)),
				Overdue:  overdue,
				Board:    true,
				Extra:    x,
			},
		},
	)
}

func (h *Handler) inbox(q *visit) error {
	items, err := h.svc.Inbox(q.r.Context(), q.a)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "inbox", page{Title: "Inbox", Nav: "inbox", Data: items})
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
