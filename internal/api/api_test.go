package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/holdfast/holdfast/internal/api"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/http/request"
	httpresponse "github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var ctx = context.Background()

// harness is a running server over a fixture force, with a token per actor.
type harness struct {
	t      *testing.T
	f      *fixture.Force
	db     *sqlstore.DB
	srv    *httptest.Server
	tokens map[*service.Actor]string
	doc    *openapi3.T
	router routers.Router
}

func newHarness(t *testing.T, db *sqlstore.DB) *harness {
	f := fixture.New(t, db)
	s := server.New(f.Svc, server.Config{Handler: f.App.Handler})
	h := &harness{t: t, f: f, db: db, srv: httptest.NewServer(s.Handler), tokens: map[*service.Actor]string{}}
	t.Cleanup(h.srv.Close)
	for _, a := range f.Actors() {
		tok, err := f.Svc.CreateToken(ctx, a, "test")
		if err != nil {
			t.Fatal(err)
		}
		h.tokens[a] = tok
	}
	spec.once.Do(func() {
		doc, err := api.New(f.Svc, false).OpenAPI()
		if err != nil {
			spec.err = err
			return
		}
		b, _ := json.Marshal(doc)
		if spec.doc, spec.err = openapi3.NewLoader().LoadFromData(b); spec.err != nil {
			return
		}
		if err := spec.doc.Validate(ctx); err != nil {
			spec.err = fmt.Errorf("OpenAPI document is invalid: %w", err)
		}
	})
	if spec.err != nil {
		t.Fatal(spec.err)
	}
	doc := *spec.doc
	doc.Servers = openapi3.Servers{{URL: h.srv.URL}}
	h.doc = &doc
	var err error
	if h.router, err = gorillamux.NewRouter(h.doc); err != nil {
		t.Fatal(err)
	}
	return h
}

// spec is the OpenAPI document every harness validates against, read and
// checked once: the document does not depend on the store, and reading it
// was a quarter of a harness's set-up.
var spec struct {
	once sync.Once
	doc  *openapi3.T
	err  error
}

type response struct {
	status int
	body   []byte
	header http.Header
}

func (r response) problem(t *testing.T) httpresponse.Problem {
	t.Helper()
	var p httpresponse.Problem
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json; body %s", ct, r.body)
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// do sends a request as a (nil: anonymous) and checks the response against
// the OpenAPI document.
func (h *harness) do(a *service.Actor, method, path string, body any) response {
	h.t.Helper()
	var rd io.Reader
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	default:
		raw, _ = json.Marshal(b)
	}
	if raw != nil {
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, h.srv.URL+path, rd)
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if a != nil {
		req.Header.Set("Authorization", "Bearer "+h.tokens[a])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	h.validate(req, raw, res, out)
	return response{status: res.StatusCode, body: out, header: res.Header}
}

func (h *harness) validate(req *http.Request, reqBody []byte, res *http.Response, body []byte) {
	h.t.Helper()
	if !strings.HasPrefix(req.URL.Path, "/api/v1/") || req.URL.Path == "/api/v1/openapi.json" {
		return
	}
	route, params, err := h.router.FindRoute(req)
	if err != nil {
		h.t.Errorf("%s %s is not in the OpenAPI document: %v", req.Method, req.URL.Path, err)
		return
	}
	if reqBody != nil {
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			ExcludeRequestBody: true,
		},
	}
	out := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: in,
		Status:                 res.StatusCode,
		Header:                 res.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		h.t.Errorf(
			"%s %s: response %d does not match the OpenAPI document: %v\n%s",
			req.Method,
			req.URL.Path,
			res.StatusCode,
			err,
			body,
		)
	}
}

func decodeCase(t *testing.T, r response) *domain.Case {
	t.Helper()
	var c domain.Case
	if err := json.Unmarshal(r.body, &c); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
	return &c
}

