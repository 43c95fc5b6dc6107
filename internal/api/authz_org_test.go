package api_test

import (
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
	}
}

var orgPrepare = map[string]prepare{
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
