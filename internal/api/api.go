package api

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// Server serves /api/v1.
type Server struct {
	svc    *service.Service
	routes []route
	mux    *http.ServeMux
	secure bool // cookies marked Secure (behind TLS)
}

// New builds the API over svc. secureCookies marks the session cookie
// Secure (behind TLS).
func New(svc *service.Service, secureCookies bool) *Server {
	s := &Server{svc: svc, mux: http.NewServeMux(), secure: secureCookies}
	for _, part := range [][]route{s.coreRoutes(), s.workRoutes(), s.workflowRoutes(), s.auditRoutes(), s.linkRoutes(),
		s.ledgerRoutes(), s.orgRoutes(), s.findRoutes(), s.breakGlassRoutes(), s.authRoutes(), s.indexRoutes(),
		s.trainingRoutes(), s.trainingNeedsRoutes()} {
		s.routes = append(s.routes, part...)
	}
	for _, rt := range s.routes {
		s.mux.Handle(rt.method+" "+rt.path, s.serve(rt))
	}
	s.mux.HandleFunc("GET /api/v1/openapi.json", func(w http.ResponseWriter, r *http.Request) {
		doc, err := s.OpenAPI()
		if err != nil {
			response.WriteProblem(w, r, err)
			return
		}
		response.JSON(w, http.StatusOK, doc)
	})
	s.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		response.WriteProblem(w, r, fmt.Errorf("no such endpoint: see /api/v1/openapi.json: %w", service.ErrNotFound))
	})
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func (s *Server) serve(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var a *service.Actor
		if !rt.public {
			var csrf string
			var err error
			a, csrf, err = request.Authenticate(s.svc, r)
			if err != nil {
				response.WriteProblem(w, r, err)
				return
			}
			if csrf != "" && !request.SafeMethod(r.Method) && !request.CSRFOK(csrf, r.Header.Get(request.CSRFHeader)) {
				response.WriteProblem(w, r, fmt.Errorf("missing or wrong %s header for a cookie session: %w",
					request.CSRFHeader, service.ErrForbidden))
				return
			}
		}
		var in any
		if rt.in != nil {
			in = reflect.New(rt.in).Interface()
			if err := request.DecodeJSON(w, r, in); err != nil {
				response.WriteProblem(w, r, err)
				return
			}
		} else {
			in = &struct{}{}
		}
		out, err := rt.handle(request.WithActor(r.Context(), a), a, r, in)
		if err != nil {
			response.WriteProblem(w, r, err)
			return
		}
		if c, ok := out.(*sessionOut); ok {
			http.SetCookie(w, &http.Cookie{Name: request.SessionCookie, Value: c.token, Path: "/", HttpOnly: true,
				Secure: s.secure, SameSite: http.SameSiteLaxMode, Expires: c.Expires})
		}
		if f, ok := out.(csvFile); ok {
			writeCSV(w, rt.status, f)
			return
		}
		response.JSON(w, rt.status, out)
	})
}

type signIn struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Code     string `json:"code,omitempty"` // two-step sign-in: the authenticator's code, or a recovery code
}

type sessionOut struct {
	token   string
	CSRF    string      `json:"csrf_token"`
	Expires time.Time   `json:"expires"`
	User    domain.User `json:"user"`
}

type tokenOut struct {
	Token string          `json:"token"`
	Info  *store.TokenRow `json:"info,omitempty"`
}

type caseList struct {
	Cases []store.CaseRow `json:"cases"`
}

type orgOut struct {
	Units []*domain.Unit `json:"units"`
	Users []*domain.User `json:"users"`
}

type none struct{}

