package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// The hand-on of a leaver's open cases (service/handover.go): the team
// board, My work and the administrator's leaver page link it. One thing
// per page: choose a new officer in charge for each case (or one for all
// left unchosen), check your answers, then hand them on.
func (h *Handler) handOnRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /team/leavers", h.signedIn(h.leaversToHandOn))
	m.HandleFunc("GET /team/leavers/{id}", h.signedIn(h.handOnForm))
	m.HandleFunc("POST /team/leavers/{id}", h.signedIn(h.handOnCheck))
	m.HandleFunc("POST /team/leavers/{id}/change", h.signedIn(h.handOnChange))
	m.HandleFunc("POST /team/leavers/{id}/confirm", h.signedIn(h.handOnConfirm))
}

// handOnPage is the data of every step (template handover.html): the
// list of leavers, the choices for one, or the check of them.
type handOnPage struct {
	Leavers []service.LeaverToHandOn // the list of leavers (no Hand)
	Hand    *service.Handover
	Rows    []handOnRow
	// All are the officers offered for every case that may be handed on,
	// to take all those not chosen one by one.
	All      []handOnOpt
	Officers []service.HandoverOfficer // everyone offered, once, for the table of caseloads
	Plan     *service.HandOnPlan       // the check of the choices
	Mayable  int                       // cases the reader may hand on
	// Result is a hand-on that did not hand on every case chosen: what
	// it did, what it did not and why (a hand-on that did all says so in
	// the banner of the page it returns to).
	Result *service.HandOnPlan
}

type handOnRow struct {
	service.HandoverCase
	Field string // the form field of its choice
	Opts  []handOnOpt
}

// handOnOpt is an officer as the chooser offers them: one the service
// would refuse (lacking an accreditation) is shown, with why, and cannot
// be chosen.
type handOnOpt struct {
	ID, Label string
	Disabled  bool
}

func (h *Handler) leaversToHandOn(q *visit) error {
	ls, err := h.svc.LeaversToHandOn(q.r.Context(), q.a)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "handover", page{Title: "Hand on the cases of people who have left",
		Nav: "team", Data: handOnPage{Leavers: ls}})
}

func (h *Handler) handOnForm(q *visit) error {
	return h.renderHandOn(q, http.StatusOK, nil, nil)
}

// handOnChange shows the choices again as they were sent from the check.
func (h *Handler) handOnChange(q *visit) error {
	return h.renderHandOn(q, http.StatusOK, nil, formMap(q.r.PostForm))
}

func (h *Handler) renderHandOn(q *visit, status int, ps domain.Problems, form map[string]string) error {
	hd, err := h.svc.HandoverOf(q.r.Context(), q.a, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	d := handOnPage{Hand: hd}
	seen := map[string]bool{}
	offeredFor := map[string]int{}
	for _, c := range hd.Cases {
		row := handOnRow{HandoverCase: c, Field: service.HandOnField(c.CaseID)}
		for _, o := range c.Officers {
			op := handOnOpt{ID: o.ID, Label: o.Name + " (" + handOnLoad(o.Caseload) + ")"}
			if o.Lacks != "" {
				op.Label, op.Disabled = o.Name+" — "+o.Lacks, true
			} else {
				offeredFor[o.ID]++
			}
			row.Opts = append(row.Opts, op)
			if !seen[o.ID] {
				seen[o.ID] = true
				d.Officers = append(d.Officers, o)
			}
		}
		if c.Why == "" {
			d.Mayable++
		}
		d.Rows = append(d.Rows, row)
	}
	for _, o := range d.Officers {
		if offeredFor[o.ID] == d.Mayable {
			d.All = append(d.All, handOnOpt{ID: o.ID, Label: o.Name + " (" + handOnLoad(o.Caseload) + ")"})
		}
	}
	return h.render(q, status, "handover", page{Title: "Hand on " + domain.Possessive(hd.Name) + " cases",
		Nav: "team", Data: d, Errors: ps, Form: form})
}

// handOnLoad is "3 open cases, 7 overdue duties, 30 long-dormant": the
// overdue counted as the team board counts it, the long-dormant apart,
// so that the hand-on's figures are the board's.
func handOnLoad(cl service.Caseload) string {
	w := caseloadWords(service.Caseload{OpenCases: cl.OpenCases, Overdue: cl.Recent()})
	if cl.Dormant > 0 {
		w += fmt.Sprintf(", %d long-dormant", cl.Dormant)
	}
	return w
}

// handOnInput reads the choices: each case listed (with the version the
// reader saw) and its officer, and the officer for all the rest.
func handOnInput(f url.Values) service.HandOn {
	in := service.HandOn{All: f.Get("all")}
	for _, id := range f["case"] {
		v, _ := strconv.ParseInt(f.Get("version-"+id), 10, 64)
		in.Cases = append(in.Cases, service.HandOnCase{CaseID: id, Version: v,
			OwnerID: f.Get(service.HandOnField(id))})
	}
	return in
}

func (h *Handler) handOnCheck(q *visit) error {
	plan, err := h.svc.CheckHandOn(q.r.Context(), q.a, q.r.PathValue("id"), handOnInput(q.r.PostForm))
	if ps, ok := domain.AsProblems(err); ok {
		return h.renderHandOn(q, http.StatusUnprocessableEntity, ps, formMap(q.r.PostForm))
	}
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "handover", page{Title: "Check your answers before handing on " +
		domain.Possessive(plan.Name) + " cases", Nav: "team", Data: handOnPage{Plan: plan}})
}

func (h *Handler) handOnConfirm(q *visit) error {
	id := q.r.PathValue("id")
	done, err := h.svc.HandOn(q.r.Context(), q.a, id, handOnInput(q.r.PostForm))
	if ps, ok := domain.AsProblems(err); ok && (done == nil || len(done.Steps) == 0) {
		return h.renderHandOn(q, http.StatusUnprocessableEntity, ps, formMap(q.r.PostForm))
	}
	if done != nil && len(done.Missed) > 0 {
		// Some cases went and some did not: say which, whatever stopped
		// the rest, so that nobody hands on twice or leaves one believing
		// it went. An error that is no refusal is logged, as any page's.
		status := http.StatusOK
		if err != nil {
			slog.ErrorContext(q.r.Context(), "hand-on stopped", "leaver", id, "err", err)
			status = http.StatusInternalServerError
		}
		title := "Not every case was handed on"
		if len(done.Steps) == 0 {
			title = "No case was handed on"
		}
		return h.render(q, status, "handover", page{Title: title, Nav: "team", Data: handOnPage{Result: done}})
	}
	if err != nil {
		return err
	}
	q.redirectDone("/team/leavers/"+url.PathEscape(id), done.Message())
	return nil
}

// mayHandOn reports whether the reader may hand on the open cases of the
// leaver id: the administrator's leaver page links the hand-on only then
// (an administrator who is no supervisor may not).
func (h *Handler) mayHandOn(q *visit, id string) (bool, error) {
	ls, err := h.svc.LeaversToHandOn(q.r.Context(), q.a)
	if errors.Is(err, service.ErrForbidden) {
		return false, nil
	}
	return slices.ContainsFunc(ls, func(l service.LeaverToHandOn) bool { return l.UserID == id }), err
}
