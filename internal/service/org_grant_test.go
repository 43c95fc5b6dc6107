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

func grantRules(err error) []string {
	ps, _ := domain.AsProblems(err)
	var out []string
	for _, p := range ps {
		out = append(out, p.Rule)
	}
	return out
}

func roleSet(u *domain.User) []domain.Role {
	rs := slices.Clone(u.Roles)
	slices.Sort(rs)
	return rs
}

func userNow(t *testing.T, f *fixture.Force, id string) *domain.User {
	t.Helper()
	org, err := f.Svc.Org(context.Background(), f.Admin)
	if err != nil {
		t.Fatal(err)
	}
	return org.Users[id]
}

// TestChangeUserRolesRankAndTeam: ordinary roles, rank and team change at
// once, recorded as user.changed; a stale version is refused.
func TestChangeUserRolesRankAndTeam(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		u := f.Investigator.User
		res, err := f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: u.ID, Version: u.Version,
			Rank: domain.RankSergeant, UnitID: f.TeamB,
			Roles: []domain.Role{domain.RoleInvestigator, domain.RoleSupervisor}})
		if err != nil {
			t.Fatal(err)
		}
		if res.Grant != nil {
			t.Errorf("ordinary roles made a grant: %+v", res.Grant)
		}
		got := userNow(t, f, u.ID)
		if got.Rank != domain.RankSergeant || got.UnitID != f.TeamB || !got.HasRole(domain.RoleSupervisor) ||
			got.Version != u.Version+1 {
			t.Errorf("after the change the user is %+v", got)
		}
		evs, err := db.CaseEvents(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		last := evs[len(evs)-1]
		if last.Type != domain.EvUserChanged || last.Actor != f.Admin.ID() {
			t.Errorf("last event %s by %s, want user.changed by the administrator", last.Type, last.Actor)
		}
		_, err = f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: u.ID, Version: u.Version,
			Rank: domain.RankConstable, UnitID: f.TeamA, Roles: []domain.Role{domain.RoleInvestigator}})
		if !errors.Is(err, service.ErrConflict) {
			t.Errorf("a change based on a stale version: %v, want a conflict", err)
		}
		// Taking a role away is not a grant: at once.
		got = userNow(t, f, u.ID)
		if _, err := f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: u.ID, Version: got.Version,
			Rank: got.Rank, UnitID: got.UnitID, Roles: []domain.Role{domain.RoleInvestigator}}); err != nil {
			t.Fatal(err)
		}
		if userNow(t, f, u.ID).HasRole(domain.RoleSupervisor) {
			t.Error("the supervisor role was not taken away")
		}
		// Only administrators change users.
		got = userNow(t, f, u.ID)
		_, err = f.Svc.ChangeUser(ctx, f.Manager, service.ChangeUser{User: u.ID, Version: got.Version,
			Rank: got.Rank, UnitID: got.UnitID, Roles: []domain.Role{domain.RoleManager}})
		if !errors.Is(err, service.ErrForbidden) {
			t.Errorf("a manager changing a user: %v, want forbidden", err)
		}
	})
}

// TestTwoPersonRuleForPowerfulRoles (issue 16, item 8): an administrator
// giving an account a powerful role only asks for it; the same
// administrator cannot approve it, the person it is for cannot, and a
// second administrator approves (the role is then held) or rejects it
// (with a reason; the role is not held).
func TestTwoPersonRuleForPowerfulRoles(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		u := f.Investigator.User
		for _, powerful := range []domain.Role{domain.RoleAdmin, domain.RoleAuditor, domain.RoleInspector,
			domain.RoleAnalyst} {
			cur := userNow(t, f, u.ID)
			res, err := f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: u.ID, Version: cur.Version,
				Rank: cur.Rank, UnitID: cur.UnitID, Roles: append(slices.Clone(cur.Roles), powerful)})
			if err != nil {
				t.Fatalf("asking for %s: %v", powerful, err)
			}
			if res.Grant == nil || res.Grant.Status != domain.GrantPending || !slices.Equal(res.Grant.Roles,
				[]domain.Role{powerful}) {
				t.Fatalf("asking for %s answered grant %+v, want it pending", powerful, res.Grant)
			}
			if userNow(t, f, u.ID).HasRole(powerful) {
				t.Fatalf("%s was given before a second administrator approved", powerful)
			}
			_, err = f.Svc.DecideGrant(ctx, f.Admin, service.DecideGrant{Grant: res.Grant.ID, Approve: true})
			if !slices.Contains(grantRules(err), "second_administrator") {
				t.Errorf("the asking administrator approving: %v, want second_administrator", err)
			}
			_, err = f.Svc.DecideGrant(ctx, f.Supervisor, service.DecideGrant{Grant: res.Grant.ID, Approve: true})
			if !errors.Is(err, service.ErrForbidden) {
				t.Errorf("a supervisor approving: %v, want forbidden", err)
			}
			if userNow(t, f, u.ID).HasRole(powerful) {
				t.Fatalf("%s was given by a refused approval", powerful)
			}
			if powerful == domain.RoleAnalyst {
				_, err := f.Svc.DecideGrant(ctx, f.Admin2, service.DecideGrant{Grant: res.Grant.ID})
				if !slices.Contains(grantRules(err), "required") {
					t.Errorf("a rejection without a reason: %v", err)
				}
				g, err := f.Svc.DecideGrant(ctx, f.Admin2, service.DecideGrant{Grant: res.Grant.ID,
					Reason: "Not needed for the post"})
				if err != nil || g.Status != domain.GrantRejected {
					t.Fatalf("rejecting: %+v, %v", g, err)
				}
				if userNow(t, f, u.ID).HasRole(powerful) {
					t.Error("a rejected grant gave the role")
				}
				continue
			}
			g, err := f.Svc.DecideGrant(ctx, f.Admin2, service.DecideGrant{Grant: res.Grant.ID, Approve: true})
			if err != nil || g.Status != domain.GrantApproved || g.DecidedBy != f.Admin2.ID() {
				t.Fatalf("approving %s: %+v, %v", powerful, g, err)
			}
			if !userNow(t, f, u.ID).HasRole(powerful) {
				t.Errorf("%s not held after approval", powerful)
			}
			_, err = f.Svc.DecideGrant(ctx, f.Admin2, service.DecideGrant{Grant: res.Grant.ID, Approve: true})
			if !slices.Contains(grantRules(err), "grant_decided") {
				t.Errorf("approving twice: %v", err)
			}
		}
		want := []domain.Role{domain.RoleAdmin, domain.RoleAuditor, domain.RoleInspector, domain.RoleInvestigator}
		slices.Sort(want)
		if got := roleSet(userNow(t, f, u.ID)); !slices.Equal(got, want) {
			t.Errorf("roles at the end %v, want %v", got, want)
		}
	})
}

