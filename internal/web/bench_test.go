package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// benchForce opens the demo force for a page benchmark: a copy of an
// existing demo database when HOLDFAST_BENCH_DB names one (a `holdfast
// demo` file, with its ledger key beside it: the demo's full size, about
// 2,300 cases), or else a demo of HOLDFAST_BENCH_DEMO cases (default 300)
// generated here.
func benchForce(b *testing.B) (*sqlstore.DB, *app.App, *clock.Manual) {
	ctx := context.Background()
	var db *sqlstore.DB
	clk := clock.NewManual(time.Now().UTC())
	key := b.TempDir() + "/ledger.key"
	if src := os.Getenv("HOLDFAST_BENCH_DB"); src != "" {
		dst := b.TempDir() + "/demo.db"
		for _, f := range []struct{ from, to string }{{src, dst}, {src + ".ledger.key", key},
			{src + ".ledger.key.pub", key + ".pub"}} {
			in, err := os.ReadFile(f.from)
			if err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(f.to, in, 0o600); err != nil {
				b.Fatal(err)
			}
		}
		var err error
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
	hf, err := app.New(db, app.Config{Clock: clk, Ledger: app.LedgerConfig{KeyPath: key, Create: true},
		Policy: policy.DemoDefault()})
	if err != nil {
		b.Fatal(err)
	}
	return db, hf, clk
}

// benchSite is the demo force (benchForce) served for a page benchmark,
// with the first demo account of each role to sign in as.
type benchSite struct {
	db  *sqlstore.DB
	hf  *app.App
	clk *clock.Manual
	h   http.Handler
	as  map[string]string // role → username
}

func newBenchSite(b *testing.B) *benchSite {
	db, hf, clk := benchForce(b)
	accts, err := demo.Accounts(context.Background(), hf.Svc)
	if err != nil {
		b.Fatal(err)
	}
	s := &benchSite{db: db, hf: hf, clk: clk, h: server.New(hf.Svc, server.Config{Handler: hf.Handler}).Handler,
		as: map[string]string{}}
	for _, a := range accts {
		if _, ok := s.as[a.Role]; !ok {
			s.as[a.Role] = a.Username
		}
	}
	return s
}

// signIn signs the demo account of role in with the demo password and
// answers the session cookie.
func (s *benchSite) signIn(b *testing.B, role string) *http.Cookie {
	b.Helper()
	username, ok := s.as[role]
	if !ok {
		b.Fatalf("the demo has no %s account", role)
	}
	const tok = "bench-sign-in-token-of-43-characters-000000" // any 43 characters
	form := url.Values{"username": {username}, "password": {demo.Password}, "csrf": {tok}}
	req := httptest.NewRequest("POST", "/sign-in", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "holdfast_signin", Value: tok})
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == request.SessionCookie {
			return c
		}
	}
	b.Fatalf("sign in as %s (%s): %d", role, username, rec.Code)
	return nil
}

// benchPage is a page a benchmark renders, as the role that uses it.
type benchPage struct{ role, path string }

// run renders each page as its role, one sub-benchmark a page, and
// reports the server's time per page — p50 and p99 over the iterations —
// and the page's size. A status other than 200 (or one of also) fails.
func (s *benchSite) run(b *testing.B, pages []benchPage, also ...int) {
	for _, p := range pages {
		c := s.signIn(b, p.role)
		name := strings.NewReplacer(" ", "_", "(", "", ")", "", "/", "_", "?", "_", "&", "_", "=", "_", "%", "_",
			"+", "_").Replace(p.role + p.path)
		b.Run(name, func(b *testing.B) {
			// Past the dashboard's one-minute cache: the first request is cold.
			s.clk.Advance(2 * time.Minute)
			var times []time.Duration
			size := 0
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest("GET", p.path, nil)
				req.AddCookie(c)
				rec := httptest.NewRecorder()
				t0 := time.Now()
				s.h.ServeHTTP(rec, req)
				times = append(times, time.Since(t0))
				if rec.Code != http.StatusOK && !slices.Contains(also, rec.Code) {
					b.Fatalf("%s as %s: %d", p.path, p.role, rec.Code)
				}
				size = rec.Body.Len()
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
			b.ReportMetric(float64(size)/1024, "KB")
		})
	}
}

// BenchmarkPages renders every page of work, finding and overview, as the
// role that uses it, on the demo force (see benchForce), and reports the
// server's time per page — p50 and p99 over the iterations — and the
// page's size. The audit and administration pages have their own
// benchmark (BenchmarkAuditAndAdminPages). Run at the demo's size:
//
//	holdfast demo --db /tmp/demo.db   # once; stop it when it serves
//	HOLDFAST_BENCH_DB=/tmp/demo.db go test -run X -bench BenchmarkPages -benchtime 20x ./internal/web
func BenchmarkPages(b *testing.B) {
	s := newBenchSite(b)
	rows, err := s.db.ListCases(context.Background(),
		store.CaseFilter{Status: []domain.Status{domain.StatusOpen}, Limit: 1})
	if err != nil || len(rows) == 0 {
		b.Fatal("no open case", err)
	}
	ref := request.PathRef(rows[0].Ref)
	pages := []benchPage{
		{"investigator", "/work"},
		{"supervisor", "/work"},
		{"manager", "/work"},
		{"victim_liaison", "/work"},
		{"auditor", "/work"},
		{"supervisor", "/team"},
		{"supervisor", "/inbox"},
		{"supervisor", "/inbox?show=done"},
		{"supervisor", "/cases"},
		{"supervisor", "/cases?status=open&overdue=yes"},
		{"supervisor", "/cases/new"},
		{"analyst", "/cases?q=smith"},
		{"analyst", "/cases?q=07700+900123"},
		{"analyst", "/cases?q=2025%2F507"},
		{"analyst", "/links"},
		{"analyst", "/links?page=3"},
		{"auditor", "/access"},
		{"inspector", "/access?case=" + ref},
		{"auditor", "/cases/" + ref},
		{"manager", "/dashboard"},
		{"inspector", "/ledger"},
	}
	for _, sub := range []string{"/actions", "/victims", "/people", "/decisions", "/history"} {
		pages = append(pages, benchPage{"auditor", "/cases/" + ref + sub})
	}
	s.run(b, pages, http.StatusSeeOther)
}
