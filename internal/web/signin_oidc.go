package web

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/oidc"
)

// Signing in through the force's identity provider (docs/security.md). The
// flow's secrets (state, nonce, PKCE verifier) and where to go afterwards
// are kept in a short-lived cookie scoped to these two paths, sent back by
// the browser on the provider's redirect (SameSite=Lax allows a top-level
// GET) and cleared at once, so a response can be used only once.

const oidcCookie = "holdfast_oidc"

type oidcFlow struct {
	oidc.Flow
	Next string
}

func (h *Handler) oidcRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /sign-in/oidc", h.oidcStart)
	m.HandleFunc("GET /sign-in/oidc/callback", h.oidcCallback)
}

func (h *Handler) oidcStart(w http.ResponseWriter, r *http.Request) {
	c := h.svc.IdentityProvider()
	if c == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	to, f, err := c.Start(r.Context())
	if err != nil {
		h.oidcFail(w, r, http.StatusBadGateway, "Your force's sign-in cannot be reached just now: try again in a "+
			"minute, or tell your administrator")
		return
	}
	b, _ := json.Marshal(oidcFlow{Flow: f, Next: localNext(r.URL.Query().Get("next"))})
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: base64.RawURLEncoding.EncodeToString(b),
		Path: "/sign-in/oidc", MaxAge: 600, HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (h *Handler) oidcCallback(w http.ResponseWriter, r *http.Request) {
	c := h.svc.IdentityProvider()
	var f oidcFlow
	if ck, err := r.Cookie(oidcCookie); err == nil {
		if b, err := base64.RawURLEncoding.DecodeString(ck.Value); err == nil {
			json.Unmarshal(b, &f)
		}
	}
	// Used once: whatever happens next, this flow is over.
	http.SetCookie(w, &http.Cookie{Name: oidcCookie, Value: "", Path: "/sign-in/oidc", MaxAge: -1, HttpOnly: true,
		Secure: h.secure, SameSite: http.SameSiteLaxMode})
	q := r.URL.Query()
	if c == nil {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	if e := q.Get("error"); e != "" {
		h.svc.IdentityRefused(r.Context(), nil, "", "the provider answered "+e)
		h.oidcFail(w, r, http.StatusUnauthorized, "Your force's sign-in did not sign you in: try again")
		return
	}
	id, err := c.Finish(r.Context(), f.Flow, q.Get("state"), q.Get("code"))
	if err != nil {
		if !errors.Is(err, oidc.ErrRefused) {
			h.oidcFail(w, r, http.StatusBadGateway, "Your force's sign-in cannot be reached just now: try again")
			return
		}
		h.svc.IdentityRefused(r.Context(), nil, "", err.Error())
		h.oidcFail(w, r, http.StatusUnauthorized, "The answer from your force's sign-in could not be trusted, "+
			"or was used already: sign in again")
		return
	}
	sess, err := h.svc.SignInWithIdentity(r.Context(), id)
	if err != nil {
		h.oidcFail(w, r, http.StatusForbidden, "Your force's sign-in worked, but Holdfast does not know you as a "+
			"serving officer: ask your administrator")
		return
	}
	if old, err := r.Cookie(request.SessionCookie); err == nil {
		h.svc.SignOut(r.Context(), old.Value)
	}
	h.afterPassword(w, r, sess, localNext(f.Next))
}

// oidcFail shows the sign-in page with what went wrong.
func (h *Handler) oidcFail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	p := page{Title: "Sign in", Now: h.svc.Now(), Form: map[string]string{"next": ""}, Data: h.signInData()}
	p.CSRF = h.signInToken(w, r)
	p.Errors = domain.Problems{{Field: "username", Rule: "oidc", Message: msg}}
	if err := h.write(w, status, "signin", p); err != nil {
		http.Error(w, msg, status)
		slog.ErrorContext(r.Context(), "sign-in page", "err", err)
	}
}

// signInData says what the sign-in page offers.
type signInOffer struct {
	Provider  string // the identity provider's name, if one is set up
	Passwords bool
}

func (h *Handler) signInData() signInOffer {
	o := signInOffer{Passwords: h.svc.Policy().Auth.PasswordsOn()}
	if c := h.svc.IdentityProvider(); c != nil {
		o.Provider = c.Name()
	}
	return o
}
