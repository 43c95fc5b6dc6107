package api

import (
	"context"
	"net/http"
	"reflect"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/service"
)

// route is one endpoint, with what the OpenAPI document says of it.
type route struct {
	method, path, summary string
	public                bool
	query                 []queryParam // optional query parameters, for the document
	in, out               reflect.Type // nil: no body
	status                int
	handle                func(ctx context.Context, a *service.Actor, r *http.Request, in any) (any, error)
}

// op builds a route whose body decodes into In and whose result is Out.
func op[In, Out any](method, path, summary string, status int,
	fn func(ctx context.Context, a *service.Actor, r *http.Request, in *In) (Out, error)) route {
	rt := route{method: method, path: path, summary: summary, status: status, out: reflect.TypeFor[Out]()}
	if reflect.TypeFor[In]() != reflect.TypeFor[struct{}]() {
		rt.in = reflect.TypeFor[In]()
	}
	rt.handle = func(ctx context.Context, a *service.Actor, r *http.Request, in any) (any, error) {
		return fn(ctx, a, r, in.(*In))
	}
	return rt
}

// cmd is a command whose body (and path, for fields tagged path:"name")
// decodes into the service's own input struct In.
func cmd[In, Out any](method, path, summary string, status int,
	fn func(context.Context, *service.Actor, In) (Out, error)) route {
	return op(method, path, summary, status,
		func(ctx context.Context, a *service.Actor, _ *http.Request, in *In) (Out, error) {
			return fn(ctx, a, *in)
		})
}

// caseCmd is a command on the case named by the path's {ref}, resolved
// within the actor's need to know; the service checks the version In
// carries.
func caseCmd[In any](svc *service.Service, method, path, summary string, status int,
	fn func(ctx context.Context, a *service.Actor, caseID string, in In) (*domain.Case, error)) route {
	return op(method, path, summary, status,
		func(ctx context.Context, a *service.Actor, r *http.Request, in *In) (*caseRecord, error) {
			id, err := svc.CaseID(ctx, a, request.RefOf(r))
			if err != nil {
				return nil, err
			}
			c, err := fn(ctx, a, id, *in)
			if err != nil {
				return nil, err
			}
			// The case as GET answers it, every note, review and contact.
			// The command is committed by now: a failure to read them must
			// not be answered as if nothing was saved.
			if c, err = svc.WholeCase(ctx, c); err != nil {
				return nil, response.AfterSave(err)
			}
			return recordOf(c), nil
		})
}

// queryParam is an optional query parameter of a route.
type queryParam struct{ name, description string }

// withQuery documents a route's optional query parameters, each given as
// a name and a description.
func withQuery(rt route, nameDesc ...string) route {
	for i := 0; i+1 < len(nameDesc); i += 2 {
		rt.query = append(rt.query, queryParam{nameDesc[i], nameDesc[i+1]})
	}
	return rt
}

// csvFile is a route's result served as text/csv, for spreadsheets,
// rather than JSON; the OpenAPI document says so.
type csvFile struct {
	name string
	rows [][]string
}

// Routes lists "METHOD path" of every documented endpoint.
func (s *Server) Routes() []string {
	out := make([]string, len(s.routes))
	for i, rt := range s.routes {
		out[i] = rt.method + " " + rt.path
	}
	return out
}
