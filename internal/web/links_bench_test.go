package web_test

import (
	"context"
	"net/url"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
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
	s := newBenchSite(b)
	// The case with most links raised from the index: the centre of the
	// largest network the demo's offender groups make.
	rows, err := s.db.ListCases(ctx, store.CaseFilter{})
	if err != nil {
		b.Fatal(err)
	}
	var centre *domain.Case
	for _, r := range rows {
		c, err := s.db.Case(ctx, r.ID)
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
	s.run(b, []benchPage{
		{"analyst", "/links"},
		{"analyst", "/links?page=3"},
		{"analyst", "/links?case=" + url.QueryEscape(centre.Ref)},
		{"auditor", "/cases/" + ref + "/links"},
		{"analyst", "/network?case=" + url.QueryEscape(centre.Ref)},
		{"analyst", "/network?case=" + url.QueryEscape(centre.Ref) + "&page=2"},
		{"analyst", "/network?case=" + url.QueryEscape(centre.Ref) + "&kinds=phone"},
	})
}
