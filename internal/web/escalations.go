package web

import (
	"net/http"
	"strconv"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

func (h *Handler) escalationRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /work/escalations", h.signedIn(h.escalations(false)))
	m.HandleFunc("GET /work/escalations/long-dormant", h.signedIn(h.escalations(true)))
}

// escalationsView is a page of one list of escalations in the reader's
// command: this year's, or the long-dormant ones (service.EscalationList).
type escalationsView struct {
	*service.EscalationList
	Dormant bool
	// Items are the page's escalations, Count how many the list holds,
	// Pages how many pages it has.
	Items       []service.WorkItem
	Count       int
	Pages       int
	From, To    int    // the places in the list of the page's first and last
	Other       string // the path of the other list
	OtherCount  int
	Path, Title string
}

// escalations shows a page of the current escalations of the reader's
// command, or of the long-dormant ones: the lists My work counts and
// starts, each whole on its own pages.
func (h *Handler) escalations(dormant bool) func(q *visit) error {
	return func(q *visit) error {
		in := service.EscalationPageIn{Dormant: dormant}
		status, ps := http.StatusOK, domain.Problems(nil)
		if v := q.r.URL.Query().Get("page"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				status = http.StatusBadRequest
				ps.Add("page", "invalid", "The link to this page of escalations is damaged: this is the first page.")
			} else {
				in.Page = n
			}
		}
		l, err := h.svc.EscalationPage(q.r.Context(), q.a, in)
		if err != nil {
			return err
		}
		v := &escalationsView{EscalationList: l, Dormant: dormant, Path: "/work/escalations",
			Title: "Escalations in your command", Items: l.Current, Count: l.CurrentCount,
			Other: "/work/escalations/long-dormant", OtherCount: l.DormantCount}
		if dormant {
			v.Path, v.Title, v.Items, v.Count = v.Other, "Long-dormant escalations", l.Dormant, l.DormantCount
			v.Other, v.OtherCount = "/work/escalations", l.CurrentCount
		}
		v.Pages = max(1, (v.Count+l.Size-1)/l.Size)
		v.From = (l.Page-1)*l.Size + 1
		v.To = v.From + len(v.Items) - 1
		return h.render(q, status, "work", page{Title: v.Title, Nav: "work", Data: homePage{List: v}, Errors: ps})
	}
}
