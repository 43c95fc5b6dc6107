// Package request is the request side of the HTTP seam the API and the pages share: who is asking (token or session
// with CSRF), the path form of case references, and the one decoder that fills a command's input struct.
package request

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"

	"github.com/holdfast/holdfast/internal/service"
)

// SessionCookie holds a browser's session token.
const SessionCookie = "holdfast_session"

// CSRFHeader carries a cookie session's CSRF token on an API write.
const CSRFHeader = "X-CSRF-Token"

type actorKey struct{}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a *service.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// Authenticate resolves a bearer token or a session cookie to an actor; for
// a cookie it also returns the session's CSRF token, which the caller must
// check on unsafe methods (CSRFOK) so another site cannot make a signed-in
// browser act. A bearer token returns no CSRF token: nothing to check. A
// read-only token is refused (403) for anything but reading; a session whose
// password an administrator reset may only change it (ErrMustChangePassword).
func Authenticate(svc *service.Service, r *http.Request) (*service.Actor, string, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, "", fmt.Errorf(
				"the Authorization header must be \"Bearer <token>\": %w",
				service.ErrUnauthenticated,
			)
		}
		a, info, err := svc.TokenAuth(r.Context(), tok)
		if err != nil {
			return nil, "", err
		}
		noteActor(r, a)
		if info.ReadOnly() && !SafeMethod(r.Method) {
			return nil, "", fmt.Errorf("this API token is read-only: create a read-write token to make changes: %w",
				service.ErrForbidden)
		}
		return a, "", nil
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return nil, "", fmt.Errorf("send an API token or sign in: %w", service.ErrUnauthenticated)
	}
	a, csrf, err := svc.SessionActor(r.Context(), c.Value)
	if err != nil {
		return nil, "", fmt.Errorf("your session has ended: sign in again: %w", err)
	}
	noteActor(r, a)
	if !passwordChangePaths[r.URL.Path] {
		must, err := svc.MustChangePassword(r.Context(), a)
		if err != nil {
			return nil, "", err
		}
		if must {
			return a, csrf, ErrMustChangePassword
		}
	}
	return a, csrf, nil
}

// ErrMustChangePassword refuses a session whose password an administrator
// reset, for anything but changing it (and signing out).
var ErrMustChangePassword = fmt.Errorf("an administrator reset your password: change it before anything else "+
	"(on /account/password, or POST /api/v1/me/password): %w", service.ErrForbidden)

// passwordChangePaths are what a session that must change its password may use.
var passwordChangePaths = map[string]bool{
	"/account/password": true, "/sign-out": true, "/api/v1/me/password": true, "/api/v1/session": true,
}

// CSRFOK compares a submitted CSRF token with the session's in constant
// time; an empty expected token never matches.
func CSRFOK(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// SafeMethod reports whether a method only reads, and so needs no CSRF token.
func SafeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// CaseRef turns the path form of a reference (CSE-2025-000123) into the
// record's form (CSE/2025/000123): slashes cannot stand in a path segment.
func CaseRef(pathRef string) string { return strings.ReplaceAll(pathRef, "-", "/") }

// PathRef is the path form of a case reference.
func PathRef(ref string) string { return strings.ReplaceAll(ref, "/", "-") }

// RefOf is the case reference named by a request's {ref} path segment.
func RefOf(r *http.Request) string { return CaseRef(r.PathValue("ref")) }
