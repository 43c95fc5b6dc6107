package web

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"net/url"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// Two-step sign-in on Your account: set up an authenticator app (a QR code
// and the secret to type), see the recovery codes once; an administrator
// resets another's when they lose their phone.

func (h *Handler) accountMFARoutes(m *http.ServeMux) {
	m.HandleFunc("GET /account/two-step", h.signedIn(h.twoStepPage))
	m.HandleFunc("POST /account/two-step", h.signedIn(h.twoStepEnrol))
	m.HandleFunc("POST /admin/users/{id}/two-step/reset", h.signedIn(h.twoStepReset))
}

type enrolData struct {
	Secret string
	QR     template.URL // data: URL of a PNG, made here (so trusted)
	Action string
}

type recoveryData struct {
	Codes []string
	Next  string
}

func newEnrolData(o *service.TOTPOffer, action string) (*enrolData, error) {
	img, err := o.Key().Image(200, 200)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return &enrolData{Secret: o.Secret, Action: action,
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes()))}, nil
}

func (h *Handler) twoStepPage(q *visit) error {
	return h.twoStepForm(q, http.StatusOK, nil)
}

func (h *Handler) twoStepForm(q *visit, status int, errs domain.Problems) error {
	offer, err := h.svc.OfferTOTP(q.r.Context(), q.a, "")
	if err != nil {
		return err
	}
	d, err := newEnrolData(offer, "/account/two-step")
	if err != nil {
		return err
	}
	return h.render(q, status, "enrol", page{Title: "Set up two-step sign-in", Nav: "account", Data: d,
		Errors: errs})
}

func (h *Handler) twoStepEnrol(q *visit) error {
	codes, _, err := h.svc.EnrolTOTP(q.r.Context(), q.a, "", q.r.PostForm.Get("code"))
	if ps, ok := domain.AsProblems(err); ok {
		return h.twoStepForm(q, http.StatusUnprocessableEntity, ps)
	}
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "recovery", page{Title: "Your recovery codes", Nav: "account",
		Data: recoveryData{Codes: codes, Next: "/account"}})
}

func (h *Handler) twoStepReset(q *visit) error {
	id := q.r.PathValue("id")
	if err := h.svc.ResetTwoStep(q.r.Context(), q.a, service.ResetTwoStepIn{UserID: id}); err != nil {
		return err
	}
	name := id
	if u := q.org.Users[id]; u != nil {
		name = u.Name
	}
	q.redirectDone("/admin/users/"+url.PathEscape(id)+"/password", "Two-step sign-in reset for "+name+
		": they set it up again when they next sign in")
	return nil
}
