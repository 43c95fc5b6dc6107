package web

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/service"
)

func (h *Handler) signInRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /sign-in", h.signIn)
	m.HandleFunc("POST /sign-in", h.signIn)
	m.HandleFunc("POST /sign-out", h.signedIn(h.signOut))
	h.secondStepRoutes(m)
	h.oidcRoutes(m) // signin_oidc.go
}

// Login CSRF: without a token, another site could post its own username
// and password to /sign-in and so sign a victim's browser in as the
// attacker, whose record the victim would then fill. The form carries a
// pre-session token, double-submitted: the same random value is set in a
// cookie and in the form's hidden csrf field, and a post is taken only when
// the two match. Another site can neither read the cookie (to copy it into
// its form) nor make the browser send it (SameSite=Strict, so a cross-site
// post arrives without it); it is HttpOnly and lasts an hour. The cookie is
// kept across visits so that two tabs of the form both work.
const signInCookie = "holdfast_signin"

// signInToken is the request's pre-session token, or a new one set in a
// cookie on w.
func (h *Handler) signInToken(w http.ResponseWriter, r *http.Request) string {
	if c, err := r.Cookie(signInCookie); err == nil && len(c.Value) == 43 {
		return c.Value
	}
	b := make([]byte, 32)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: tok, Path: "/sign-in", MaxAge: 3600, HttpOnly: true,
		Secure: h.secure, SameSite: http.SameSiteStrictMode})
	return tok
}

// localNext is where to go after signing in: next if it is a path on this
// site, else /work. Browsers read /\evil.example and /<tab>/evil.example as
// //evil.example, another site, so next must be printable ASCII without a
// backslash (a path Holdfast sent is URL-escaped, so it always is), begin
// with one slash, and parse to a bare path, query and fragment.
func localNext(next string) string {
	const home = "/work"
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return home
	}
	for i := 0; i < len(next); i++ {
		if next[i] <= ' ' || next[i] >= 0x7f {
			return home
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		!strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") || strings.ContainsAny(u.Path, "\\\t\r\n") {
		return home
	}
	return next
}

// signIn serves the sign-in form and starts a session.
func (h *Handler) signIn(w http.ResponseWriter, r *http.Request) {
	p := page{Title: "Sign in", Now: h.svc.Now(), Form: map[string]string{"next": r.URL.Query().Get("next")},
		Data: h.signInData()}
	p.CSRF = h.signInToken(w, r)
	if r.Method == http.MethodPost {
		if !parseForm(w, r) {
			return
		}
		p.Form["username"] = r.PostForm.Get("username")
		p.Form["next"] = r.PostForm.Get("next")
		if !request.CSRFOK(p.CSRF, r.PostForm.Get("csrf")) {
			p.Errors = domain.Problems{{Field: "username", Rule: "csrf",
				Message: "The sign-in form was stale or came from another site: sign in again on this page"}}
			h.write(w, http.StatusForbidden, "signin", p)
			return
		}
		sess, err := h.svc.SignIn(r.Context(), r.PostForm.Get("username"), r.PostForm.Get("password"))
		if err == nil {
			// Rotation: a session this browser held before is ended, so a
			// session id planted before sign-in is worth nothing after it.
			if old, err := r.Cookie(request.SessionCookie); err == nil {
				h.svc.SignOut(r.Context(), old.Value)
			}
			// No Expires: the server ends the session; the browser forgets it on close.
			h.afterPassword(w, r, sess, localNext(p.Form["next"]))
			return
		}
		switch response.StatusOf(err) {
		case http.StatusServiceUnavailable:
			h.fail(w, r, nil, "", err)
			return
		case http.StatusTooManyRequests:
			response.ThrottledHeader(w, err)
			p.Errors = domain.Problems{{Field: "username", Rule: "throttled", Message: throttledMessage(err)}}
			h.write(w, http.StatusTooManyRequests, "signin", p)
			return
		}
		p.Errors = domain.Problems{
			{Field: "username", Rule: "sign_in", Message: "Enter a correct username and password"},
		}
		h.write(w, http.StatusUnauthorized, "signin", p)
		return
	}
	h.write(w, http.StatusOK, "signin", p)
}

func (h *Handler) signOut(q *visit) error {
	if c, err := q.r.Cookie(request.SessionCookie); err == nil {
		h.svc.SignOut(q.r.Context(), c.Value)
	}
	http.SetCookie(q.w, &http.Cookie{Name: request.SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: h.secure, SameSite: http.SameSiteLaxMode})
	http.Redirect(q.w, q.r, "/sign-in", http.StatusSeeOther)
	return nil
}

// throttledMessage is what a person is told when a sign-in was refused
// before it was checked (HTTP 429).
func throttledMessage(err error) string {
	var th *service.Throttled
	if errors.As(err, &th) {
		return fmt.Sprintf("There have been too many attempts to sign in. Wait %s, then sign in again", th.Wait())
	}
	return "There have been too many attempts to sign in. Wait a minute, then sign in again"
}

