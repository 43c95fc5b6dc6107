package api_test

import (
	"fmt"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
)

// Who may call each administration endpoint: administrators only. A grant
// is decided by an administrator other than the one who asked for it: the
// prepared grant is asked for by the second administrator, so the
// fixture's administrator may decide it.
func orgAuthz(h *harness) map[string]entry {
	admin := []string{"administrator"}
	return map[string]entry{
		// {id} is a fresh investigator at version 1 in TeamA.
		"POST /api/v1/users/{id}/roles": {admin, func(*domain.Case) any {
			return map[string]any{"version": 1, "rank": "sergeant", "unit_id": h.f.TeamA,
				"roles": []string{"investigator", "supervisor"}}
		}},
		"GET /api/v1/grants":              {admin, nil},
		"POST /api/v1/grants/{id}/decide": {admin, func(*domain.Case) any { return map[string]any{"approve": true} }},
		"GET /api/v1/users/{id}/leaver":   {admin, nil},
		"POST /api/v1/users/{id}/accreditations": {admin, func(*domain.Case) any {
			return map[string]any{"kind": "pip2", "awarded_on": "2025-01-06", "expires": "2028-01-06"}
		}},
		"POST /api/v1/users/{id}/accreditations/withdraw": {admin, func(*domain.Case) any {
			return map[string]any{"accreditation_id": orgAccreditation, "reason": "recorded in error"}
		}},
		"GET /api/v1/users/{id}/accreditations": {admin, nil},
	}
}

var orgPrepare = map[string]prepare{
	// A fresh officer holding one accreditation, whose id the body sends.
	"POST /api/v1/users/{id}/accreditations/withdraw": func(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
		orgAccredited++
		u, err := h.f.Svc.CreateUser(ctx, h.f.Admin, service.NewUser{Username: fmt.Sprintf("accredited%d", orgAccredited),
			Name: "Ada Accredited", Collar: "A1", Rank: domain.RankConstable, UnitID: h.f.TeamA,
			Roles: []domain.Role{domain.RoleInvestigator}, Password: fixture.Password})
		if err != nil {
			t.Fatal(err)
		}
		acc, err := h.f.Svc.AwardAccreditation(ctx, h.f.Admin, service.AwardAccreditation{User: u.ID, Kind: "abe",
			AwardedOn: "2025-01-06"})
		if err != nil {
			t.Fatal(err)
		}
		orgAccreditation = acc.ID
		return c, map[string]string{"id": u.ID}
	},
	"POST /api/v1/grants/{id}/decide": func(h *harness, t *testing.T, c *domain.Case) (*domain.Case, map[string]string) {
		orgGrants++
		u, err := h.f.Svc.CreateUser(ctx, h.f.Admin2, service.NewUser{Username: "granted" + string(rune('a'+orgGrants)),
			Name: "Gail Granted", Collar: "G1", Rank: domain.RankStaff, UnitID: h.f.ForceID,
			Roles: []domain.Role{domain.RoleAnalyst}, Password: fixture.Password})
		if err != nil {
			t.Fatal(err)
		}
		gs, err := h.f.Svc.Grants(ctx, h.f.Admin)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			if g.UserID == u.ID {
				return c, map[string]string{"id": g.ID}
			}
		}
		t.Fatal("no grant asked for")
		return nil, nil
	},
}

var orgGrants int

// orgAccreditation is the accreditation the withdrawal's prepare awarded.
var orgAccreditation string

// orgAccredited numbers the officers the withdrawal's prepare adds.
var orgAccredited int
