package api_test

import (
	"fmt"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// indexAuthz: links raised from the index and a person's matches are read
// by those who may see the case; a link is reviewed by those who may
// change it, and by an analyst who may see both cases (mayReviewLink).
func indexAuthz(_ *harness) map[string]entry {
	seeing := []string{"investigator", "supervisor", "manager", "auditor", "analyst", "victim_liaison", "inspector"}
	return map[string]entry{
		"GET /api/v1/cases/{ref}/links": {seeing, nil},
		"POST /api/v1/links/{link}/review": {[]string{"investigator", "supervisor", "manager", "analyst"},
			func(c *domain.Case) any {
				return map[string]any{"case": c.Ref, "version": c.Version, "outcome": "confirmed"}
			}},
		"GET /api/v1/cases/{ref}/people/{person}/matches": {seeing, nil},
	}
}

// indexPhones numbers the phones indexLinked gives, so that each call
// links its two cases alone.
var indexPhones = 0

// indexLinked gives c a suspect whose phone a suspect on a case of team C
// bears, which raises a link between the two cases.
func indexLinked(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
	indexPhones++
	phone := fmt.Sprintf("07700 900%03d", 500+indexPhones)
	f := h.f
	o, err := f.Svc.OpenReferral(ctx, f.OtherTeam, service.NewReferral{TeamID: f.TeamC, Summary: "referral",
		OffenceTypes: []string{"child_sexual_exploitation"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Svc.AddSuspect(ctx, f.OtherTeam, o.ID, service.NewSuspect{Version: o.Version,
		Description: "a man in a van", Phone: phone}); err != nil {
		t.Fatal(err)
	}
	c, err = f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
		Description: "the driver", Phone: phone})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Links) != 1 {
		t.Fatalf("a shared phone raised links %+v, want one", c.Links)
	}
	return c, map[string]string{"link": c.Links[0].ID, "person": c.Suspects[0].ID}
}

var indexPrepare = map[string]prepare{
	"POST /api/v1/links/{link}/review":                indexLinked,
	"GET /api/v1/cases/{ref}/people/{person}/matches": indexLinked,
}
