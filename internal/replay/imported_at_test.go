package replay_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/holdfast/holdfast/internal/casefile"
	"github.com/holdfast/holdfast/internal/fixture"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// TestOldImportedAtFilledOnOpen: a case imported before it kept when it
// was imported (commit 033ff47, migration 00056) has no imported_at in its
// document. Rebuild took it from the replay, so a force that upgraded
// would find every imported case "differs from its log", a false alarm.
// Opening the store fills it from the case's log, and the record then
// equals its replay.
func TestOldImportedAtFilledOnOpen(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		f := fixture.New(t, db)
		b, err := os.ReadFile("../casefile/testdata/example.jsonl")
		if err != nil {
			t.Fatal(err)
		}
		file, err := casefile.ReadJSONL(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := f.Svc.Import(ctx, service.SystemActor("import"), "legacy.jsonl", file, false)
		if err != nil || len(rep.Refs) == 0 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		row, err := db.CaseRowByRef(ctx, rep.Refs[0])
		if err != nil {
			t.Fatal(err)
		}
		id := row.ID
		live, err := db.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !live.Imported || live.ImportedAt.IsZero() {
			t.Fatalf("the imported case does not say when it was imported: %v %v", live.Imported, live.ImportedAt)
		}
		// The document as the old fold wrote it: imported, but not when.
		var doc map[string]any
		b, _ = json.Marshal(live)
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		delete(doc, "imported_at")
		b, _ = json.Marshal(doc)
		migrateOldShape(t, db, id, b, "DELETE FROM imported_at_built")
		after, err := db.Case(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if !after.ImportedAt.Equal(live.ImportedAt) {
			t.Errorf("when it was imported not restored: %v, want %v", after.ImportedAt, live.ImportedAt)
		}
	})
}
