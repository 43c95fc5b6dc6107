package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/demo"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/server"
	"github.com/holdfast/holdfast/internal/store"
)

// Page is one page measured, as the demo role that uses it. "{ref}" in the
// path stands for an open case's reference (its path form).
type Page struct{ Role, Path string }

// Pages are the pages of work, finding and overview, each as the role that
// uses it (the audit and administration pages have their own benchmark in
// internal/web).
var Pages = []Page{
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
	{"inspector", "/access?case={ref}"},
	{"auditor", "/cases/{ref}"},
	{"manager", "/dashboard"},
	{"inspector", "/ledger"},
	{"auditor", "/audits"},
	{"auditor (reviewer)", "/audits/reviews"},
	{"administrator", "/admin"},
}

// PageResult is what one page measured.
type PageResult struct {
	Page
	// Status is the first status of the requests that was not 200, or
	// 200: one failed request among many is not hidden by the last.
	Status int
	Failed int // requests not answered 200
	// Slowest is the longest request, beside p99: with few requests p99
	// is the slowest, but not with many.
	P50, P99, Slowest time.Duration
	Bytes             int // the last response's body
}

// MeasurePages requests each page n times as its role, through the whole
// HTTP handler (sessions, CSRF, rendering), on the force hf serves — a demo
// force: its accounts sign in with demo.Password.
func MeasurePages(ctx context.Context, hf *app.App, st store.Store, pages []Page, n int) ([]PageResult, error) {
	h := server.New(hf.Svc, server.Config{Handler: hf.Handler}).Handler
	accts, err := demo.Accounts(ctx, hf.Svc)
	if err != nil {
		return nil, err
	}
	as := map[string]string{}
	for _, a := range accts {
		if _, ok := as[a.Role]; !ok {
			as[a.Role] = a.Username
		}
	}
	rows, err := st.ListCases(ctx, store.CaseFilter{Status: []domain.Status{domain.StatusOpen}, Limit: 1})
	if err != nil || len(rows) == 0 {
		return nil, fmt.Errorf("the force has no open case to show: %v", err)
	}
	ref := request.PathRef(rows[0].Ref)
	cookies := map[string]*http.Cookie{}
	var out []PageResult
	for _, p := range pages {
		if as[p.Role] == "" {
			return nil, fmt.Errorf("the force has no demo account for %s", p.Role)
		}
		c := cookies[p.Role]
		if c == nil {
			if c, err = signIn(ctx, h, as[p.Role], demo.Password); err != nil {
				return nil, fmt.Errorf("the demo's %s: %w", p.Role, err)
			}
			cookies[p.Role] = c
		}
		path := strings.ReplaceAll(p.Path, "{ref}", ref)
		r, _ := measurePage(ctx, h, c, func(int) string { return path }, n)
		r.Page = p
		out = append(out, r)
	}
	return out, nil
}

// signIn signs username in through h's sign-in form and returns the
// session cookie.
func signIn(ctx context.Context, h http.Handler, username, password string) (*http.Cookie, error) {
	const tok = "bench-sign-in-token-of-43-characters-000000" // any 43 characters
	form := url.Values{"username": {username}, "password": {password}, "csrf": {tok}}
	req := httptest.NewRequest("POST", "/sign-in", strings.NewReader(form.Encode())).WithContext(ctx)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "holdfast_signin", Value: tok})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Name == request.SessionCookie {
			return c, nil
		}
	}
	return nil, fmt.Errorf("sign in as %q: %d", username, rec.Code)
}

// measurePage requests path(i) n times through h with the session cookie
// c: every page measured answers 200 when it works (a redirect is the
// sign-in page or an error's), so any other status counts as failed; the
// size is the last response's; cpu is the process's CPU time (user and
// system) per request.
func measurePage(ctx context.Context, h http.Handler, c *http.Cookie, path func(i int) string, n int) (
	r PageResult, cpu time.Duration) {
	times := make([]time.Duration, 0, n)
	r.Status = http.StatusOK
	cpu0 := cpuTime()
	for i := range n {
		req := httptest.NewRequest("GET", path(i), nil).WithContext(ctx)
		req.AddCookie(c)
		rec := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(rec, req)
		times = append(times, time.Since(t0))
		if rec.Code != http.StatusOK {
			if r.Failed == 0 {
				r.Status = rec.Code
			}
			r.Failed++
		}
		r.Bytes = rec.Body.Len()
	}
	cpu = (cpuTime() - cpu0) / time.Duration(n)
	slices.Sort(times)
	r.P50, r.P99, r.Slowest = times[len(times)/2], times[len(times)*99/100], times[len(times)-1]
	return r, cpu
}

// PrintPages writes the page timings as a table.
func PrintPages(w io.Writer, rs []PageResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "page\trole\tstatus\tp50\tp99\tKB\t")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f ms\t%.1f ms\t%.0f\t\n", r.Path, r.Role, r.Status,
			float64(r.P50.Microseconds())/1000, float64(r.P99.Microseconds())/1000, float64(r.Bytes)/1024)
	}
	tw.Flush()
}
