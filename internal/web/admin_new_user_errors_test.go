package web_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestNewUserErrorsNameTheirFieldsInPageOrder: the new-user form's errors
// did not name the field they belonged to, and the error summary ran in
// the service's order (username before the name above it). Each reason
// now names its field, links to it and stands beside it, the summary runs
// in the order of the page, and the form keeps what was typed (but the
// password).
func TestNewUserErrorsNameTheirFieldsInPageOrder(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		admin := newClient(t, base, "admin")
		_, form := admin.get("/admin/users/new")
		status, page := admin.post("/admin/users", url.Values{"csrf": {admin.csrf(form)}, "name": {" "},
			"username": {"Amy Lloyd"}, "collar": {""}, "email": {"amy@example.org"}, "rank": {"sergeant"},
			"unit_id": {"no-such-unit"}, "password": {"short"}})
		if status != 422 {
			t.Fatalf("a new user with every field wrong: %d, want 422", status)
		}
		want := []string{
			"name: Enter the person's full name.",
			"username: Enter a username of 2 to 64 lower-case letters, digits, dots, dashes or underscores, " +
				"for example amy.lloyd.",
			"collar: Enter the collar or staff number.",
			"unit_id: There is no such unit: choose the person's unit from the list.",
			"roles: Choose at least one role.",
			"password: Enter a first password of at least 12 characters.",
		}
		got := summaryEntries(t, page)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("the error summary lists\n%s\nwant, in the order of the page,\n%s",
				strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		summaryLinksLand(t, page)
		for _, w := range want {
			field, msg, _ := strings.Cut(w, ": ")
			if !besideField(page, field, msg) {
				t.Errorf("%q is not beside its field %s", msg, field)
			}
			if !strings.Contains(page, `id="f-`+field+`"`) {
				t.Errorf("the summary links to #f-%s, which is not on the page", field)
			}
		}
		for _, kept := range []string{`id="f-username" name="username" type="text" value="Amy Lloyd"`,
			`id="f-email" name="email" type="email" value="amy@example.org"`, `<option value="sergeant" selected>`} {
			if !strings.Contains(page, kept) {
				t.Errorf("the form lost what was typed: no %s", kept)
			}
		}
		if strings.Contains(page, `value="short"`) {
			t.Error("the form sent the password back")
		}

		// A reason common to every text field ("This is ... long") names
		// the field it is about once it leaves the field's side.
		status, page = admin.post("/admin/users", url.Values{"csrf": {admin.csrf(form)},
			"name": {strings.Repeat("A", 201)}, "username": {"amy.lloyd"}, "collar": {"C1"}, "rank": {"sergeant"},
			"roles": {"investigator"}, "password": {"a long first password"}})
		if got := summaryEntries(t, page); status != 422 || len(got) != 1 ||
			got[0] != "name: The full name is 201 characters long: it must be 200 or fewer." {
			t.Errorf("a name too long: %d %q", status, got)
		}
	})
}
