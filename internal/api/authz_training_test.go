package api_test

import (
	"github.com/holdfast/holdfast/internal/domain"
)

func init() { authzTables = append(authzTables, trainingAuthz) }

// Who may override the training gate (a manager in the case's chain) and
// who lists the overrides (the audit team; managers their chain's).
func trainingAuthz(h *harness) map[string]entry {
	f := h.f
	return map[string]entry{
		"POST /api/v1/cases/{ref}/training-overrides": {[]string{"manager"}, func(c *domain.Case) any {
			return map[string]any{"version": c.Version, "work": "owner", "user_id": f.Investigator2.ID(),
				"reason": "Only officer on duty tonight", "hours": 12}
		}},
		"GET /api/v1/training/overrides": {[]string{"manager", "auditor"}, nil},
	}
}
