package service_test

import (
	"context"
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestEveryRoleTakenAwayAtOnce: an administrator moves an investigator to
// analysis alone. The analyst role waits for a second administrator, so
// the roles kept at once are none — and an empty list of roles was left
// out of the event's JSON like an unchanged one, so the officer kept the
// investigator role, and got it back beside the analyst's on approval.
func TestEveryRoleTakenAwayAtOnce(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		user := func() *domain.User {
			org, err := f.Svc.Org(ctx, f.Admin)
			if err != nil {
				t.Fatal(err)
			}
			return org.Users[f.Investigator.ID()]
		}
		u := user()
		if !slices.Equal(u.Roles, []domain.Role{domain.RoleInvestigator}) {
			t.Fatalf("the fixture's investigator should hold that role alone: %v", u.Roles)
		}
		res, err := f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: u.ID, Version: u.Version,
			Rank: u.Rank, UnitID: u.UnitID, Roles: []domain.Role{domain.RoleAnalyst}})
		if err != nil || res.Grant == nil {
			t.Fatalf("moving to analysis: %+v %v", res, err)
		}
		if u = user(); len(u.Roles) != 0 {
			t.Fatalf("until the analyst role is approved the officer should hold no role, holds %v", u.Roles)
		}
		if _, err := f.Svc.DecideGrant(ctx, f.Admin2, service.DecideGrant{Grant: res.Grant.ID,
			Approve: true}); err != nil {
			t.Fatal(err)
		}
		if u = user(); !slices.Equal(u.Roles, []domain.Role{domain.RoleAnalyst}) {
			t.Fatalf("approved, the officer should be an analyst alone: %v", u.Roles)
		}
		if _, diff, err := replay.Compare(ctx, db); err != nil || diff != nil {
			t.Fatalf("the users differ from a replay of the log: %v %v", diff, err)
		}
	})
}
