package service_test

import (
	"context"
	"slices"
	"testing"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// A new user's email address is where security alerts go: one that cannot
// be an address is refused with the other reasons, and nothing is added
// (a tester's "notanemail" was stored and shown on the user's page).
func TestNewUserEmailMustBeAnAddress(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		f := fixture.New(t, db)
		add := func(username, email string) error {
			_, err := f.Svc.CreateUser(ctx, f.Admin, service.NewUser{Username: username, Name: "DC Eve East",
				Collar: "C" + username, Rank: domain.RankConstable, UnitID: f.TeamA,
				Roles: []domain.Role{domain.RoleInvestigator}, Password: fixture.Password, Email: email})
			return err
		}
		for _, bad := range []string{"notanemail", "eve@", "@example.com", "eve@localhost", "Eve <eve@example.com>",
			"eve@example.com, bob@example.com", " eve@example.com", "eve @example.com", "eve@[10.0.0.1]"} {
			before, _ := testdb.RecordEvents(ctx, db)
			err := add("eve", bad)
			if got := fieldRules(t, err); !slices.Contains(got, "email.format") {
				t.Errorf("email %q: refused by %v, want email.format among them", bad, got)
			}
			if after, _ := testdb.RecordEvents(ctx, db); after != before {
				t.Errorf("email %q: the refusal wrote %d events", bad, after-before)
			}
		}
		// Every reason at once: a bad email beside a short password.
		_, err := f.Svc.CreateUser(ctx, f.Admin, service.NewUser{Username: "eve", Name: "DC Eve East",
			Collar: "C1", Rank: domain.RankConstable, UnitID: f.TeamA,
			Roles: []domain.Role{domain.RoleInvestigator}, Password: "short", Email: "nope"})
		if got := fieldRules(t, err); !slices.Contains(got, "email.format") || !slices.Contains(got, "password.min_length") {
			t.Errorf("bad email and short password: refused by %v, want both", got)
		}
		for i, good := range []string{"", "eve.east@northshire.police.uk", "e+alerts@mail.example.org"} {
			if err := add("eve"+string(rune('a'+i)), good); err != nil {
				t.Errorf("email %q refused: %v", good, err)
			}
		}
	})
}

// fieldRules are a refusal's problems as field.rule.
func fieldRules(t *testing.T, err error) []string {
	t.Helper()
	p, ok := domain.AsProblems(err)
	if !ok {
		t.Fatalf("want a refusal listing problems, got %v", err)
	}
	var out []string
	for _, x := range p {
		out = append(out, x.Field+"."+x.Rule)
	}
	return out
}