func (s *Server) coreRoutes() []route {
	svc := s.svc
	signInRoute := op(
		"POST",
		"/api/v1/session",
		"Sign in with a username and password; sets the session cookie",
		http.StatusCreated,
		func(ctx context.Context, _ *service.Actor, r *http.Request, in *signIn) (*sessionOut, error) {
			sess, err := svc.SignIn(ctx, in.Username, in.Password)
			if err != nil {
				return nil, err
			}
			if sess, err = secondStep(ctx, svc, sess, in.Code); err != nil { // auth.go
				return nil, err
			}
			return &sessionOut{token: sess.Token, CSRF: sess.CSRF, Expires: sess.Expires, User: sess.Actor.User}, nil
		},
	)
	signInRoute.public = true
	return []route{
		signInRoute,
		op("DELETE", "/api/v1/session", "Sign out", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (none, error) {
				if c, err := r.Cookie(request.SessionCookie); err == nil {
					return none{}, svc.SignOut(ctx, c.Value)
				}
				return none{}, nil
			}),
		op("GET", "/api/v1/me", "The signed-in user", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (domain.User, error) {
				return a.User, nil
			}),
		op("POST", "/api/v1/tokens", "Issue an API token for an integration (shown once): name, scope "+
			"(read-only or read-write), days, and your password", http.StatusCreated,
			func(ctx context.Context, a *service.Actor, r *http.Request, in *service.NewToken) (tokenOut, error) {
				t, err := svc.IssueToken(ctx, a, *in)
				if err != nil {
					return tokenOut{}, err
				}
				return tokenOut{Token: t.Token, Info: &t.Info}, nil
			}),
		op("GET", "/api/v1/org", "Units and users", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (orgOut, error) {
				org, err := svc.Org(ctx, a)
				if err != nil {
					return orgOut{}, err
				}
				out := orgOut{Units: []*domain.Unit{}, Users: []*domain.User{}}
				for _, u := range org.Units {
					out.Units = append(out.Units, u)
				}
				for _, u := range org.Users {
					out.Users = append(out.Users, u)
				}
				return out, nil
			}),
		cmd("POST", "/api/v1/units", "Create a force, department or team (administrator)", http.StatusCreated,
			svc.CreateUnit),
		cmd("POST", "/api/v1/users", "Add a user (administrator)", http.StatusCreated, svc.CreateUser),
		cmd("POST", "/api/v1/users/{id}/leave", "Record that a user has left (administrator)", http.StatusOK,
			func(ctx context.Context, a *service.Actor, in service.UserLeaves) (none, error) {
				return none{}, svc.UserLeaves(ctx, a, in)
			}),
		op("GET", "/api/v1/cases", "Cases you may see (filters: status, owner)", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (caseList, error) {
				q := r.URL.Query()
				f := store.CaseFilter{OwnerID: q.Get("owner"), After: q.Get("after"), Limit: 500}
				for _, st := range q["status"] {
					f.Status = append(f.Status, domain.Status(st))
				}
				rows, err := svc.ListCases(ctx, a, f)
				if rows == nil {
					rows = []store.CaseRow{}
				}
				return caseList{Cases: rows}, err
			}),
		cmd("POST", "/api/v1/cases", "Open a referral as a new case", http.StatusCreated, svc.OpenReferral),
		op("GET", "/api/v1/cases/{ref}", "A case (the read is recorded)", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) (*caseRecord, error) {
				c, err := svc.ViewCase(ctx, a, request.RefOf(r), r.URL.Query().Get("purpose"))
				return recordOf(c), err
			}),
		op("GET", "/api/v1/cases/{ref}/events", "Every event of a case, reads included", http.StatusOK,
			func(ctx context.Context, a *service.Actor, r *http.Request, _ *struct{}) ([]*event.Event, error) {
				return svc.Timeline(ctx, a, request.RefOf(r))
			}),
		caseCmd(svc, "PATCH", "/api/v1/cases/{ref}", "Correct a case's summary, offence types or marking",
			http.StatusOK, svc.UpdateCase),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/owner", "Assign the case's accountable owner (supervisor)",
			http.StatusOK, svc.AssignOwner),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/victims", "Add a victim", http.StatusCreated, svc.AddVictim),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/suspects", "Add a suspect, named or described", http.StatusCreated,
			svc.AddSuspect),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/people", "Link another person to the case", http.StatusCreated,
			svc.AddPerson),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/actions", "Raise a line of enquiry", http.StatusCreated,
			svc.RaiseAction),
		caseCmd(svc, "POST", "/api/v1/cases/{ref}/notes", "Add a note, or correct an earlier one", http.StatusCreated,
			svc.AddNote),
	}
}
