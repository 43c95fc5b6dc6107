package web_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestNewUserHintNamesEveryRoleThatWaits: the new-user page's hint on the
// roles that wait for a second administrator names every one the service
// makes wait, and no other. It was a copied list that left out the
// manager, whose grant waits too.
func TestNewUserHintNamesEveryRoleThatWaits(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		_, base := start(t, db)
		status, page := newClient(t, base, "admin").get("/admin/users/new")
		hint := regexp.MustCompile(`<div id="roles-hint" class="govuk-hint">([^<]*)</div>`).FindStringSubmatch(page)
		if status != 200 || hint == nil {
			t.Fatalf("the new-user page: %d, no roles hint", status)
		}
		for r, plural := range domain.RolePlurals {
			if named := strings.Contains(hint[1], plural); named != domain.IsPowerful(r) {
				t.Errorf("the hint %q names %s: %v, but a grant of it waits for a second administrator: %v",
					hint[1], plural, named, domain.IsPowerful(r))
			}
		}
	})
}
