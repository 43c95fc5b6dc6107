package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// An officer recorded by name alone ("Tom Baker", as the demo's are) is
// named by rank and name on the administrator's pages, as everywhere
// else: the unlock banner said "Tom Baker may sign in again", and the
// security log's people list read "DC Jo Johnson (Constable)" (a tester's
// walk of the admin's journey).
func TestAdminPagesNamePeopleByRank(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		tom := f.AddUser(t, service.NewUser{Username: "tom", Name: "Tom Baker", Collar: "C7001",
			Rank: domain.RankConstable, UnitID: f.TeamA, Roles: []domain.Role{domain.RoleInvestigator},
			Password: "tom's long enough password"})
		for range f.Svc.Policy().Auth.LockoutFailures {
			f.Svc.SignIn(ctx, "tom", "not the password")
		}
		admin := newClient(t, base, "admin")
		path := "/admin/users/" + tom.ID()
		_, page := admin.get(path)
		status, page := admin.post(path+"/unlock", url.Values{"csrf": {admin.csrf(page)}, "from": {"user"}})
		if status != 200 || !strings.Contains(page, "DC Tom Baker may sign in again") {
			t.Errorf("unlock: %d, the banner does not name DC Tom Baker", status)
		}
		if _, page := admin.get("/security-log"); !strings.Contains(page, ">DC Tom Baker<") ||
			strings.Contains(page, "(Constable)") {
			t.Errorf("the security log does not name people by rank and name alone")
		}
	})
}
