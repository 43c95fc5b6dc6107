package web_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
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

// TestAdminUserPageNamesLockedAddresses: the administrator's page for a
// person lists each address locked out of their account now, as the
// security log recorded it (an IPv6 one with the /64 its lock holds for),
// since and until when, and says whether the account is locked from every
// address. (The page said only "locked from the addresses that failed".)
func TestAdminUserPageNamesLockedAddresses(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f, base := start(t, db)
		for _, addr := range []string{"198.51.100.60", "2001:db8:5:6::7"} {
			ctx := service.WithClient(context.Background(), service.Client{Address: addr, UserAgent: "guesser"})
			for range f.Svc.Policy().Auth.LockoutFailures {
				f.Svc.SignIn(ctx, "ivy", "not the password")
			}
		}
		lock, err := f.Svc.SignInLockOf(t.Context(), f.Admin, f.Investigator.ID())
		if err != nil || len(lock.Addresses) != 2 {
			t.Fatalf("ivy's lock: %+v %v, want two addresses", lock, err)
		}
		admin := newClient(t, base, "admin")
		_, page := admin.get("/admin/users/" + f.Investigator.ID())
		value := func(id string) string {
			if m := summaryValueRE(id).FindStringSubmatch(page); m != nil {
				return m[1]
			}
			return ""
		}
		if want := "after " + itoa(int64(lock.Failures)) + " failed sign-ins."; !strings.Contains(page, want) {
			t.Errorf("the warning does not say %q (the count was left out)", want)
		}
		if got := value("locked-everywhere"); got != "No" {
			t.Errorf("locked from every address reads %q, want No", got)
		}
		if got := value("locked-address-count"); got != "2 addresses, listed below" {
			t.Errorf("addresses locked out reads %q", got)
		}
		list := page[strings.Index(page, `id="locked-addresses"`):]
		list = list[:strings.Index(list, "</dl>")]
		for _, want := range []string{
			`<dt class="govuk-summary-list__key">198.51.100.60</dt>`,
			`2001:db8:5:6::7 <span class="govuk-hint govuk-!-margin-bottom-0">and the rest of its network 2001:db8:5:6::/64</span>`,
			"Locked out from " + clock.GovUK(lock.Addresses[0].Since) + " until " + clock.GovUK(lock.Addresses[0].Until),
			"Locked out from " + clock.GovUK(lock.Addresses[1].Since) + " until " + clock.GovUK(lock.Addresses[1].Until),
		} {
			if !strings.Contains(list, html.EscapeString(want)) && !strings.Contains(list, want) {
				t.Errorf("the locked addresses do not say %q:\n%s", want, list)
			}
		}
		// From every address: ten more addresses, two failures each.
		for i := range f.Svc.Policy().Auth.AccountFailures {
			ctx := service.WithClient(context.Background(), service.Client{Address: "203.0.113." + itoa(int64(i/2+1))})
			f.Svc.SignIn(ctx, "ivy", "not the password")
		}
		if lock, err = f.Svc.SignInLockOf(t.Context(), f.Admin, f.Investigator.ID()); err != nil || !lock.Everywhere {
			t.Fatalf("ivy's lock: %+v %v, want from every address", lock, err)
		}
		_, page = admin.get("/admin/users/" + f.Investigator.ID())
		if got, want := value("locked-everywhere"), "Yes, until "+clock.GovUK(lock.Until); got != want {
			t.Errorf("locked from every address reads %q, want %q", got, want)
		}
	})
}
