package api_test

func init() { authzTables = append(authzTables, trainingNeedsAuthz) }

// Who may read training needs: those who answer for teams (managers and
// supervisors, the other team's officer for their own) and administrators.
func trainingNeedsAuthz(*harness) map[string]entry {
	return map[string]entry{
		"GET /api/v1/training/needs": {[]string{"administrator", "supervisor", "manager", "other_team"}, nil},
	}
}
