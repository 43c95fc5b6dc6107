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
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/testdb"
)

// BenchmarkPages renders each page, as the role that uses it, on the demo
// force (HOLDFAST_BENCH_DEMO cases, default 300; docs/benchmarks.md has the
// figure at the demo's default 2,000) and reports server time per page:
// p50 and p99 over the iterations.
func BenchmarkPages(b *testing.B) {
	n := 300
	if v, err := strconv.Atoi(os.Getenv("HOLDFAST_BENCH_DEMO")); err == nil {
		n = v
	}
	ctx := context.Background()
	db := testdb.Open(b, "sqlite")
	now := time.Now().UTC()
	clk := clock.NewManual(now.AddDate(-3, 0, 0))
	gen, err := app.New(db, app.Config{Clock: clk})
	if err != nil {
		b.Fatal(err)
	}
	res, err := demo.Generate(ctx, gen.Svc, gen.Store, clk, demo.Options{Seed: 1, Cases: n, Now: now})
	if err != nil {
		b.Fatal(err)
	}
	hf, err := app.New(
		db,
		app.Config{Clock: clk, Ledger: app.LedgerConfig{KeyPath: b.TempDir() + "/ledger.key", Create: true}},
	)
	if err != nil {
		b.Fatal(err)
	}
	h := server.New(hf.Svc, server.Config{Handler: hf.Handler}).Handler
	as := map[string]string{}
	for _, a := range res.Accounts {
		if _, ok := as[a.Role]; !ok {
			as[a.Role] = a.Username
		}
	}
	cookie := func(role string) *http.Cookie {
		const tok = "bench-sign-in-token-of-43-characters-000000" // any 43 characters
		form := url.Values{"username": {as[role]}, "password": {demo.Password}, "csrf": {tok}}
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
		b.Fatalf("sign in as %s (%s): %d", role, as[role], rec.Code)
		return nil
	}
	rows, err := db.ListCases(ctx, store.CaseFilter{Limit: 1})
	if err != nil || len(rows) == 0 {
		b.Fatal("no cases", err)
	}
	pages := []struct{ role, path string }{
		{"investigator", "/work"}, {"supervisor", "/team"}, {"supervisor", "/inbox"}, {"supervisor", "/cases"},
		{
			"auditor",
			"/cases/" + request.PathRef(rows[0].Ref),
		}, {"manager", "/dashboard"}, {"inspector", "/ledger"}, {"administrator", "/admin"},
	}
	for _, s := range []string{"/actions", "/victims", "/people", "/decisions", "/history"} {
		pages = append(pages, struct{ role, path string }{"auditor", "/cases/" + request.PathRef(rows[0].Ref) + s})
	}
	for _, p := range pages {
		if _, ok := as[p.role]; !ok {
			b.Fatalf("the demo has no %s account", p.role)
		}
		c := cookie(p.role)
		b.Run(strings.ReplaceAll(p.path, "/", "_"), func(b *testing.B) {
			// Past the dashboard's one-minute cache: the first request is cold.
			clk.Advance(2 * time.Minute)
			var times []time.Duration
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", p.path, nil)
				req.AddCookie(c)
				rec := httptest.NewRecorder()
				t0 := time.Now()
				h.ServeHTTP(rec, req)
				times = append(times, time.Since(t0))
				if i == 0 {
					b.ReportMetric(float64(times[0].Microseconds())/1000, "first-ms")
				}
				if rec.Code != 200 {
					b.Fatalf("%s as %s: %d", p.path, p.role, rec.Code)
				}
			}
			sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
