package app_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/app"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/offence"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestForceOffencesAndUpgrade: a force's classification file adds its
// codes and spellings for every command; the upgrade at start maps a
// text only the force's file knows, and logs the one nobody knows; a bad
// file stops the app with its line.
func TestForceOffencesAndUpgrade(t *testing.T) {
	defer offence.Use(nil)
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "offences.yaml")
	if err := os.WriteFile(file, []byte(`source: "Northshire local codes"
offences:
  - {code: "L-OCE", title: "Local: online child exploitation", group: exploitation, child: true, legislation: ["SOA 2003 s.15A"]}
mappings:
  - {text: "OCE", code: "L-OCE"}
  - {text: "old rape u13", code: "19E"}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	db := testdb.Open(t, "sqlite")
	f := fixture.New(t, db, func(c *app.Config) { c.OffencesFile = file })
	c, err := f.Svc.OpenReferral(ctx, f.Investigator, service.NewReferral{TeamID: f.TeamA, Summary: "s",
		OffenceTypes: []string{"oce"}})
	if err != nil || strings.Join(c.OffenceTypes, ",") != "L-OCE" {
		t.Fatalf("a force's spelling: %v %v", c, err)
	}
	old := legacyCase(t, db, f.TeamA, "old rape u13", "nobody knows this")
	var logs syncBuffer
	hf, err := app.New(db, app.Config{Clock: f.Clock, OffencesFile: file})
	if err != nil {
		t.Fatal(err)
	}
	if err := hf.Upgrade(ctx, slog.New(slog.NewTextHandler(&logs, nil))); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Case(ctx, old.ID)
	if strings.Join(got.OffenceTypes, ",") != "19E,nobody knows this" {
		t.Fatalf("upgraded offences %v", got.OffenceTypes)
	}
	if !strings.Contains(logs.String(), `text="nobody knows this"`) || !strings.Contains(logs.String(), old.Ref) {
		t.Errorf("the unmapped text is not reported: %s", logs.String())
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("offences:\n  - {code: \"19E\", title: \"Ours\", group: rape}\n"), 0o600)
	if _, err := app.New(db, app.Config{OffencesFile: bad}); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("a bad file: %v", err)
	}
}

// legacyCase writes a case as Holdfast recorded it before offences were
// classified, straight to the log: the service would map its texts.
func legacyCase(t *testing.T, db *sqlstore.DB, team string, offences ...string) *domain.Case {
	t.Helper()
	var c *domain.Case
	err := db.Write(context.Background(), func(tx store.Tx) error {
		e, err := domain.NewEvent(domain.EvCaseOpened, "system:legacy", "legacy-case", fixture.Start,
			domain.CaseOpened{ID: "legacy-case", Ref: "CSE/2019/000001", TeamID: team, OffenceTypes: offences,
				Summary: "recorded before classification", Marking: "OFFICIAL-SENSITIVE"})
		if err != nil {
			return err
		}
		if c, err = domain.ApplyCase(nil, e); err != nil {
			return err
		}
		e.CaseID, e.CaseVersion = c.ID, c.Version
		if err := tx.Append(e); err != nil {
			return err
		}
		return tx.PutCase(c, 0)
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
