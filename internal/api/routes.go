package api

import (
	"context"
	"net/http"
	"reflect"

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
func op[In, Out any](method, path, summary string, status int, fn func(ctx context.Context, a *service.Actor, r *http.Request, in *In) (Out, error)) route {
	rt := route{method: method, path: path, summary: summary, status: status, out: reflect.TypeFor[Out]()}
	if reflect.TypeFor[In]() != reflect.TypeFor[struct{}]() {
		rt.in = reflect.TypeFor[In]()
	}
	rt.handle = func(ctx context.Context, a *service.Actor, r *http.Request, in any) (any, error) {
		return fn(ctx, a, r, in.(*In))
	}
	return rt
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
