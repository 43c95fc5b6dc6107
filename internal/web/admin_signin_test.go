package web_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var summaryValueRE = func(id string) *regexp.Regexp {
	return regexp.MustCompile(`id="` + id + `">([^<]*)<`)
}

// TestAdminUserPageShowsSignIn: the administrator's page for a person says
// how they sign in — locked or not and until when, the failed sign-ins,
// the last sign-in, whether two-step sign-in is set up — and a locked
// account is unlocked from there, back to the same page. (Unlocking lived
// only on the password reset page, and the user page said nothing.)
func TestAdminUserPageShowsSignIn(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f, base := start(t, db)
		newClient(t, base, "ivy").get("/work") // a sign-in to show
		for range f.Svc.Policy().Auth.LockoutFailures {
			if _, err := f.Svc.SignIn(ctx, "ivy", "not the password"); err == nil {
				t.Fatal("a wrong password signed in")
			}
		}
		admin := newClient(t, base, "admin")
		path := "/admin/users/" + f.Investigator.ID()
		status, page := admin.get(path)
		if status != 200 {
			t.Fatalf("%s: %d", path, status)
		}
		value := func(page, id string) string {
			if m := summaryValueRE(id).FindStringSubmatch(page); m != nil {
				return m[1]
			}
			return ""
		}
		if got := value(page, "lock-state"); !strings.HasPrefix(got, "Locked until ") {
			t.Errorf("a locked account's sign-in reads %q", got)
		}
		if got := value(page, "failed-sign-ins"); !strings.HasPrefix(got, itoa(int64(f.Svc.Policy().Auth.LockoutFailures))+" ") {
			t.Errorf("the failed sign-ins read %q", got)
		}
		if got := value(page, "last-sign-in"); got == "" || got == "Never" {
			t.Errorf("ivy signed in, but the last sign-in reads %q", got)
		}
		if got := value(page, "two-step"); got != "Not set up" {
			t.Errorf("two-step sign-in reads %q", got)
		}
		if !strings.Contains(page, `action="/admin/users/`+f.Investigator.ID()+`/unlock"`) {
			t.Fatal("the locked account's page has no unlock button")
		}
		status, page = admin.post(path+"/unlock", url.Values{"csrf": {admin.csrf(page)}, "from": {"user"}})
		if status != 200 || !strings.Contains(page, "may sign in again") || value(page, "lock-state") != "Not locked" {
			t.Fatalf("unlock from the user page: %d, sign-in reads %q", status, value(page, "lock-state"))
		}
		if strings.Contains(page, "/unlock\"") {
			t.Error("an unlocked account is still offered an unlock")
		}
		if _, err := f.Svc.SignIn(ctx, "ivy", fixture.Password); err != nil {
			t.Errorf("ivy cannot sign in after the unlock: %v", err)
		}
		// Someone who never signed in.
		if _, page = admin.get("/admin/users/" + f.Investigator2.ID()); value(page, "last-sign-in") != "Never" {
			t.Errorf("ian's last sign-in reads %q", value(page, "last-sign-in"))
		}
	})
}
