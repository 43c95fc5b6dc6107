package service_test

import (
	"context"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// Users given one password share its hash only under a context marked by
// ShareDemoPasswordHash (the demo generator's); anywhere else each user
// gets a hash of their own, salted afresh (issue 20).
func TestOnlyTheDemoSharesAPasswordHash(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		add := func(ctx context.Context, username, collar, pw string) string {
			t.Helper()
			u, err := f.Svc.CreateUser(ctx, f.Admin, service.NewUser{Username: username, Name: "DC " + username,
				Collar: collar, Rank: domain.RankConstable, UnitID: f.TeamA,
				Roles: []domain.Role{domain.RoleInvestigator}, Password: pw})
			if err != nil {
				t.Fatal(err)
			}
			h, err := db.PasswordHash(ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			return h
		}
		const pw = "one password for all"
		if a, b := add(ctx, "ann", "C9101", pw), add(ctx, "ben", "C9102", pw); a == b {
			t.Errorf("two users with one password got the same hash without the demo's marker: %s", a)
		}
		demo := service.ShareDemoPasswordHash(ctx)
		c, d := add(demo, "cat", "C9103", pw), add(demo, "dan", "C9104", pw)
		if c != d {
			t.Errorf("under the demo's marker one password got two hashes: %s and %s", c, d)
		}
		if e := add(demo, "eve", "C9105", "another password entirely"); e == c {
			t.Errorf("under the demo's marker two passwords got one hash: %s", e)
		}
		for _, u := range []string{"cat", "dan"} {
			if _, err := f.Svc.SignIn(ctx, u, pw); err != nil {
				t.Errorf("%s cannot sign in with the shared hash: %v", u, err)
			}
		}
	})
}
