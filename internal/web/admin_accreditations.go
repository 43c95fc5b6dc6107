package web

import (
	"net/http"
	"net/url"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// Accreditations are recorded and withdrawn from the user's page (issue
// 21); a refusal shows the page again with the problems by field.

func (h *Handler) adminAward(q *visit) error {
	f := q.r.PostForm
	var in service.AwardAccreditation
	err := request.DecodeForm(f, &in)
	in.User = q.r.PathValue("id")
	if err == nil {
		_, err = h.svc.AwardAccreditation(q.r.Context(), q.a, in)
	}
	return h.accreditationDone(q, err, "The accreditation has been recorded")
}

func (h *Handler) adminWithdraw(q *visit) error {
	f := q.r.PostForm
	var in service.WithdrawAccreditation
	err := request.DecodeForm(f, &in)
	in.User = q.r.PathValue("id")
	if err == nil {
		_, err = h.svc.WithdrawAccreditation(q.r.Context(), q.a, in)
	}
	return h.accreditationDone(q, err, "The accreditation has been withdrawn")
}

func (h *Handler) accreditationDone(q *visit, err error, done string) error {
	if ps, ok := domain.AsProblems(err); ok {
		p, perr := h.userPageOf(q)
		if perr != nil {
			return perr
		}
		return h.render(q, http.StatusUnprocessableEntity, "admin_user", page{Title: rankedName(p.User), Nav: "admin",
			Errors: ps, Data: p, Form: formMap(q.r.PostForm)})
	}
	if err != nil {
		return err
	}
	q.redirectDone("/admin/users/"+url.PathEscape(q.r.PathValue("id"))+"#accreditations", done)
	return nil
}
