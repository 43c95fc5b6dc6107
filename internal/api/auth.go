package api

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

type actorKey struct{}

// ActorFrom returns the authenticated actor of a request, if any.
func ActorFrom(ctx context.Context) *service.Actor {
	a, _ := ctx.Value(actorKey{}).(*service.Actor)
	return a
}

// WithActor returns ctx carrying a.
func WithActor(ctx context.Context, a *service.Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// Authenticate resolves a bearer token or a session cookie to an actor.
// For a cookie, unsafe methods must also carry the session's CSRF token, so
// another site cannot make a signed-in browser act.
func Authenticate(svc *service.Service, r *http.Request) (*service.Actor, string, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, "", fmt.Errorf("the Authorization header must be \"Bearer <token>\": %w", service.ErrUnauthenticated)
		}
		a, err := svc.TokenActor(r.Context(), tok)
		return a, "", err
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return nil, "", fmt.Errorf("send an API token or sign in: %w", service.ErrUnauthenticated)
	}
	a, csrf, err := svc.SessionActor(r.Context(), c.Value)
	if err != nil {
		return nil, "", fmt.Errorf("your session has ended: sign in again: %w", err)
	}
	return a, csrf, nil
}

// CSRFOK compares a submitted CSRF token in constant time.
func CSRFOK(want, got string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
