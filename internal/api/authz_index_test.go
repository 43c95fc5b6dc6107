package api_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// indexAuthz: links raised from the index and a person's matches are read
// by those who may see the case; a link is reviewed by those who may
// change it.
func indexAuthz(_ *harness) map[string]entry {
	seeing := []string{"investigator", "supervisor", "manager", "auditor", "analyst", "victim_liaison", "inspector"}
	return map[string]entry{
		"GET /api/v1/cases/{ref}/links": {seeing, nil},
		"POST /api/v1/cases/{ref}/links/{link}/review": {[]string{"investigator", "supervisor", "manager"},
			func(c *domain.Case) any { return map[string]any{"version": c.Version, "outcome": "confirmed"} }},
		"GET /api/v1/cases/{ref}/people/{person}/matches": {seeing, nil},
	}
}

// indexLinked gives c a suspect whose phone a suspect on a case of team C
// bears, which raises a link between the two cases.
func indexLinked(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
	f := h.f
	o, err := f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "referral",
		OffenceTypes: []string{"child_sexual_exploitation"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Svc.AddSuspect(ctx, f.OtherTeam, o.ID, service.NewSuspect{Version: o.Version,
		Name: "Lee Moore", Phone: "07700 900555"}); err != nil {
		t.Fatal(err)
	}
	c, err = f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
		Name: "Leigh Moor", Phone: "07700 900555"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Links) == 0 {
		t.Fatal("a shared phone raised no link")
	}
	return c, map[string]string{"link": c.Links[len(c.Links)-1].ID, "person": c.Suspects[0].ID}
}

var indexPrepare = map[string]prepare{
	"POST /api/v1/cases/{ref}/links/{link}/review":    indexLinked,
	"GET /api/v1/cases/{ref}/people/{person}/matches": indexLinked,
}