// The second step of signing in (docs/security.md): a code from an
// authenticator app or a recovery code, or setting up the app when the
// policy requires it and the person has none. The half-finished sign-in is
// a session good for nothing else, in the same cookie.

func (h *Handler) secondStepRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /sign-in/code", h.signInCode)
	m.HandleFunc("POST /sign-in/code", h.signInCode)
	m.HandleFunc("GET /sign-in/enrol", h.signInEnrol)
	m.HandleFunc("POST /sign-in/enrol", h.signInEnrol)
}

// afterPassword sends a browser whose password was right on to the second
// step, or into Holdfast.
func (h *Handler) afterPassword(w http.ResponseWriter, r *http.Request, sess *service.Session, next string) {
	http.SetCookie(w, &http.Cookie{Name: request.SessionCookie, Value: sess.Token, Path: "/", HttpOnly: true,
		Secure: h.secure, SameSite: http.SameSiteLaxMode})
	switch {
	case sess.Stage == service.StageMFA:
		next = "/sign-in/code?next=" + url.QueryEscape(next)
	case sess.Stage == service.StageEnrol:
		next = "/sign-in/enrol?next=" + url.QueryEscape(next)
	case sess.MustChangePassword:
		next = "/account/password"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// pendingToken is the half-finished sign-in's token, if the browser has one.
func pendingToken(r *http.Request) string {
	if c, err := r.Cookie(request.SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func (h *Handler) signInCode(w http.ResponseWriter, r *http.Request) {
	p := page{Title: "Enter your code", Now: h.svc.Now(), Form: map[string]string{"next": r.URL.Query().Get("next")}}
	if h.svc.PasskeysOn() {
		p.Data = true // offer a passkey
	}
	p.CSRF = h.signInToken(w, r)
	tok := pendingToken(r)
	if _, stage, err := h.svc.PendingSignIn(r.Context(), tok); err != nil || stage != service.StageMFA {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	if r.Method == http.MethodPost {
		if !parseForm(w, r) {
			return
		}
		p.Form["next"] = r.PostForm.Get("next")
		if !request.CSRFOK(p.CSRF, r.PostForm.Get("csrf")) {
			p.Errors = domain.Problems{{Field: "code", Rule: "csrf",
				Message: "The form was stale or came from another site: enter the code again on this page"}}
			h.write(w, http.StatusForbidden, "signincode", p)
			return
		}
		sess, err := h.svc.SecondStep(r.Context(), tok, r.PostForm.Get("code"))
		if err == nil {
			h.afterPassword(w, r, sess, localNext(p.Form["next"]))
			return
		}
		if response.StatusOf(err) == http.StatusServiceUnavailable {
			h.fail(w, r, nil, "", err)
			return
		}
		p.Errors = domain.Problems{{Field: "code", Rule: "code",
			Message: "Enter the newest code from your authenticator app, or one of your recovery codes"}}
		h.write(w, http.StatusUnauthorized, "signincode", p)
		return
	}
	h.write(w, http.StatusOK, "signincode", p)
}

func (h *Handler) signInEnrol(w http.ResponseWriter, r *http.Request) {
	p := page{Title: "Set up two-step sign-in", Now: h.svc.Now(),
		Form: map[string]string{"next": r.URL.Query().Get("next")}}
	p.CSRF = h.signInToken(w, r)
	tok := pendingToken(r)
	if _, stage, err := h.svc.PendingSignIn(r.Context(), tok); err != nil || stage != service.StageEnrol {
		http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
		return
	}
	if r.Method == http.MethodPost {
		if !parseForm(w, r) {
			return
		}
		p.Form["next"] = r.PostForm.Get("next")
		if !request.CSRFOK(p.CSRF, r.PostForm.Get("csrf")) {
			p.Errors = domain.Problems{{Field: "code", Rule: "csrf",
				Message: "The form was stale or came from another site: start again on this page"}}
		} else {
			codes, sess, err := h.svc.EnrolTOTP(r.Context(), nil, tok, r.PostForm.Get("code"))
			if err == nil {
				http.SetCookie(w, &http.Cookie{Name: request.SessionCookie, Value: sess.Token, Path: "/",
					HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
				h.write(w, http.StatusOK, "recovery", page{Title: "Your recovery codes", Now: h.svc.Now(),
					Data: recoveryData{Codes: codes, Next: localNext(p.Form["next"])}})
				return
			}
			ps, ok := domain.AsProblems(err)
			if !ok {
				h.fail(w, r, nil, "", err)
				return
			}
			p.Errors = ps
		}
	}
	offer, err := h.svc.OfferTOTP(r.Context(), nil, tok)
	if err != nil {
		h.fail(w, r, nil, "", err)
		return
	}
	d, err := newEnrolData(offer, "/sign-in/enrol")
	if err != nil {
		h.fail(w, r, nil, "", err)
		return
	}
	p.Data = d
	status := http.StatusOK
	if p.Errors != nil {
		status = http.StatusUnprocessableEntity
	}
	h.write(w, status, "enrol", p)
}
