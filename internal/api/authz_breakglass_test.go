package api_test

import (
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

func init() {
	authzTables = append(authzTables, breakGlassAuthz)
	authzPrepare["POST /api/v1/break-glass/{access}/review"] = func(h *harness, t *testing.T,
		c *domain.Case) (*domain.Case, map[string]string) {
		g, err := h.f.Svc.BreakGlass(ctx, h.f.OtherTeam, service.BreakGlassRequest{Case: c.Ref,
			Reason: "Suspect arrested in our area tonight"})
		if err != nil {
			t.Fatal(err)
		}
		c, err = h.f.Svc.ViewCase(ctx, h.f.Supervisor, c.Ref, "test")
		if err != nil {
			t.Fatal(err)
		}
		return c, map[string]string{"access": g.ID}
	}
}

// Who may open a case in an emergency (only a case-worker who cannot see
// it: here the other team's officer) and who reviews it (the auditor).
func breakGlassAuthz(h *harness) map[string]entry {
	return map[string]entry{
		"POST /api/v1/break-glass": {[]string{"other_team"}, func(c *domain.Case) any {
			return map[string]any{"case": c.Ref, "reason": "Suspect arrested in our area tonight"}
		}},
		"POST /api/v1/break-glass/{access}/review": {[]string{"auditor"}, func(c *domain.Case) any {
			return map[string]any{"case": c.Ref, "version": c.Version, "note": "Justified: the arrest was in their area"}
		}},
	}
}
