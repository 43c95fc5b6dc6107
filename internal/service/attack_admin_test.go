package service_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestAttackAdministratorGivesOneAccountEveryRole (issue 16, item 8): an
// administrator gave one account every role and then read and wrote any
// case, with only user.created to show for it. Now the powerful roles wait
// for a second administrator, the asking one cannot approve them, and an
// administrator cannot give themselves case work: neither the account nor
// the administrator reads a case of another team's chain.
func TestAttackAdministratorGivesOneAccountEveryRole(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t) // CSE Team North's
		u, err := f.Svc.CreateUser(ctx, f.Admin, service.NewUser{Username: "mallory", Name: "Mal Lory",
			Collar: "M1", Rank: domain.RankConstable, UnitID: f.TeamC, Roles: domain.Roles(),
			Password: fixture.Password})
		if err != nil {
			t.Fatal(err)
		}
		gs, _ := f.Svc.Grants(ctx, f.Admin)
		for _, g := range gs {
			if g.UserID != u.ID {
				continue
			}
			if _, err := f.Svc.DecideGrant(ctx, f.Admin, service.DecideGrant{Grant: g.ID, Approve: true}); err == nil {
				t.Fatal("the administrator who asked approved their own grant")
			}
		}
		org, _ := f.Svc.Org(ctx, f.Admin)
		mallory := &service.Actor{User: *org.Users[u.ID]}
		for _, r := range domain.PowerfulRoles {
			if mallory.User.HasRole(r) {
				t.Errorf("the account holds %s without a second administrator", r)
			}
		}
		if _, err := f.Svc.ViewCase(ctx, mallory, c.Ref, ""); !errors.Is(err, service.ErrNotFound) {
			t.Errorf("the account read another chain's case: %v", err)
		}
		me := org.Users[f.Admin.ID()]
		_, err = f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: me.ID, Version: me.Version, Rank: me.Rank,
			UnitID: f.ForceID, Roles: append([]domain.Role{domain.RoleAdmin}, domain.CaseworkRoles...)})
		if ps, _ := domain.AsProblems(err); len(ps) == 0 || ps[0].Rule != "self_grant" {
			t.Fatalf("an administrator gave themselves case work: %v", err)
		}
		if _, err := f.Svc.ViewCase(ctx, f.Admin, c.Ref, ""); !errors.Is(err, service.ErrNotFound) {
			t.Errorf("the administrator read a case: %v", err)
		}
	})
}

// TestAttackManagerGrantAndAdminRemovalNeedTwo (issue 16, item 8, the
// gaps left): an administrator gave a constable the manager role at the
// force's top unit — every case of the force, to read and change — at
// once; and took the administrator role from the only other
// administrator, leaving no second pair of eyes. Both now wait for a
// second administrator, and the one who asked cannot approve either.
func TestAttackManagerGrantAndAdminRemovalNeedTwo(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		org, _ := f.Svc.Org(ctx, f.Admin)
		u := org.Users[f.Investigator2.ID()]
		res, err := f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: u.ID, Version: u.Version, Rank: u.Rank,
			UnitID: f.ForceID, Roles: []domain.Role{domain.RoleManager}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Grant == nil || len(res.Grant.Roles) != 1 || res.Grant.Roles[0] != domain.RoleManager {
			t.Fatalf("the manager role was not held for a second administrator: grant %+v", res.Grant)
		}
		org, _ = f.Svc.Org(ctx, f.Admin)
		if org.Users[u.ID].HasRole(domain.RoleManager) {
			t.Fatal("the manager role was given at once")
		}
		if _, err := f.Svc.DecideGrant(ctx, f.Admin, service.DecideGrant{Grant: res.Grant.ID, Approve: true}); err == nil {
			t.Fatal("the administrator who asked approved the manager role")
		}

		other := org.Users[f.Admin2.ID()]
		res, err = f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: other.ID, Version: other.Version,
			Rank: other.Rank, UnitID: other.UnitID, Roles: []domain.Role{domain.RoleInspector}})
		if err != nil && !errors.Is(err, service.ErrConflict) {
			t.Fatal(err)
		}
		org, _ = f.Svc.Org(ctx, f.Admin)
		if !org.Users[other.ID].HasRole(domain.RoleAdmin) {
			t.Fatal("the administrator role was taken from another administrator at once")
		}
		if res == nil || res.Grant == nil || len(res.Grant.Remove) != 1 || res.Grant.Remove[0] != domain.RoleAdmin {
			t.Fatalf("taking the administrator role did not wait: %+v", res)
		}
		if _, err := f.Svc.DecideGrant(ctx, f.Admin, service.DecideGrant{Grant: res.Grant.ID, Approve: true}); err == nil {
			t.Fatal("the administrator who asked approved taking the role away")
		}
		if _, err := f.Svc.DecideGrant(ctx, f.Admin2, service.DecideGrant{Grant: res.Grant.ID, Approve: true}); err == nil {
			t.Fatal("the administrator losing the role approved it themselves")
		}
		// A third administrator, made by the system as `holdfast user add` does, approves.
		third, err := f.Svc.CreateUser(ctx, service.SystemActor("cli"), service.NewUser{Username: "cara",
			Name: "Cara Admin", Collar: "S0003", Rank: domain.RankStaff, UnitID: f.ForceID,
			Roles: []domain.Role{domain.RoleAdmin}, Password: fixture.Password})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.Svc.DecideGrant(ctx, &service.Actor{User: *third}, service.DecideGrant{Grant: res.Grant.ID,
			Approve: true}); err != nil {
			t.Fatal(err)
		}
		org, _ = f.Svc.Org(ctx, f.Admin)
		if got := org.Users[other.ID]; got.HasRole(domain.RoleAdmin) {
			t.Errorf("after approval %s still holds %v", got.Name, got.Roles)
		}
	})
}

// TestAttackPasswordResetBeatsTwoPersonRule (issue 16; found by the attack
// of 2026-12-06): an administrator asked for a powerful role for themselves,
// reset the second administrator's password, signed in as them and approved
// their own request. Now no administrator may reset the password of anyone
// holding a role the two-person rule guards (that is done on the server,
// `holdfast user reset-password`, recorded as any reset); the password of
// an officer without one is still reset in the pages.
func TestAttackPasswordResetBeatsTwoPersonRule(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		err := f.Svc.ResetPassword(ctx, f.Admin, service.PasswordReset{UserID: f.Admin2.ID(),
			New: "Temporary-takeover-pass-7781"})
		if !slices.Contains(grantRules(err), "powerful_reset") {
			t.Fatalf("an administrator reset another administrator's password: %v", err)
		}
		if _, err := f.Svc.SignIn(ctx, f.Admin2.User.Username, "Temporary-takeover-pass-7781"); err == nil {
			t.Fatal("signed in as the second administrator with the password the first one set")
		}
		if err := f.Svc.ResetPassword(ctx, f.Admin, service.PasswordReset{UserID: f.Auditor.ID(),
			New: "Temporary-takeover-pass-7781"}); err == nil {
			t.Fatal("an administrator reset an auditor's password")
		}
		if err := f.Svc.ResetPassword(ctx, f.Admin, service.PasswordReset{UserID: f.Investigator.ID(),
			New: "Temporary-officer-pass-7781"}); err != nil {
			t.Fatalf("an officer's password: %v", err)
		}
		if err := f.Svc.ResetPassword(ctx, service.SystemActor("cli"), service.PasswordReset{UserID: f.Admin2.ID(),
			New: "Server-side-reset-pass-7781"}); err != nil {
			t.Fatalf("reset on the server: %v", err)
		}
	})
}
