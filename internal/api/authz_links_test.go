package api_test

import (
	"net/http"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// Who may see suspects shared between cases: analysts, auditors, managers
// and inspectors, each over the cases they may see.
func linksAuthz(*harness) map[string]entry {
	return map[string]entry{
		"GET /api/v1/links": {[]string{"analyst", "auditor", "manager", "inspector"}, nil},
	}
}

// TestLinksOverHTTP: two cases sharing a phone, written two ways, are one
// group; the filters by kind and by case (in the path form of its
// reference) narrow it; a kind that is not one is a 422 naming the field.
func TestLinksOverHTTP(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		h := newHarness(t, db)
		f := h.f
		suspect := func(s service.NewSuspect) *domain.Case {
			c := f.Allocated(t)
			s.Version = c.Version
			return wfMust(t)(f.Svc.AddSuspect(ctx, f.Investigator, c.ID, s))
		}
		c1 := suspect(service.NewSuspect{Name: "Adam Smith", Phone: "07700 900123"})
		c2 := suspect(
			service.NewSuspect{Description: "Tall, shaved head", Phone: "+44 7700 900123", Vehicle: "AB12 CDE"},
		)
		c3 := suspect(service.NewSuspect{Name: "Carl Dunn", Phone: "07700 900999"})

		var l service.Links
		h.json(h.do(f.Analyst, "GET", "/api/v1/links", nil), http.StatusOK, &l)
		if len(l.Groups) != 1 || l.Considered != 3 {
			t.Fatalf("links %+v: want one group of the three cases considered", l)
		}
		g := l.Groups[0]
		if g.Kind != "phone" || g.Key != "+447700900123" || len(g.Cases) != 2 || g.Cases[0].Ref != c1.Ref || g.Cases[1].Ref != c2.Ref ||
			g.Cases[1].Suspect != "Tall, shaved head" ||
			g.Cases[1].Recorded != "+44 7700 900123" {
			t.Fatalf("group %+v", g)
		}
		h.json(
			h.do(f.External, "GET", "/api/v1/links?kind=phone&case="+request.PathRef(c2.Ref), nil),
			http.StatusOK,
			&l,
		)
		if len(l.Groups) != 1 {
			t.Errorf("links of %s by phone: %+v", c2.Ref, l.Groups)
		}
		for _, q := range []string{"?kind=vehicle", "?case=" + request.PathRef(c3.Ref)} {
			h.json(h.do(f.Analyst, "GET", "/api/v1/links"+q, nil), http.StatusOK, &l)
			if len(l.Groups) != 0 {
				t.Errorf("links %s: %+v, want none", q, l.Groups)
			}
		}
		res := h.do(f.Analyst, "GET", "/api/v1/links?kind=email", nil)
		if res.status != http.StatusUnprocessableEntity || len(res.problem(t).Errors) != 1 ||
			res.problem(t).Errors[0].Field != "kind" {
			t.Errorf("an unknown kind: %d %s", res.status, res.body)
		}
		// No such case is refused as the network's query is: a problem
		// with the case field, in the same words as a case not seen.
		if res := h.do(f.Analyst, "GET", "/api/v1/links?case=CSE-1999-999999", nil); res.status != http.StatusUnprocessableEntity ||
			len(res.problem(t).Errors) != 1 || res.problem(t).Errors[0].Field != "case" {
			t.Errorf("links of no case: %d %s", res.status, res.body)
		}
	})
}
