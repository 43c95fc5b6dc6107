package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// BenchmarkAuditAndAdminPages renders the audit team's and the
// administrator's pages, as the role that uses each, and reports server
// time (p50, p99) and the page's size. The force is a copy of an existing
// demo database when HOLDFAST_BENCH_DB names one (a `holdfast demo` file:
// the demo's full size), or else a demo of HOLDFAST_BENCH_DEMO cases
// (default 300) generated here.
func BenchmarkAuditAndAdminPages(b *testing.B) {
	ctx := context.Background()
	var db *sqlstore.DB
	clk := clock.NewManual(time.Now().UTC())
	if src := os.Getenv("HOLDFAST_BENCH_DB"); src != "" {
		dst := b.TempDir() + "/demo.db"
		in, err := os.ReadFile(src)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(dst, in, 0o600); err != nil {
			b.Fatal(err)
		}
		if db, err = sqlstore.Open(ctx, dst, true); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
	} else {
		n := 300
		if v, err := strconv.Atoi(os.Getenv("HOLDFAST_BENCH_DEMO")); err == nil {
			n = v
		}
		db = testdb.Open(b, "sqlite")
		now := time.Now().UTC()
		clk = clock.NewManual(now.AddDate(-3, 0, 0))
		gen, err := app.New(db, app.Config{Clock: clk})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := demo.Generate(ctx, gen.Svc, gen.Store, clk, demo.Options{Seed: 1, Cases: n, Now: now}); err != nil {
			b.Fatal(err)
		}
	}
	// The demo accounts sign in with a password alone (no two-step sign-in).
	hf, err := app.New(db, app.Config{Clock: clk, Policy: policy.DemoDefault()})
	if err != nil {
		b.Fatal(err)
	}
	accts, err := demo.Accounts(ctx, hf.Svc)
	if err != nil {
		b.Fatal(err)
	}
	as := map[string]string{}
	for _, a := range accts {
		as[a.Role] = a.Username
	}
	h := server.New(hf.Svc, server.Config{Handler: hf.Handler}).Handler
	cookie := func(username string) *http.Cookie {
		const tok = "bench-sign-in-token-of-43-characters-000000"
		form := url.Values{"username": {username}, "password": {demo.Password}, "csrf": {tok}}
		req := httptest.NewRequest("POST", "/sign-in", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(&http.Cookie{Name: "holdfast_signin", Value: tok})
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		for _, c := range rec.Result().Cookies() {
			if c.Name == request.SessionCookie {
				return c
			}
		}
		b.Fatalf("sign in as %s: %d", username, rec.Code)
		return nil
	}
	list, err := hf.Svc.Audits(ctx, service.SystemActor("bench"))
	if err != nil || len(list) == 0 {
		b.Fatal("no audit in the demo", err)
	}
	admin := hf.Svc
	org, _ := admin.Org(ctx, service.SystemActor("bench"))
	var someone string
	for id, u := range org.Users {
		if u.Active && u.Username == as["investigator"] {
			someone = id
		}
	}
	pages := []struct{ role, path string }{
		{"auditor", "/audits"},
		{"auditor", "/audits?preset=routine&page=3"},
		{"auditor", "/audits/" + list[len(list)-1].ID},
		{"auditor (reviewer)", "/audits/reviews"},
		{"auditor", "/audits/new"},
		{"manager", "/audits/findings"},
		{"administrator", "/admin"},
		{"administrator", "/admin/users/" + someone},
		{"administrator", "/admin/users/" + someone + "/leave"},
	}
	for _, p := range pages {
		c := cookie(as[p.role])
		b.Run(strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_").Replace(p.path), func(b *testing.B) {
			var times []time.Duration
			size := 0
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", p.path, nil)
				req.AddCookie(c)
				rec := httptest.NewRecorder()
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				times = append(times, time.Since(t0))
				if rec.Code != 200 {
					b.Fatalf("%s as %s: %d", p.path, p.role, rec.Code)
				}
				size = rec.Body.Len()
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(size)/1024, "KB")
		})
	}
}