// TestCreateUserPowerfulRoleWaits: adding a user with a powerful role
// gives the ordinary roles at once and leaves the powerful one to a second
// administrator; the system (holdfast user add on the server) is not held
// by the rule.
func TestCreateUserPowerfulRoleWaits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		u, err := f.Svc.CreateUser(ctx, f.Admin, service.NewUser{Username: "pat", Name: "DS Pat Power",
			Collar: "C777", Rank: domain.RankSergeant, UnitID: f.TeamA,
			Roles: []domain.Role{domain.RoleSupervisor, domain.RoleAuditor}, Password: fixture.Password})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(u.Roles, []domain.Role{domain.RoleSupervisor}) {
			t.Errorf("created with roles %v, want only supervisor until approved", u.Roles)
		}
		gs, err := f.Svc.Grants(ctx, f.Admin2)
		if err != nil {
			t.Fatal(err)
		}
		var pending *domain.Grant
		for _, g := range gs {
			if g.UserID == u.ID && g.Status == domain.GrantPending {
				pending = g
			}
		}
		if pending == nil || !slices.Equal(pending.Roles, []domain.Role{domain.RoleAuditor}) ||
			pending.RequestedBy != f.Admin.ID() {
			t.Fatalf("pending grant %+v, want auditor asked by the administrator", pending)
		}
		if _, err := f.Svc.DecideGrant(ctx, f.Admin2, service.DecideGrant{Grant: pending.ID, Approve: true}); err != nil {
			t.Fatal(err)
		}
		if !userNow(t, f, u.ID).HasRole(domain.RoleAuditor) {
			t.Error("auditor not held after approval")
		}
		if _, err := f.Svc.Grants(ctx, f.Auditor); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("an auditor reading grants: %v, want forbidden", err)
		}
	})
}

// TestAdministratorCannotGrantThemselves: an administrator cannot give
// themselves a case-work role, nor approve a powerful role for themselves
// that another administrator asked for.
func TestAdministratorCannotGrantThemselves(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		me := userNow(t, f, f.Admin.ID())
		for _, r := range domain.CaseworkRoles {
			_, err := f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: me.ID, Version: me.Version,
				Rank: me.Rank, UnitID: me.UnitID, Roles: []domain.Role{domain.RoleAdmin, r}})
			if !slices.Contains(grantRules(err), "self_grant") {
				t.Errorf("giving myself %s: %v, want self_grant", r, err)
			}
		}
		if got := userNow(t, f, me.ID); !slices.Equal(got.Roles, []domain.Role{domain.RoleAdmin}) {
			t.Fatalf("my roles are now %v", got.Roles)
		}
		// Another administrator may give me a case-work role: two people.
		res, err := f.Svc.ChangeUser(ctx, f.Admin2, service.ChangeUser{User: me.ID, Version: me.Version,
			Rank: me.Rank, UnitID: me.UnitID, Roles: []domain.Role{domain.RoleAdmin, domain.RoleAuditor}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.Svc.DecideGrant(ctx, f.Admin, service.DecideGrant{Grant: res.Grant.ID, Approve: true})
		if !slices.Contains(grantRules(err), "not_for_yourself") {
			t.Errorf("approving a grant for myself: %v, want not_for_yourself", err)
		}
		if userNow(t, f, me.ID).HasRole(domain.RoleAuditor) {
			t.Error("a self-approved grant gave the role")
		}
	})
}

// TestLeaverWorkShowsWhereItGoes: before a leaver is confirmed, what they
// own is listed with the supervisor who will be told to reallocate it.
func TestLeaverWorkShowsWhereItGoes(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		w, err := f.Svc.LeaverWork(ctx, f.Admin, c.OwnerID)
		if err != nil {
			t.Fatal(err)
		}
		if len(w.Cases) != 1 || w.Cases[0].Ref != c.Ref || w.Cases[0].GoesTo != f.Supervisor.ID() {
			t.Errorf("leaver's cases %+v, want %s going to the supervisor", w.Cases, c.Ref)
		}
		if len(w.Duties) == 0 {
			t.Error("the owner of an allocated case holds no duty")
		}
		if _, err := f.Svc.LeaverWork(ctx, f.Supervisor, c.OwnerID); !errors.Is(err, service.ErrForbidden) {
			t.Errorf("a supervisor asking: %v, want forbidden", err)
		}
	})
}
