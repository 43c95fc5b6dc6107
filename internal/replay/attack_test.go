package replay_test

// Attacks on the projections: someone with write access to the database
// edits a table the service derives from the log, behind the service's
// back. Each must be named by replay.Compare (holdfast rebuild). Add a case
// here for every table or column the record grows.

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/replay"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

var ctx = context.Background()

// exec runs SQL written with ? placeholders on either engine.
func exec(t *testing.T, db *sqlstore.DB, q string, args ...any) {
	t.Helper()
	if db.Engine() == "postgres" {
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
		}
	}
	res, err := db.Raw().Exec(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatalf("%s changed nothing: the attack did not happen", q)
	}
}

func wantDiff(t *testing.T, db *sqlstore.DB, words ...string) {
	t.Helper()
	_, d, err := replay.Compare(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if d == nil {
		t.Fatalf("the tampering was not reported")
	}
	for _, w := range words {
		if !strings.Contains(d.String(), w) {
			t.Fatalf("report %q does not name %q", d, w)
		}
	}
}

func TestRebuildReportsTamperedProjections(t *testing.T) {
	attacks := []struct {
		name  string
		do    func(t *testing.T, db *sqlstore.DB, f *fixture.Force, caseID string)
		words []string
	}{
		{"a case's duties deleted", func(t *testing.T, db *sqlstore.DB, _ *fixture.Force, id string) {
			exec(t, db, "DELETE FROM duties WHERE case_id = ?", id)
		}, []string{"duties row", "missing from the live record"}},
		{"a duty's due time moved", func(t *testing.T, db *sqlstore.DB, _ *fixture.Force, id string) {
			exec(t, db, "UPDATE duties SET due_at = '2099-01-01T00:00:00.000000000Z' WHERE case_id = ?", id)
		}, []string{"duties row", "due_at", "2099"}},
		{"a closed duty erased from the duty history", func(t *testing.T, db *sqlstore.DB, _ *fixture.Force, id string) {
			exec(t, db, "DELETE FROM duty_history WHERE case_id = ?", id)
		}, []string{"duty_history row", "missing from the live record"}},
		{"a met duty recorded as waived", func(t *testing.T, db *sqlstore.DB, _ *fixture.Force, id string) {
			exec(t, db, "UPDATE duty_history SET status = 'waived' WHERE case_id = ?", id)
		}, []string{"duty_history row", "status", "waived"}},
		{"a case moved to another team", func(t *testing.T, db *sqlstore.DB, f *fixture.Force, id string) {
			exec(t, db, "UPDATE cases SET team_id = ? WHERE id = ?", f.TeamB, id)
		}, []string{"cases row", "team_id"}},
		{"a case's owner changed", func(t *testing.T, db *sqlstore.DB, f *fixture.Force, id string) {
			exec(t, db, "UPDATE cases SET owner_id = ? WHERE id = ?", f.Investigator2.ID(), id)
		}, []string{"cases row", "owner_id"}},
		{"a case marked closed", func(t *testing.T, db *sqlstore.DB, _ *fixture.Force, id string) {
			exec(t, db, "UPDATE cases SET status = 'closed' WHERE id = ?", id)
		}, []string{"cases row", "status"}},
		{"a flag deleted", func(t *testing.T, db *sqlstore.DB, _ *fixture.Force, id string) {
			exec(
				t,
				db,
				"INSERT INTO case_flags (case_id, kind, since, raised) VALUES (?, 'no_owner', '2026-03-02T09:00:00.000000000Z', 0)",
				id,
			)
		}, []string{"case_flags row", "not derived from the log"}},
		{"an inbox alert planted", func(t *testing.T, db *sqlstore.DB, f *fixture.Force, id string) {
			exec(
				t,
				db,
				"INSERT INTO inbox (seq, user_id, case_id, at, kind, text) VALUES (1, ?, ?, '2026-03-02T09:00:00.000000000Z', 'finding', 'x')",
				f.Investigator.ID(),
				id,
			)
		}, []string{"inbox row", "not derived from the log"}},
		{"a user renamed in its column", func(t *testing.T, db *sqlstore.DB, f *fixture.Force, _ string) {
			exec(t, db, "UPDATE users SET username = 'admin2' WHERE id = ?", f.Admin.ID())
		}, []string{"users row", "username"}},
		{"an import forgotten", func(t *testing.T, db *sqlstore.DB, _ *fixture.Force, _ string) {
			exec(t, db, "INSERT INTO imports (source_ref, case_id, hash, seq) VALUES ('OLD/1', 'x', 'y', 1)")
		}, []string{"imports row", "OLD/1"}},
		{"a suspect renamed in the index", func(t *testing.T, db *sqlstore.DB, _ *fixture.Force, id string) {
			exec(t, db, "UPDATE pole_people SET name = 'Someone Else' WHERE case_id = ? AND role = 'suspect'", id)
		}, []string{"pole_people row", "name", "Someone Else"}},
		{"a phone taken out of the index", func(t *testing.T, db *sqlstore.DB, _ *fixture.Force, id string) {
			exec(t, db, "DELETE FROM pole_keys WHERE case_id = ? AND kind = 'phone'", id)
		}, []string{"pole_keys row", "missing from the live record"}},
		{"a vehicle planted in the index", func(t *testing.T, db *sqlstore.DB, _ *fixture.Force, id string) {
			exec(t, db, "INSERT INTO pole_keys (kind, term, case_id, person_id, shown) VALUES ('vehicle', 'XY12ABC', ?, 'p', '')", id)
		}, []string{"pole_keys row", "not derived from the log"}},
		{"the cases fingerprint moved", func(t *testing.T, db *sqlstore.DB, _ *fixture.Force, _ string) {
			exec(t, db, "UPDATE log_head SET case_versions = case_versions + 1")
		}, []string{"log_head row", "case_versions"}},
	}
	testdb.Each(t, func(t *testing.T, engine *sqlstore.DB) {
		for _, a := range attacks {
			t.Run(a.name, func(t *testing.T) {
				db := testdb.Open(t, engine.Engine())
				f := fixture.New(t, db)
				c := f.Allocated(t)
				f.Clock.Advance(time.Hour)
				c, err := f.Svc.AddNote(ctx, f.Investigator, c.ID, service.NewNote{Version: c.Version,
					Text: "seen"})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.Svc.AddSuspect(ctx, f.Investigator, c.ID, service.NewSuspect{Version: c.Version,
					Name: "Adam Smith", DateOfBirth: "1980-01-02", Phone: "07700 900123"}); err != nil {
					t.Fatal(err)
				}
				if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
					t.Fatalf("before the attack: %v %v", d, err)
				}
				a.do(t, db, f, c.ID)
				wantDiff(t, db, a.words...)
			})
		}
	})
}