// TestEveryEndpointForEveryRole calls every documented endpoint as every
// role and requires exactly the roles the service grants to succeed. A new
// endpoint without an entry here fails the test.
func TestEveryEndpointForEveryRole(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		f := h.f
		all := []string{
			"administrator",
			"investigator",
			"supervisor",
			"manager",
			"auditor",
			"analyst",
			"victim_liaison",
			"inspector",
			"other_team",
		}
		seeing := []string{"investigator", "supervisor", "manager", "auditor", "analyst", "victim_liaison", "inspector"}
		writers := []string{"investigator", "supervisor", "manager"}
		v := func(extra map[string]any) func(c *domain.Case) any {
			return func(c *domain.Case) any {
				m := map[string]any{"version": c.Version}
				for k, x := range extra {
					m[k] = x
				}
				return m
			}
		}
		n := 0
		table := map[string]entry{
			"POST /api/v1/session": {
				all,
				func(*domain.Case) any { return map[string]string{"username": "ivy", "password": fixture.Password} },
			},
			"DELETE /api/v1/session": {all, nil},
			"GET /api/v1/me":         {all, nil},
			"GET /api/v1/org":        {all, nil},
			"POST /api/v1/units": {[]string{"administrator"}, func(*domain.Case) any {
				n++
				return map[string]string{"name": fmt.Sprint("Team ", n), "kind": "team", "parent_id": f.DeptID}
			}},
			"POST /api/v1/users": {[]string{"administrator"}, func(*domain.Case) any {
				n++
				return service.NewUser{
					Username: fmt.Sprint("new", n),
					Name:     "New Officer",
					Collar:   "N1",
					Rank:     domain.RankConstable,
					UnitID:   f.TeamA,
					Roles:    []domain.Role{domain.RoleInvestigator},
					Password: "long enough password",
				}
			}},
			"POST /api/v1/users/{id}/leave": {
				[]string{"administrator"},
				func(*domain.Case) any { return map[string]string{"reason": "retired"} },
			},
			"GET /api/v1/cases": {all, nil},
			"POST /api/v1/cases": {writers, func(*domain.Case) any {
				return service.NewReferral{TeamID: f.TeamA, Summary: "referral", OffenceTypes: []string{"cse"}}
			}},
			"GET /api/v1/me/work":    {all, nil},
			"GET /api/v1/me/inbox":   {all, nil},
			"GET /api/v1/team/board": {[]string{"supervisor", "manager", "other_team"}, nil},
			"POST /api/v1/sweep": {
				[]string{"administrator"},
				func(*domain.Case) any { return map[string]any{"dry_run": true} },
			},
			"GET /api/v1/cases/{ref}":        {seeing, nil},
			"GET /api/v1/cases/{ref}/events": {seeing, nil},
			"PATCH /api/v1/cases/{ref}":      {writers, v(map[string]any{"summary": "corrected summary"})},
			"POST /api/v1/cases/{ref}/owner": {[]string{"supervisor", "manager"}, nil},
			"POST /api/v1/cases/{ref}/victims": {
				append(writers, "victim_liaison"),
				v(map[string]any{"name": "Child A", "dob": "2011-02-03"}),
			},
			"POST /api/v1/cases/{ref}/suspects": {writers, v(map[string]any{"name": "Suspect A"})},
			"POST /api/v1/cases/{ref}/people": {
				writers,
				v(map[string]any{"name": "Mother", "role": "parent_or_carer"}),
			},
			"POST /api/v1/cases/{ref}/actions": {writers, v(map[string]any{"title": "Download phone"})},
			"POST /api/v1/cases/{ref}/notes": {
				append(writers, "victim_liaison"),
				v(map[string]any{"text": "spoke to school"}),
			},
		}
		for _, more := range authzTables {
			for k, e := range more(h) {
				table[k] = e
			}
		}
		for _, rt := range api.New(f.Svc, false).Routes() {
			e, ok := table[rt]
			if !ok {
				t.Errorf("endpoint %s has no authorisation test: add it to the table", rt)
				continue
			}
			method, path, _ := strings.Cut(rt, " ")
			// A refused call changes nothing (TestBadInputChangesNothing
			// and the attack tests hold it to that), so the case, and the
			// user an {id} names, are made afresh only after a call that
			// was let through: most roles are refused most endpoints.
			var c *domain.Case
			var p string
			fresh := func() {
				var params map[string]string
				c = f.Allocated(t)
				if prep := authzPrepare[rt]; prep != nil {
					c, params = prep(h, t, c)
				}
				p = strings.ReplaceAll(path, "{ref}", request.PathRef(c.Ref))
				for k, v := range params {
					p = strings.ReplaceAll(p, "{"+k+"}", v)
				}
				if strings.Contains(p, "{id}") {
					u, err := f.Svc.CreateUser(
						ctx,
						f.Admin,
						service.NewUser{
							Username: fmt.Sprintf("leaver%d", n),
							Name:     "Leaver",
							Collar:   "L1",
							Rank:     domain.RankConstable,
							UnitID:   f.TeamA,
							Roles:    []domain.Role{domain.RoleInvestigator},
							Password: "long enough password",
						},
					)
					n++
					if err != nil {
						t.Fatal(err)
					}
					p = strings.ReplaceAll(p, "{id}", u.ID)
				}
				p += authzQueries[rt]
			}
			for _, role := range all {
				a := f.Actors()[role]
				if c == nil {
					fresh()
				}
				var body any
				switch {
				case e.body != nil:
					body = e.body(c)
				case rt == "POST /api/v1/cases/{ref}/owner":
					body = map[string]any{"version": c.Version, "owner_id": f.Investigator2.ID()}
				}
				seq, _ := db.LatestSeq(ctx)
				res := h.do(a, method, p, body)
				ok := res.status < 300
				if ok {
					c = nil
				} else if changed := changedSince(t, db, seq); len(changed) > 0 {
					// What lets the next role reuse the case.
					t.Errorf("%s as %s: refused with %d but recorded %v", rt, role, res.status, changed)
				}
				want := contains(e.allowed, role)
				if ok != want {
					t.Errorf("%s as %s: status %d, want allowed=%v: %s", rt, role, res.status, want, res.body)
				}
				if !ok && res.status != 403 && res.status != 404 {
					t.Errorf("%s as %s: refused with %d, want 403 or 404", rt, role, res.status)
				}
			}
			// Nobody anonymous gets past anything but sign-in.
			if rt != "POST /api/v1/session" {
				if res := h.do(nil, method, strings.ReplaceAll(strings.ReplaceAll(path, "{ref}", "CSE-2026-000001"), "{id}", "x"), nil); res.status != 401 {
					t.Errorf("%s anonymous: status %d, want 401", rt, res.status)
				}
			}
		}
	})
}

