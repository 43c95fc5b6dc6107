package service_test

import (
	"context"
	"testing"

	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// An officer in charge moved to another team cannot open the case they
// still hold, so cannot contact its victim: what they owed her moves at
// once to the case's supervisor, as a leaver's does (it stayed with them,
// and escalated against someone who could do nothing about it).
func TestVictimDutiesOfAnOfficerMovedOutOfTheChainGoToTheSupervisor(t *testing.T) {
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
		if d := victimDuty(c, duty.FirstVictimContact, v); d == nil || d.Accountable != f.Investigator.ID() {
			t.Fatalf("first contact should be the officer in charge's: %+v", d)
		}
		org, err := f.Svc.Org(ctx, f.Admin)
		if err != nil {
			t.Fatal(err)
		}
		u := org.Users[f.Investigator.ID()]
		if _, err := f.Svc.ChangeUser(ctx, f.Admin, service.ChangeUser{User: u.ID, Version: u.Version,
			Rank: u.Rank, UnitID: f.TeamC, Roles: u.Roles}); err != nil {
			t.Fatal(err)
		}
		c, err = f.Svc.ViewCase(ctx, f.Supervisor, c.Ref, "")
		if err != nil {
			t.Fatal(err)
		}
		if d := victimDuty(c, duty.FirstVictimContact, v); d == nil || d.Accountable != f.Supervisor.ID() {
			t.Fatalf("first contact still owed by an officer moved off the team: %+v", d)
		}
	})
}
