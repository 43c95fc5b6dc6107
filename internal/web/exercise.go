package web

import (
	"fmt"
	"net/http"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/exercise"
	"github.com/holdfast/holdfast/internal/http/request"
)

// exerciseRoutes mounts the exercise's page (holdfast exercise new): the
// trainer's score, or a trainee's cases. A live database has neither.
func (h *Handler) exerciseRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /exercise", h.signedIn(h.exercisePage))
}

// exerciseNav says whether the reader's navigation offers the exercise
// page: in an exercise database, to the trainer and the trainees. The
// plan is read once (it never changes once set up); a failed read offers
// nothing and is tried again on the next page.
func (h *Handler) exerciseNav(q *visit) bool {
	p := h.plan.Load()
	if p == nil {
		got, err := h.svc.ExercisePlan(q.r.Context())
		if err != nil {
			return false
		}
		if got == nil {
			got = &exercise.Plan{} // a live database: no trainee, and no page
		}
		h.plan.Store(got)
		p = got
	}
	if p.Started.IsZero() {
		return false
	}
	return q.a.User.HasRole(domain.RoleAdmin) || p.IsTrainee(q.a.ID())
}

type exercisePage struct {
	Trainer  bool
	Started  string
	Trainees []exerciseTrainee
	Cases    []exerciseCase // a trainee's own
}

type exerciseTrainee struct {
	Name, Username string
	Fixed, Total   int
	Rows           []exerciseRow
}

type exerciseRow struct {
	exerciseCase
	Label, Remedy string
	Fixed         bool
	Result        string // what became of it
	Took          string
	Opened        string // for a miss: whether the trainee looked
}

type exerciseCase struct{ Ref, Path string }

func caseLink(ref string) exerciseCase {
	return exerciseCase{Ref: ref, Path: "/cases/" + request.PathRef(ref)}
}

func (h *Handler) exercisePage(q *visit) error {
	ctx := q.r.Context()
	if !q.a.User.HasRole(domain.RoleAdmin) {
		refs, err := h.svc.ExerciseCases(ctx, q.a)
		if err != nil {
			return err
		}
		d := exercisePage{}
		for _, r := range refs {
			d.Cases = append(d.Cases, caseLink(r))
		}
		return h.render(q, http.StatusOK, "exercise", page{Title: "Your exercise", Nav: "exercise", Data: d})
	}
	rep, err := h.svc.ExerciseScore(ctx, q.a)
	if err != nil {
		return err
	}
	d := exercisePage{Trainer: true, Started: govTime(rep.Started)}
	for _, t := range rep.Trainees {
		et := exerciseTrainee{Name: t.Name, Username: t.Username, Fixed: len(t.Fixed),
			Total: len(t.Fixed) + len(t.Missed)}
		row := func(r exercise.Result, fixed bool) exerciseRow {
			// No link: a trainer is an administrator, who sees no case.
			x := exerciseRow{exerciseCase: exerciseCase{Ref: r.Ref}, Label: r.Label, Remedy: r.Remedy, Fixed: fixed}
			switch {
			case fixed:
				x.Result, x.Took = "put right "+govTime(r.At), took(r.Took)
			case r.Done:
				x.Result = "put right by " + personName(q.org, r.By)
			default:
				x.Result = "still to " + r.Remedy
			}
			if !fixed {
				x.Opened = "never opened the case"
				if r.Opened >= 0 {
					x.Opened = "opened the case " + took(r.Opened) + " in"
				}
			}
			return x
		}
		for _, r := range t.Fixed {
			et.Rows = append(et.Rows, row(r, true))
		}
		for _, r := range t.Missed {
			et.Rows = append(et.Rows, row(r, false))
		}
		d.Trainees = append(d.Trainees, et)
	}
	return h.render(q, http.StatusOK, "exercise", page{Title: "Exercise score", Nav: "exercise", Data: d})
}

// took says how long an error took to put right, to the minute.
func took(d time.Duration) string {
	d = d.Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case days > 0:
		return unit(days, "day") + " " + unit(hours, "hour")
	case hours > 0:
		return unit(hours, "hour") + " " + unit(mins, "minute")
	}
	return unit(mins, "minute")
}
