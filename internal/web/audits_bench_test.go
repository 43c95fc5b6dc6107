package web_test

import (
	"context"
	"testing"

	"github.com/holdfast/holdfast/internal/service"
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
}
