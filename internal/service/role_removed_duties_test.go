package service_test

import (
	"context"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// An officer in charge whose investigator role is taken away stays on the
// team but can record nothing on the case: the victim updates they owed
// move at once, in the same command, to the case's supervisor, as a
// leaver's and a mover's do (they stayed theirs, and escalated against
// someone who could not record a contact).
func TestVictimDutiesOfAnOfficerWhoLostTheInvestigatorRoleGoToTheSupervisor(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		c := f.Allocated(t)
		c, err := f.Svc.AddVictim(ctx, f.Liaison, c.ID, service.NewVictim{Version: c.Version, Name: "Vicky",
			DateOfBirth: "2011-04-02"})
		if err != nil {
			t.Fatal(err)
		}
		v := c.Victims[0].ID
		if c, err = f.Svc.RecordContact(ctx, f.Liaison, c.ID, service.RecordContact{Version: c.Version, Victim: v,
			Kind: domain.ContactUpdate, Method: "phone", Note: "Told the case is allocated"}); err != nil {
			t.Fatal(err)
		}
		if d := victimDuty(c, duty.VictimUpdate, v); d == nil || d.Accountable != f.Investigator.ID() {
			t.Fatalf("the next update should be the officer in charge's: %+v", d)
		}
		// The officer becomes an analyst too (a second administrator
		// approves it), then moves to analysis alone: the investigator
		// role goes at once.
		user := func() *domain.User {
			org, err := f.Svc.Org(ctx, f.Admin)
			if err != nil {
				t.Fatal(err)
			}
			return org.Users[f.Investigator.ID()]
		}
		u := user()
		res, err := f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: u.ID, Version: u.Version,
			Rank: u.Rank, UnitID: u.UnitID, Roles: []domain.Role{domain.RoleInvestigator, domain.RoleAnalyst}})
		if err != nil || res.Grant == nil {
			t.Fatalf("asking for the analyst role: %+v %v", res, err)
		}
		if _, err := f.Svc.DecideGrant(ctx, f.Admin2, service.DecideGrant{Grant: res.Grant.ID,
			Approve: true}); err != nil {
			t.Fatal(err)
		}
		u = user()
		if _, err := f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: u.ID, Version: u.Version,
			Rank: u.Rank, UnitID: u.UnitID, Roles: []domain.Role{domain.RoleAnalyst}}); err != nil {
			t.Fatal(err)
		}
		if u = user(); u.HasRole(domain.RoleInvestigator) || !u.Active || u.UnitID != f.TeamA {
			t.Fatalf("the officer should be serving on the team without the investigator role: %+v", u)
		}
		c, err = f.Svc.ViewCase(ctx, f.Supervisor, c.Ref, "")
		if err != nil {
			t.Fatal(err)
		}
		if d := victimDuty(c, duty.VictimUpdate, v); d == nil || d.Accountable != f.Supervisor.ID() {
			t.Fatalf("the victim's update is still owed by an officer without a case-work role: %+v", d)
		}
	})
}
