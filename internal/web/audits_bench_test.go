package web_test

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// BenchmarkAuditAndAdminPages renders the audit team's and the
// administrator's pages, as the role that uses each, and reports server
// time (p50, p99) and the page's size, on the demo force (benchForce).
func BenchmarkAuditAndAdminPages(b *testing.B) {
	ctx := context.Background()
	s := newBenchSite(b)
	sys := service.SystemActor("bench")
	list, err := s.hf.Svc.Audits(ctx, sys)
	if err != nil || len(list) == 0 {
		b.Fatal("no audit in the demo", err)
	}
	org, err := s.hf.Svc.Org(ctx, sys)
	if err != nil {
		b.Fatal(err)
	}
	var someone string
	for id, u := range org.Users {
		if u.Active && u.Username == s.as["investigator"] {
			someone = id
		}
	}
	s.run(b, []benchPage{
		{"auditor", "/audits"},
		{"auditor", "/audits?preset=routine&page=3"},
		{"auditor", "/audits/" + list[len(list)-1].ID},
		{"auditor (reviewer)", "/audits/reviews"},
		{"auditor", "/audits/new"},
		{"manager", "/audits/findings"},
		{"administrator", "/admin"},
		{"administrator", "/admin/users/" + someone},
		{"administrator", "/admin/users/" + someone + "/leave"},
	})
	// The triage under a force's steady writes: a note is added to an
	// open case before each read of /audits (the note's time not counted),
	// so no read finds the queue as it was kept.
	b.Run("auditor_/audits_under_writes", func(b *testing.B) {
		open, err := s.db.ListCases(ctx, store.CaseFilter{Status: []domain.Status{domain.StatusOpen}, Limit: 1})
		if err != nil || len(open) == 0 {
			b.Fatal("no open case in the demo", err)
		}
		cookie := s.signIn(b, "auditor")
		var times []time.Duration
		for i := 0; i < b.N; i++ {
			c, err := s.db.Case(ctx, open[0].ID)
			if err == nil {
				_, err = s.hf.Svc.AddNote(ctx, sys, c.ID, service.NewNote{Version: c.Version, Text: "Bench note"})
			}
			if err != nil {
				b.Fatal(err)
			}
			req := httptest.NewRequest("GET", "/audits", nil)
			req.AddCookie(cookie)
			rec := httptest.NewRecorder()
			t0 := time.Now()
			s.h.ServeHTTP(rec, req)
			times = append(times, time.Since(t0))
			if rec.Code != 200 {
				b.Fatalf("/audits: %d", rec.Code)
			}
		}
		slices.Sort(times)
		b.ReportMetric(float64(times[len(times)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1000, "p99-ms")
	})
}