// changedSince are the types of the events after seq that change the
// record: all but reads and the security log.
func changedSince(t *testing.T, db *sqlstore.DB, seq int64) []string {
	t.Helper()
	var changed []string
	if err := db.ScanEvents(ctx, seq+1, 0, func(ev *event.Event) error {
		if ev.Type != domain.EvRecordsRead && ev.Type != domain.EvCaseViewed && !strings.HasPrefix(ev.Type, "security.") {
			changed = append(changed, ev.Type)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return changed
}

// entry says which roles may call an endpoint and how to build its body
// for a fresh allocated case.
type entry struct {
	allowed []string
	body    func(c *domain.Case) any
}

// authzTables add the entries for the endpoints in authz_*_test.go.
var authzTables = []func(h *harness) map[string]entry{auditAuthz, ledgerAuthz, linksAuthz, workflowAuthz,
	orgAuthz, findAuthz, authAuthz, indexAuthz}

// authzQueries holds the query string an endpoint needs to succeed.
var authzQueries = map[string]string{
	"GET /api/v1/ledger/inclusion":   "?seq=1",
	"GET /api/v1/ledger/consistency": "?from=1",
}

// prepare brings a fresh allocated case into the state an endpoint needs
// (an action resulted, a closure proposed) and names the endpoint's other
// path parameters ({action}, {victim}, ...).
type prepare = func(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string)

// authzPrepare is the prepare of each endpoint that needs one.
var authzPrepare = joinPrepare(auditPrepare, workflowPrepare, orgPrepare, authPrepare, indexPrepare)

func joinPrepare(tables ...map[string]prepare) map[string]prepare {
	out := map[string]prepare{}
	for _, t := range tables {
		maps.Copy(out, t)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// TestBadInputChangesNothing: each bad request gets a clear problem with a
// fitting status and leaves the log exactly as it was.
func TestBadInputChangesNothing(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		c := h.f.Allocated(t)
		path := "/api/v1/cases/" + request.PathRef(c.Ref)
		cases := []struct {
			name   string
			path   string
			body   any
			status int
			field  string
		}{
			{
				"unknown field",
				path + "/notes",
				fmt.Sprintf(`{"version":%d,"text":"x","colour":"red"}`, c.Version),
				400,
				"colour",
			},
			{"wrong type", path + "/notes", `{"version":"seven","text":"x"}`, 400, "version"},
			{"not JSON", path + "/notes", `{"version":`, 400, ""},
			{"two objects", path + "/notes", fmt.Sprintf(`{"version":%d,"text":"x"}{}`, c.Version), 400, ""},
			{
				"oversized",
				path + "/notes",
				fmt.Sprintf(`{"version":%d,"text":"%s"}`, c.Version, strings.Repeat("a", request.MaxBody)),
				413,
				"",
			},
			{"no version", path + "/notes", `{"text":"x"}`, 422, "version"},
			{"stale version", path + "/notes", fmt.Sprintf(`{"version":%d,"text":"x"}`, c.Version-1), 409, ""},
			{"invalid case reference", "/api/v1/cases/CSE-1999-999999/notes", `{"version":1,"text":"x"}`, 404, ""},
			{
				"invalid owner reference",
				path + "/owner",
				fmt.Sprintf(`{"version":%d,"owner_id":"nobody"}`, c.Version),
				403,
				"",
			},
			{
				"refused by rules",
				path + "/victims",
				fmt.Sprintf(`{"version":%d,"name":"","dob":"2030-01-01"}`, c.Version),
				422,
				"dob",
			},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				before, _ := testdb.RecordEvents(ctx, db)
				res := h.do(h.f.Investigator, "POST", tc.path, tc.body)
				if res.status != tc.status {
					t.Fatalf("status %d, want %d: %s", res.status, tc.status, res.body)
				}
				p := res.problem(t)
				if p.Detail == "" || p.Title == "" || p.Status != tc.status {
					t.Errorf("problem lacks title/detail/status: %+v", p)
				}
				if tc.field != "" {
					found := false
					for _, e := range p.Errors {
						found = found || e.Field == tc.field
					}
					if !found {
						t.Errorf("no error names field %q: %s", tc.field, res.body)
					}
				}
				if after, _ := testdb.RecordEvents(ctx, db); after != before {
					t.Fatalf("bad input appended %d events", after-before)
				}
			})
		}
	})
}

// TestCookieSessionNeedsCSRF: a signed-in browser's writes need the CSRF
// token; the cookie is HttpOnly and SameSite.
func TestCookieSessionNeedsCSRF(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	h := newHarness(t, db)
	c := h.f.Allocated(t)
	res, err := http.Post(
		h.srv.URL+"/api/v1/session",
		"application/json",
		strings.NewReader(`{"username":"ivy","password":"`+fixture.Password+`"}`),
	)
	if err != nil {
		t.Fatal(err)
	}
	var sess struct {
		CSRF string `json:"csrf_token"`
	}
	json.NewDecoder(res.Body).Decode(&sess)
	res.Body.Close()
	var cookie *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == request.SessionCookie {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie = %+v, want HttpOnly and SameSite=Lax", cookie)
	}
	post := func(csrf string) int {
		req, _ := http.NewRequest(
			"POST",
			h.srv.URL+"/api/v1/cases/"+request.PathRef(c.Ref)+"/notes",
			strings.NewReader(fmt.Sprintf(`{"version":%d,"text":"x"}`, c.Version)),
		)
		req.AddCookie(cookie)
		if csrf != "" {
			req.Header.Set("X-CSRF-Token", csrf)
		}
		r, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		return r.StatusCode
	}
	if got := post(""); got != 403 {
		t.Fatalf("write without CSRF token: %d, want 403", got)
	}
	if got := post("wrong"); got != 403 {
		t.Fatalf("write with wrong CSRF token: %d, want 403", got)
	}
	if got := post(sess.CSRF); got != 201 {
		t.Fatalf("write with CSRF token: %d, want 201", got)
	}
	res2, _ := http.Post(
		h.srv.URL+"/api/v1/session",
		"application/json",
		strings.NewReader(`{"username":"ivy","password":"wrong password!"}`),
	)
	if res2.StatusCode != 401 {
		t.Fatalf("wrong password: %d, want 401", res2.StatusCode)
	}
}

func TestOpenAPIServedAndComplete(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	h := newHarness(t, db)
	res := h.do(h.f.Investigator, "GET", "/api/v1/openapi.json", nil)
	if res.status != 200 {
		t.Fatalf("status %d", res.status)
	}
	doc, err := openapi3.NewLoader().LoadFromData(res.body)
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range api.New(h.f.Svc, false).Routes() {
		method, path, _ := strings.Cut(rt, " ")
		item := doc.Paths.Find(path)
		if item == nil || item.GetOperation(method) == nil {
			t.Errorf("%s is served but not documented", rt)
			continue
		}
		// Every command on a case says the version it is based on; ids from
		// the path are not in the body.
		if o := item.GetOperation(method); strings.HasPrefix(path, "/api/v1/cases/{ref}/") && method != "GET" {
			body := o.RequestBody.Value.Content["application/json"].Schema
			if body.Ref != "" {
				body = doc.Components.Schemas[strings.TrimPrefix(body.Ref, "#/components/schemas/")]
			}
			if body.Value.Properties["version"] == nil {
				t.Errorf("%s: the body does not document version", rt)
			}
			for _, p := range o.Parameters {
				if body.Value.Properties[p.Value.Name] != nil {
					t.Errorf("%s: path parameter %s is also in the body", rt, p.Value.Name)
				}
			}
		}
	}
}
