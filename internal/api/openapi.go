package api

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"

	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/version"
)

// OpenAPI describes every route from the same table the server dispatches
// on, so the document cannot drift from the handlers.
func (s *Server) OpenAPI() (*openapi3.T, error) {
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{Title: "Holdfast API", Version: version.Version,
			Description: "Every call is authenticated (Bearer API token, or session cookie with X-CSRF-Token on writes) and authorised by the service layer. Errors are application/problem+json (RFC 9457)."},
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{Schemas: openapi3.Schemas{}, SecuritySchemes: openapi3.SecuritySchemes{}},
	}
	doc.Components.SecuritySchemes["bearer"] = &openapi3.SecuritySchemeRef{
		Value: openapi3.NewSecurityScheme().WithType("http").WithScheme("bearer"),
	}
	doc.Components.SecuritySchemes["cookie"] = &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().
		WithType("apiKey").WithIn("cookie").WithName(request.SessionCookie)}
	gen := openapi3gen.NewGenerator(openapi3gen.UseAllExportedFields())
	schema := func(t reflect.Type) (*openapi3.SchemaRef, error) {
		ref, err := gen.NewSchemaRefForValue(reflect.New(t).Elem().Interface(), doc.Components.Schemas)
		if err != nil {
			return nil, fmt.Errorf("schema for %s: %w", t, err)
		}
		return ref, nil
	}
	probSchema, err := schema(reflect.TypeFor[response.Problem]())
	if err != nil {
		return nil, err
	}
	problem := openapi3.NewResponse().
		WithDescription("Problem (RFC 9457)").
		WithContent(openapi3.Content{"application/problem+json": openapi3.NewMediaType().WithSchemaRef(probSchema)})
	for _, rt := range s.routes {
		o := openapi3.NewOperation()
		o.Summary = rt.summary
		o.OperationID = strings.ToLower(
			rt.method,
		) + strings.NewReplacer("/api/v1", "", "/", "_", "{", "", "}", "").
			Replace(rt.path)
		if rt.public {
			o.Security = &openapi3.SecurityRequirements{}
		} else {
			o.Security = &openapi3.SecurityRequirements{{"bearer": {}}, {"cookie": {}}}
		}
		for _, name := range pathParams(rt.path) {
			p := openapi3.NewPathParameter(name).WithSchema(openapi3.NewStringSchema())
			if name == "ref" {
				p.Description = "case reference with dashes for slashes, e.g. CSE-2025-000123"
			}
			o.AddParameter(p)
		}
		for _, q := range rt.query {
			p := openapi3.NewQueryParameter(q.name).WithSchema(openapi3.NewStringSchema())
			p.Description = q.description
			o.AddParameter(p)
		}
		if rt.in != nil {
			in, err := schema(rt.in)
			if err != nil {
				return nil, err
			}
			o.RequestBody = &openapi3.RequestBodyRef{
				Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(in),
			}
		}
		ok := openapi3.NewResponse().WithDescription(http.StatusText(rt.status))
		if rt.out == reflect.TypeFor[csvFile]() {
			ok.WithContent(openapi3.Content{"text/csv": openapi3.NewMediaType().WithSchema(openapi3.NewStringSchema())})
		} else {
			out, err := schema(rt.out)
			if err != nil {
				return nil, err
			}
			ok.WithJSONSchemaRef(out)
		}
		o.Responses = openapi3.NewResponses(openapi3.WithStatus(rt.status, &openapi3.ResponseRef{Value: ok}))
		o.Responses.Set("default", &openapi3.ResponseRef{Value: problem})
		doc.AddOperation(rt.path, rt.method, o)
	}
	return doc, nil
}

func pathParams(path string) []string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			out = append(out, strings.Trim(seg, "{}."))
		}
	}
	return out
}
