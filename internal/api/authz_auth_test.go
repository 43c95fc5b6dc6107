package api_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// authAuthz is who may call authentication's endpoints (auth.go).
func authAuthz(h *harness) map[string]entry {
	all := []string{"administrator", "investigator", "supervisor", "manager", "auditor", "analyst",
		"victim_liaison", "inspector", "other_team"}
	admin := []string{"administrator"}
	return map[string]entry{
		"POST /api/v1/tokens": {all, func(*domain.Case) any {
			return map[string]string{"name": "integration", "password": fixture.Password}
		}},
		"GET /api/v1/tokens":         {all, nil},
		"DELETE /api/v1/tokens/{id}": {admin, nil},
		"GET /api/v1/sessions":       {all, nil},
		"POST /api/v1/sessions/end": {all, func(*domain.Case) any {
			return map[string]any{"others": true}
		}},
		"POST /api/v1/me/password": {all, func(*domain.Case) any {
			return map[string]string{"current": fixture.Password, "new": "a quite different passphrase"}
		}},
		"POST /api/v1/users/{id}/password": {admin, func(*domain.Case) any {
			return map[string]string{"new": "temporary passphrase seven"}
		}},
		"GET /api/v1/users/{id}/sign-in-lock":    {admin, nil},
		"POST /api/v1/users/{id}/unlock":         {admin, nil},
		"POST /api/v1/users/{id}/two-step/reset": {admin, nil},
		"GET /api/v1/security-log":               {[]string{"administrator", "auditor"}, nil},
		"GET /api/v1/security-log.csv":           {[]string{"administrator", "auditor"}, nil},
	}
}

// authPrepare gives DELETE /api/v1/tokens/{id} a token of someone no
// table actor is: only an administrator may revoke it.
var authPrepare = map[string]prepare{
	"DELETE /api/v1/tokens/{id}": func(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
		tok, err := h.f.Svc.CreateToken(ctx, h.f.Investigator2, "to revoke")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := h.f.Svc.Tokens(ctx, h.f.Investigator2, service.TokenQuery{})
		if err != nil || len(rows) == 0 || tok == "" {
			t.Fatalf("tokens: %v", err)
		}
		return c, map[string]string{"id": rows[0].ID}
	},
}

// issue asks for a token over the API as a.
func issue(h *harness, a *service.Actor, body map[string]any) (response, string, string) {
	res := h.do(a, "POST", "/api/v1/tokens", body)
	var out struct {
		Token string `json:"token"`
		Info  struct {
			ID string `json:"id"`
		} `json:"info"`
	}
	json.Unmarshal(res.body, &out)
	return res, out.Token, out.Info.ID
}

