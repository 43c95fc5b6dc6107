package service_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// What CreateUnit and CreateUser answer is the record as the organisation
// then shows it: the API used to answer "created": "0001-01-01T00:00:00Z"
// while GET /org showed the real time (issue 23).
func TestCreatedUnitAndUserAreAnsweredAsRecorded(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		unit, err := f.Svc.CreateUnit(ctx, f.Admin, service.NewUnit{Name: "  CSE Team East ", Kind: domain.UnitTeam,
			ParentID: f.DeptID})
		if err != nil {
			t.Fatal(err)
		}
		user, err := f.Svc.CreateUser(ctx, f.Admin, service.NewUser{Username: "eve", Name: "DC Eve East ",
			Collar: "C9001", Rank: domain.RankConstable, UnitID: unit.ID, Roles: []domain.Role{domain.RoleInvestigator},
			Password: fixture.Password})
		if err != nil {
			t.Fatal(err)
		}
		org, err := f.Svc.Org(ctx, f.Admin)
		if err != nil {
			t.Fatal(err)
		}
		if unit.Created.IsZero() || !reflect.DeepEqual(unit, org.Units[unit.ID]) {
			t.Errorf("CreateUnit answered %+v; the record holds %+v", unit, org.Units[unit.ID])
		}
		if user.Created.IsZero() || !reflect.DeepEqual(user, org.Users[user.ID]) {
			t.Errorf("CreateUser answered %+v; the record holds %+v", user, org.Users[user.ID])
		}
	})
}