// Credentials are not in the log (they are secrets): the ledger seals their
// digests in it at each checkpoint, and rebuild names a credential that
// differs from its seal. A role is in the log, so a role granted in the
// users table is named as well.
func TestRebuildReportsTamperedCredentials(t *testing.T) {
	attacks := []struct {
		name  string
		do    func(t *testing.T, db *sqlstore.DB, f *fixture.Force)
		words []string
	}{
		{"a password hash swapped for a known one", func(t *testing.T, db *sqlstore.DB, f *fixture.Force) {
			// The attacker's own account, hashed afresh: the fixture's
			// users share one hash of one password, so copying one of
			// theirs to the administrator would change nothing.
			known := f.AddUser(t, service.NewUser{Username: "mallory", Name: "Mallory", Collar: "C6666",
				Rank: domain.RankConstable, UnitID: f.TeamA, Roles: []domain.Role{domain.RoleInvestigator},
				Password: "a password the attacker knows"})
			exec(
				t,
				db,
				"UPDATE credentials SET password_hash = (SELECT password_hash FROM credentials WHERE user_id = ?) "+
					"WHERE user_id = ?",
				known.ID(),
				f.Admin.ID(),
			)
		}, []string{"password", f0Admin, "changed outside the service"}},
		{"a password deleted", func(t *testing.T, db *sqlstore.DB, f *fixture.Force) {
			exec(t, db, "DELETE FROM credentials WHERE user_id = ?", f.Auditor.ID())
		}, []string{"password", "deleted outside the service"}},
		{"a password for a user the log never created", func(t *testing.T, db *sqlstore.DB, f *fixture.Force) {
			exec(t, db, "INSERT INTO credentials (user_id, password_hash) VALUES ('ghost', 'x')")
		}, []string{"password", "ghost", "no user the log created"}},
		{"an API token moved to the administrator", func(t *testing.T, db *sqlstore.DB, f *fixture.Force) {
			exec(t, db, "UPDATE api_tokens SET user_id = ?", f.Admin.ID())
		}, []string{"token", "changed outside the service"}},
		{"an administrator's role granted in the users table", func(t *testing.T, db *sqlstore.DB, f *fixture.Force) {
			exec(t, db, "UPDATE users SET doc = REPLACE(doc, '\"investigator\"', '\"administrator\"') WHERE id = ?",
				f.Investigator.ID())
		}, []string{"users row", "doc", "administrator"}},
	}
	testdb.Each(t, func(t *testing.T, engine *sqlstore.DB) {
		for _, a := range attacks {
			t.Run(a.name, func(t *testing.T) {
				db := testdb.Open(t, engine.Engine())
				f := fixture.New(t, db)
				if _, err := f.Svc.CreateToken(ctx, f.Investigator, "case system"); err != nil {
					t.Fatal(err)
				}
				if _, err := f.App.Ledger.Cut(ctx); err != nil {
					t.Fatal(err)
				}
				if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
					t.Fatalf("before the attack: %v %v", d, err)
				}
				a.do(t, db, f)
				words := append([]string(nil), a.words...)
				for i, w := range words {
					if w == f0Admin {
						words[i] = f.Admin.ID()
					}
				}
				wantDiff(t, db, words...)
			})
		}
	})
}

