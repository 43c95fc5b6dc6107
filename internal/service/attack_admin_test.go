package service_test

import (
	"context"
	"errors"
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