// bearer sends a request with a raw token.
func bearer(t *testing.T, base, tok, method, path, body string) int {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

func securityKinds(t *testing.T, h *harness, query string) []map[string]any {
	t.Helper()
	res := h.do(h.f.Auditor, "GET", "/api/v1/security-log"+query, nil)
	if res.status != 200 {
		t.Fatalf("security log: %d %s", res.status, res.body)
	}
	var out struct {
		Events []map[string]any `json:"events"`
	}
	if err := json.Unmarshal(res.body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Events
}

// TestTokenScopeExpiryAndRevocation: a token needs the password to be
// made; a read-only one cannot write; revoked or expired, it is refused at
// once; each of these is in the security log.
func TestTokenScopeExpiryAndRevocation(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		ivy := h.f.Investigator
		if res, _, _ := issue(h, ivy, map[string]any{"name": "no password"}); res.status != 422 ||
			!strings.Contains(string(res.body), "password") {
			t.Fatalf("token without a password: %d %s", res.status, res.body)
		}
		if res, _, _ := issue(h, ivy, map[string]any{"name": "wrong", "password": "not the password"}); res.status != 422 {
			t.Fatalf("token with a wrong password: %d %s", res.status, res.body)
		}
		res, ro, roID := issue(h, ivy, map[string]any{"name": "reader", "password": fixture.Password})
		if res.status != 201 || !strings.HasPrefix(ro, "hf_") || !strings.Contains(string(res.body), `"read-only"`) {
			t.Fatalf("read-only token: %d %s", res.status, res.body)
		}
		_, rw, _ := issue(h, ivy, map[string]any{"name": "writer", "scope": "read-write", "days": 7,
			"password": fixture.Password})
		base := h.srv.URL
		if s := bearer(t, base, ro, "GET", "/api/v1/me", ""); s != 200 {
			t.Fatalf("read-only token reading: %d", s)
		}
		c := h.f.Allocated(t)
		note := `{"version":` + strconv.FormatInt(c.Version, 10) + `,"text":"from an integration"}`
		path := "/api/v1/cases/" + strings.ReplaceAll(c.Ref, "/", "-") + "/notes"
		before, _ := testdb.RecordEvents(ctx, db)
		if s := bearer(t, base, ro, "POST", path, note); s != 403 {
			t.Fatalf("read-only token writing: %d, want 403", s)
		}
		if after, _ := testdb.RecordEvents(ctx, db); after != before {
			t.Fatal("a read-only token's write changed the record")
		}
		if s := bearer(t, base, rw, "POST", path, note); s != 201 {
			t.Fatalf("read-write token writing: %d", s)
		}
		refused := securityKinds(t, h, "?kind=security.refused")
		if len(refused) == 0 || refused[0]["actor_id"] != ivy.ID() || !strings.Contains(refused[0]["detail"].(string), "/notes") {
			t.Fatalf("the 403 is not in the security log as ivy's: %v", refused)
		}

		// Someone else's token is not theirs to revoke; the owner's is.
		if res := h.do(h.f.Supervisor, "DELETE", "/api/v1/tokens/"+roID, nil); res.status != 404 {
			t.Fatalf("revoking another's token: %d", res.status)
		}
		if res := h.do(ivy, "DELETE", "/api/v1/tokens/"+roID, nil); res.status != 200 {
			t.Fatalf("revoking: %d %s", res.status, res.body)
		}
		if s := bearer(t, base, ro, "GET", "/api/v1/me", ""); s != 401 {
			t.Fatalf("revoked token: %d, want 401", s)
		}
		if len(securityKinds(t, h, "?kind=security.token_revoked")) != 1 ||
			len(securityKinds(t, h, "?kind=security.token_refused")) != 1 {
			t.Fatal("revocation or the refused use is not in the security log")
		}
		// The 7-day token expires after 7 days; the list shows it.
		h.f.Clock.Advance(7*24*time.Hour + time.Minute)
		if s := bearer(t, base, rw, "GET", "/api/v1/me", ""); s != 401 {
			t.Fatalf("expired token: %d, want 401", s)
		}
		for _, bad := range []string{"hf_", "hf_" + strings.Repeat("A", 43), strings.Repeat("x", 5000)} {
			if s := bearer(t, base, bad, "GET", "/api/v1/me", ""); s != 401 {
				t.Fatalf("made-up token %.10q: %d, want 401", bad, s)
			}
		}
	})
}

