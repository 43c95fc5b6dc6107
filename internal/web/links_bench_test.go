package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/store"
)

// BenchmarkLinkPages renders the pages of issue 19 — the analyst's Links
// page and its later pages, a case's links from the index, and the
// network view around a case with links (graph and table, and a later
// page of the table) — on the demo force (benchForce), and reports the
// server's time per page, p50 and p99, and its size. The aim is
// 100 ms p50 for each on the demo force:
//
//	holdfast demo --db /tmp/demo.db   # once; stop it when it serves
//	HOLDFAST_BENCH_DB=/tmp/demo.db go test -run X -bench BenchmarkLinkPages -benchtime 50x ./internal/web
func BenchmarkLinkPages(b *testing.B) {
	ctx := context.Background()
	db, hf, clk := benchForce(b)
	h := server.New(hf.Svc, server.Config{Handler: hf.Handler}).Handler
	accts, err := demo.Accounts(ctx, hf.Svc)
	if err != nil {
		b.Fatal(err)
	}
	as := map[string]string{}
	for _, a := range accts {
		if _, ok := as[a.Role]; !ok {
			as[a.Role] = a.Username
		}
	}
	// The case with most links raised from the index: the centre of the
	// largest network the demo's offender groups make.
	rows, err := db.ListCases(ctx, store.CaseFilter{})
	if err != nil {
		b.Fatal(err)
	}
	var centre *domain.Case
	for _, r := range rows {
		c, err := db.Case(ctx, r.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(c.Links) > 0 && (centre == nil || len(c.Links) > len(centre.Links)) {
			centre = c
		}
	}
	if centre == nil {
		b.Fatal("the demo force has no case with links")
	}
	ref := request.PathRef(centre.Ref)
	b.Logf("centre %s: %d links, of %d cases", centre.Ref, len(centre.Links), len(rows))
	pages := []struct{ role, path string }{
		{"analyst", "/links"},
		{"analyst", "/links?page=3"},
		{"analyst", "/links?case=" + url.QueryEscape(centre.Ref)},
		{"auditor", "/cases/" + ref + "/links"},
		{"analyst", "/network?case=" + url.QueryEscape(centre.Ref)},
		{"analyst", "/network?case=" + url.QueryEscape(centre.Ref) + "&page=2"},
		{"analyst", "/network?case=" + url.QueryEscape(centre.Ref) + "&kinds=phone"},
	}
	for _, p := range pages {
		if _, ok := as[p.role]; !ok {
			b.Fatalf("the demo has no %s account", p.role)
		}
		c := benchSignIn(b, h, as[p.role])
		b.Run(p.role+strings.NewReplacer("/", "_", "?", "_", "&", "_", "=", "_", "%", "_", "+", "_").Replace(p.path),
			func(b *testing.B) {
				clk.Advance(2 * time.Minute)
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

// benchSignIn signs username in with the demo password and answers the
// session cookie.
func benchSignIn(b *testing.B, h http.Handler, username string) *http.Cookie {
	b.Helper()
	const tok = "bench-sign-in-token-of-43-characters-000000" // any 43 characters
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
