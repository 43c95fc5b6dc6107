package web

import (
	"net/http"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

func (h *Handler) workRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /{$}", h.signedIn(func(q *visit) error {
		http.Redirect(q.w, q.r, "/work", http.StatusSeeOther)
		return nil
	}))
	m.HandleFunc("GET /work", h.signedIn(h.myWork))
	m.HandleFunc("GET /team", h.signedIn(h.teamBoard))
	m.HandleFunc("GET /inbox", h.signedIn(h.inbox))
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