// TestRevokedTokenRefusedOnEveryInstance: two instances share one
// PostgreSQL database; a token revoked through one is refused by the other
// on its very next request.
func TestRevokedTokenRefusedOnEveryInstance(t *testing.T) {
	testdb.EachDSN(t, func(t *testing.T, dsn string) {
		if !strings.HasPrefix(dsn, "postgres") {
			t.Skip("two instances share a database only on PostgreSQL")
		}
		db1, db2 := testdb.OpenDSN(t, dsn), testdb.OpenDSN(t, dsn)
		f := fixture.New(t, db1)
		one := httptest.NewServer(server.New(f.Svc, server.Config{Handler: f.App.Handler}).Handler)
		t.Cleanup(one.Close)
		hf2, err := app.New(db2, app.Config{Clock: f.Clock})
		if err != nil {
			t.Fatal(err)
		}
		two := httptest.NewServer(server.New(hf2.Svc, server.Config{Handler: hf2.Handler}).Handler)
		t.Cleanup(two.Close)
		tok, err := f.Svc.CreateToken(ctx, f.Investigator, "shared")
		if err != nil {
			t.Fatal(err)
		}
		for _, base := range []string{one.URL, two.URL} {
			if s := bearer(t, base, tok, "GET", "/api/v1/me", ""); s != 200 {
				t.Fatalf("live token on %s: %d", base, s)
			}
		}
		rows, _ := f.Svc.Tokens(ctx, f.Investigator, service.TokenQuery{})
		if s := bearer(t, one.URL, tok, "DELETE", "/api/v1/tokens/"+rows[0].ID, ""); s != 200 {
			t.Fatalf("revoke on instance one: %d", s)
		}
		if s := bearer(t, two.URL, tok, "GET", "/api/v1/me", ""); s != 401 {
			t.Fatalf("revoked token on instance two: %d, want 401", s)
		}
		// And an expired one: instance two's clock is the same manual clock.
		tok2, _ := f.Svc.CreateToken(ctx, f.Investigator, "expiring")
		f.Clock.Advance(91 * 24 * time.Hour)
		if s := bearer(t, two.URL, tok2, "GET", "/api/v1/me", ""); s != 401 {
			t.Fatalf("expired token on instance two: %d, want 401", s)
		}
	})
}

// TestSecurityLogOverAPI: failed and successful sign-ins are logged with
// the client's address and user agent; only administrators and auditors
// may read the log, whose CSV has a header and a row per event.
func TestSecurityLogOverAPI(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		signIn := func(pw string) int {
			req, _ := http.NewRequest("POST", h.srv.URL+"/api/v1/session",
				strings.NewReader(`{"username":"ivy","password":"`+pw+`"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("User-Agent", "holdfast-test/1.0")
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			return res.StatusCode
		}
		if s := signIn("wrong password"); s != 401 {
			t.Fatalf("wrong password: %d", s)
		}
		if s := signIn(fixture.Password); s != 201 {
			t.Fatalf("right password: %d", s)
		}
		failed := securityKinds(t, h, "?kind=security.sign_in_failed")
		if len(failed) != 1 || failed[0]["address"] != "127.0.0.1" || failed[0]["user_agent"] != "holdfast-test/1.0" ||
			failed[0]["user_id"] != h.f.Investigator.ID() || failed[0]["detail"] != "wrong password" {
			t.Fatalf("failed sign-in logged as %v", failed)
		}
		if ok := securityKinds(t, h, "?kind=security.signed_in&user="+h.f.Investigator.ID()); len(ok) != 1 {
			t.Fatalf("sign-in logged as %v", ok)
		}
		if res := h.do(h.f.Investigator, "GET", "/api/v1/security-log", nil); res.status != 403 {
			t.Fatalf("investigator reading the security log: %d", res.status)
		}
		if res := h.do(h.f.Auditor, "GET", "/api/v1/security-log?kind=nonsense", nil); res.status != 422 {
			t.Fatalf("unknown kind: %d", res.status)
		}
		if res := h.do(h.f.Auditor, "GET", "/api/v1/security-log?from=yesterday", nil); res.status != 422 {
			t.Fatalf("bad date: %d", res.status)
		}
		// Pages: one event at a time, back through the log.
		first := securityKinds(t, h, "?limit=1")
		second := securityKinds(t, h, "?limit=1&before="+strconv.FormatInt(int64(first[0]["seq"].(float64)), 10))
		if len(first) != 1 || len(second) != 1 || second[0]["seq"].(float64) >= first[0]["seq"].(float64) {
			t.Fatalf("paging: %v then %v", first, second)
		}
		res := h.do(h.f.Admin, "GET", "/api/v1/security-log.csv?kind=security.sign_in_failed", nil)
		lines := strings.Split(strings.TrimSpace(string(res.body)), "\n")
		if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "text/csv") || len(lines) != 2 ||
			!strings.HasPrefix(lines[0], "Event number,When (UTC),Kind code") || !strings.Contains(lines[1], "DC Ivy Investigator") {
			t.Fatalf("CSV: %d %q", res.status, res.body)
		}
	})
}
