package web

import (
	"encoding/json"
	"net/http"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/http/response"
)

// Passkeys (docs/security.md): passkey.js asks the browser's authenticator
// and posts its answers here as form fields (csrf, data), so the same CSRF
// checks as every form apply; the answers here are JSON for the script.

func (h *Handler) passkeyRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /account/passkeys/begin", h.signedIn(h.passkeyBegin))
	m.HandleFunc("POST /account/passkeys/finish", h.signedIn(h.passkeyFinish))
	m.HandleFunc("POST /sign-in/passkey/begin", h.passkeyStepBegin)
	m.HandleFunc("POST /sign-in/passkey/finish", h.passkeyStepFinish)
}

func jsonError(w http.ResponseWriter, status int, err error) {
	msg := "something went wrong"
	if ps, ok := domain.AsProblems(err); ok && len(ps) > 0 {
		msg = ps[0].Message
	} else if status == http.StatusUnauthorized {
		msg = "the passkey was not accepted"
	}
	response.JSON(w, status, map[string]string{"error": msg})
}

func (h *Handler) passkeyBegin(q *visit) error {
	opts, err := h.svc.BeginPasskey(q.r.Context(), q.a)
	if err != nil {
		jsonError(q.w, response.StatusOf(err), err)
		return nil
	}
	response.JSON(q.w, http.StatusOK, opts)
	return nil
}

func (h *Handler) passkeyFinish(q *visit) error {
	err := h.svc.FinishPasskey(q.r.Context(), q.a, q.r.PostForm.Get("name"), []byte(q.r.PostForm.Get("data")))
	if err != nil {
		jsonError(q.w, response.StatusOf(err), err)
		return nil
	}
	response.JSON(q.w, http.StatusOK, map[string]string{"next": "/account?passkey=added#two-step"})
	return nil
}

// passkeyForm reads a second-step post, checking the pre-session CSRF token.
func (h *Handler) passkeyForm(w http.ResponseWriter, r *http.Request) bool {
	want := h.signInToken(w, r)
	if !parseForm(w, r) {
		return false
	}
	if !request.CSRFOK(want, r.PostForm.Get("csrf")) {
		response.JSON(w, http.StatusForbidden, map[string]string{"error": "the page was stale: reload it"})
		return false
	}
	return true
}

func (h *Handler) passkeyStepBegin(w http.ResponseWriter, r *http.Request) {
	if !h.passkeyForm(w, r) {
		return
	}
	opts, err := h.svc.BeginPasskeyStep(r.Context(), pendingToken(r))
	if err != nil {
		jsonError(w, response.StatusOf(err), err)
		return
	}
	b, _ := json.Marshal(opts)
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func (h *Handler) passkeyStepFinish(w http.ResponseWriter, r *http.Request) {
	if !h.passkeyForm(w, r) {
		return
	}
	sess, err := h.svc.FinishPasskeyStep(r.Context(), pendingToken(r), []byte(r.PostForm.Get("data")))
	if err != nil {
		jsonError(w, response.StatusOf(err), err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: request.SessionCookie, Value: sess.Token, Path: "/", HttpOnly: true,
		Secure: h.secure, SameSite: http.SameSiteLaxMode})
	next := localNext(r.PostForm.Get("next"))
	if sess.MustChangePassword {
		next = "/account/password"
	}
	response.JSON(w, http.StatusOK, map[string]string{"next": next})
}
