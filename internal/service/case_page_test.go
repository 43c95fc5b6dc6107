package service_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// pageCounter is the store, counting the cases its case list reads.
type pageCounter struct {
	*sqlstore.DB
	read atomic.Int64
}

func (p *pageCounter) CasePage(ctx context.Context, f store.CasePageFilter) ([]store.CaseRow, error) {
	rows, err := p.DB.CasePage(ctx, f)
	p.read.Add(int64(len(rows)))
	return rows, err
}

// TestCaseListPreviousIsThePreviousPage: paging forward through the case
// list and then back by Previous gives the same pages, in the same order,
// and each Previous reads a page's worth of cases, not every case newer
// than it (it read from the newest case down).
func TestCaseListPreviousIsThePreviousPage(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		st := &pageCounter{DB: db}
		f := fixture.New(t, st)
		for range 11 {
			f.Referral(t)
		}
		const limit = 3
		list := func(in service.CaseListQuery) *service.CaseList {
			t.Helper()
			in.Limit = limit
			l, err := f.Svc.CaseList(ctx, f.Supervisor, in)
			if err != nil {
				t.Fatal(err)
			}
			return l
		}
		pages := []*service.CaseList{list(service.CaseListQuery{})}
		for l := pages[0]; l.Next != ""; pages = append(pages, l) {
			l = list(service.CaseListQuery{Before: l.Next})
		}
		if len(pages) != 4 {
			t.Fatalf("11 cases in %d pages of %d", len(pages), limit)
		}
		for i := len(pages) - 1; i > 0; i-- {
			if pages[i].Prev == "" {
				t.Fatalf("page %d has no Previous", i+1)
			}
			st.read.Store(0)
			back := list(service.CaseListQuery{After: pages[i].Prev})
			want := pages[i-1]
			if refsOfRows(back.Cases) != refsOfRows(want.Cases) || back.Prev != want.Prev || back.Next != want.Next {
				t.Errorf("Previous from page %d gave %v (prev %q, next %q), want %v (prev %q, next %q)", i+1,
					refsOfRows(back.Cases), back.Prev, back.Next, refsOfRows(want.Cases), want.Prev, want.Next)
			}
			if n := st.read.Load(); n > limit+1 {
				t.Errorf("Previous from page %d read %d cases for a page of %d", i+1, n, limit)
			}
		}
		if pages[0].Prev != "" {
			t.Errorf("the first page has a Previous: %q", pages[0].Prev)
		}
	})
}
