package service

import "context"

// DashboardBothWaysForTest gives the force-wide dashboard twice: from the
// figures the store keeps, and from a pass over every case (the oracle the
// kept figures must equal).
func DashboardBothWaysForTest(ctx context.Context, s *Service, months int) (kept, scanned *Dashboard, err error) {
	k, err := s.computeDashTeams(ctx, months)
	if err != nil {
		return nil, nil, err
	}
	sc, err := s.scanDashTeams(ctx, months)
	if err != nil {
		return nil, nil, err
	}
	return mergeAllForTest(s, k), mergeAllForTest(s, sc), nil
}

func mergeAllForTest(s *Service, all *dashTeams) *Dashboard {
	out := newDashAcc(all.at, all.months)
	for _, acc := range all.teams {
		out.merge(acc)
	}
	return out.finish(s)
}