// f0Admin stands for the fixture administrator's id in a table of attacks
// written before the fixture exists.
const f0Admin = "<admin>"

// TestRebuildReportsCredentialsPlantedBeforeAnySeal (issue 16): the
// ledger sealed credentials only at a checkpoint, so one planted before
// the first seal — a token slipped into the table, a new user's password
// swapped — was sealed as if the service had issued it, and rebuild
// passed. The service now seals each credential where it issues it, so
// rebuild names a planted one with no checkpoint ever cut.
func TestRebuildReportsCredentialsPlantedBeforeAnySeal(t *testing.T) {
	attacks := []struct {
		name  string
		do    func(t *testing.T, db *sqlstore.DB, f *fixture.Force, newUser string)
		words []string
	}{
		{"a token planted for the administrator", func(t *testing.T, db *sqlstore.DB, f *fixture.Force, _ string) {
			exec(t, db, "INSERT INTO api_tokens (id, token_hash, user_id, name, scope, created_at, expires_at) "+
				"SELECT 'planted', ?, ?, 'planted', scope, created_at, expires_at FROM api_tokens LIMIT 1",
				[]byte("0123456789abcdef0123456789abcdef"), f.Admin.ID())
		}, []string{"token", "never sealed"}},
		{"a new user's password swapped", func(t *testing.T, db *sqlstore.DB, f *fixture.Force, newUser string) {
			exec(t, db, "UPDATE credentials SET password_hash = (SELECT password_hash FROM credentials "+
				"WHERE user_id = ?) WHERE user_id = ?", f.Investigator.ID(), newUser)
		}, []string{"password", "changed outside the service"}},
		{"a new user's role raised", func(t *testing.T, db *sqlstore.DB, f *fixture.Force, newUser string) {
			exec(t, db, "UPDATE users SET doc = REPLACE(doc, '\"investigator\"', '\"administrator\"') WHERE id = ?",
				newUser)
		}, []string{"users row", "administrator"}},
	}
	testdb.Each(t, func(t *testing.T, engine *sqlstore.DB) {
		for _, a := range attacks {
			t.Run(a.name, func(t *testing.T) {
				db := testdb.Open(t, engine.Engine())
				f := fixture.New(t, db)
				u, err := f.Svc.CreateUser(ctx, f.Admin, service.NewUser{Username: "newbie", Name: "DC New Bie",
					Collar: "N1", Rank: "constable", UnitID: f.TeamA, Roles: []domain.Role{"investigator"},
					Password: fixture.Password})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := f.Svc.CreateToken(ctx, f.Investigator, "case system"); err != nil {
					t.Fatal(err)
				}
				var cps int
				if err := db.Raw().QueryRow("SELECT COUNT(*) FROM checkpoints").Scan(&cps); err == nil && cps > 0 {
					t.Fatalf("%d checkpoints before the attack: it must come before any seal by the ledger", cps)
				}
				if _, d, err := replay.Compare(ctx, db); err != nil || d != nil {
					t.Fatalf("before the attack: %v %v", d, err)
				}
				a.do(t, db, f, u.ID)
				wantDiff(t, db, a.words...)
				// The ledger's own seal at the next checkpoint does not adopt it.
				if _, err := f.App.Ledger.Cut(ctx); err != nil {
					t.Fatal(err)
				}
				wantDiff(t, db, a.words...)
			})
		}
	})
}
