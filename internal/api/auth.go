package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// Authentication's routes: your sessions and API tokens, passwords, sign-in
// locks and the security log (docs/security.md).

type tokenList struct {
	Tokens []store.TokenRow `json:"tokens"`
}

type sessionList struct {
	Sessions []service.SessionView `json:"sessions"`
}

type ended struct {
	Ended int `json:"ended"`
}

type securityLog struct {
	Events []store.SecurityRow `json:"events"`
	// Next is the before= value of the next (older) page; 0 if none.
	Next int64 `json:"next,omitempty"`
}

// sessionToken is the request's session cookie, if any.
func sessionToken(r *http.Request) string {
	if c, err := r.Cookie(request.SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func (s *Server) authRoutes() []route {
	svc := s.svc
	securityQuery := func(r *http.Request) (service.SecurityQuery, error) {
		return service.SecurityQueryFrom(r.URL.Query().Get)
	}
	return []route{
		withQuery(op("GET", "/api/v1/tokens", "API tokens: your own, or (administrator) another's or everyone's",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (tokenList, error) {
				q := service.TokenQuery{UserID: r.URL.Query().Get("user"), All: r.URL.Query().Get("all") == "true"}
				rows, err := svc.Tokens(ctx, a, q)
				if rows == nil {
					rows = []store.TokenRow{}
				}
				return tokenList{Tokens: rows}, err
			}), "user", "a user's id (administrator)", "all", "true: everyone's tokens (administrator)"),
		op("DELETE", "/api/v1/tokens/{id}", "Revoke an API token: your own, or (administrator) anyone's",
			http.StatusOK, func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (none, error) {
				return none{}, svc.RevokeToken(ctx, a, service.RevokeTokenIn{ID: r.PathValue("id")})
			}),
		op("GET", "/api/v1/sessions", "Your sessions (signed-in browsers and API sessions)", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (sessionList, error) {
				v, err := svc.MySessions(ctx, a, sessionToken(r))
				return sessionList{Sessions: v}, err
			}),
		op("POST", "/api/v1/sessions/end", "End one of your sessions (id), every other (others) or all of them "+
			"(all: sign out everywhere)", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, in *service.EndSessionsIn) (ended, error) {
				n, err := svc.EndMySessions(ctx, a, sessionToken(r), *in)
				return ended{Ended: n}, err
			}),
		op("POST", "/api/v1/me/password", "Change your password, giving the current one; your other sessions end",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, in *service.PasswordChange) (none, error) {
				return none{}, svc.ChangePassword(ctx, a, sessionToken(r), *in)
			}),
		cmd("POST", "/api/v1/users/{id}/password", "Reset a user's password, to be changed at their next sign-in "+
			"(administrator)", http.StatusOK, func(ctx context.Context, a *service.Actor, in service.PasswordReset) (none,
			error) {
			return none{}, svc.ResetPassword(ctx, a, in)
		}),
		op("GET", "/api/v1/users/{id}/sign-in-lock", "Whether a user's sign-in is locked (administrator)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*service.SignInLock, error) {
				return svc.SignInLockOf(ctx, a, r.PathValue("id"))
			}),
		op("POST", "/api/v1/users/{id}/unlock", "Lift a user's sign-in lock (administrator)", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (none, error) {
				return none{}, svc.Unlock(ctx, a, service.UnlockIn{UserID: r.PathValue("id")})
			}),
		op("POST", "/api/v1/users/{id}/two-step/reset", "Reset a user's two-step sign-in: they set it up again "+
			"at their next sign-in (administrator)", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (none, error) {
				return none{}, svc.ResetTwoStep(ctx, a, service.ResetTwoStepIn{UserID: r.PathValue("id")})
			}),
		withQuery(op("GET", "/api/v1/security-log", "The security log, newest first (administrator, auditor)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (securityLog, error) {
				q, err := securityQuery(r)
				if err != nil {
					return securityLog{}, err
				}
				rows, err := svc.SecurityLog(ctx, a, q)
				out := securityLog{Events: rows}
				if rows == nil {
					out.Events = []store.SecurityRow{}
				}
				if q.Limit == 0 {
					q.Limit = 50
				}
				if len(rows) == q.Limit {
					out.Next = rows[len(rows)-1].Seq
				}
				return out, err
			}), securityParams...),
		withQuery(op("GET", "/api/v1/security-log.csv", "The security log as CSV (administrator, auditor)",
			http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (csvFile, error) {
				q, err := securityQuery(r)
				if err != nil {
					return csvFile{}, err
				}
				if q.Limit == 0 {
					q.Limit = 5000
				}
				rows, err := svc.SecurityLog(ctx, a, q)
				if err != nil {
					return csvFile{}, err
				}
				org, err := svc.Org(ctx, a)
				if err != nil {
					return csvFile{}, err
				}
				return csvFile{name: "security-log.csv", rows: service.SecurityCSV(rows, org)}, nil
			}), securityParams...),
	}
}

var securityParams = []string{
	"kind", "a kind of security event (security.sign_in_failed, ...)",
	"user", "a user's id: events about them or by them",
	"address", "a client address",
	"from", "first day, YYYY-MM-DD (London)",
	"to", "last day, YYYY-MM-DD (London)",
	"before", "a seq: the page of events before it",
	"limit", "how many (JSON: 50 by default; CSV: 5000)",
}

// secondStep finishes an API sign-in whose password was right: with the
// code for an account with two-step sign-in, or refused for one that must
// first set it up (on the pages).
func secondStep(ctx context.Context, svc *service.Service, sess *service.Session, code string) (*service.Session,
	error) {
	switch sess.Stage {
	case service.StageMFA:
		if code == "" {
			svc.SignOut(ctx, sess.Token)
			return nil, fmt.Errorf("this account uses two-step sign-in: send the code from your authenticator app "+
				"(or a recovery code) as code: %w", service.ErrUnauthenticated)
		}
		return svc.SecondStep(ctx, sess.Token, code)
	case service.StageEnrol:
		svc.SignOut(ctx, sess.Token)
		return nil, fmt.Errorf("set up two-step sign-in first, by signing in on the web pages: %w",
			service.ErrForbidden)
	}
	return sess, nil
}
