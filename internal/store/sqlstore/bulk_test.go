package sqlstore_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// indexSQL is every index SQLite holds, by name, with its SQL.
func indexSQL(t *testing.T, db *sqlstore.DB) map[string]string {
	t.Helper()
	rows, err := db.Raw().QueryContext(ctx, "SELECT name, COALESCE(sql, '') FROM sqlite_master WHERE type = 'index'")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, q string
		if err := rows.Scan(&name, &q); err != nil {
			t.Fatal(err)
		}
		out[name] = q
	}
	return out
}

// TestDeferIndexesPutsThemBack: an import's deferred indexes are the same
// after build as before, and a rolled-back import leaves them as they were.
func TestDeferIndexesPutsThemBack(t *testing.T) {
	db := testdb.Open(t, "sqlite")
	before := indexSQL(t, db)
	if before["pole_keys_key"] == "" || before["case_terms_term"] == "" {
		t.Fatalf("the deferred indexes are not in the schema: %v", before)
	}
	if err := db.Write(ctx, func(tx store.Tx) error {
		build, err := tx.DeferIndexes(10)
		if err != nil {
			return err
		}
		return build()
	}); err != nil {
		t.Fatal(err)
	}
	if after := indexSQL(t, db); len(after) != len(before) {
		t.Fatalf("indexes before %v, after %v", before, after)
	} else {
		for name, q := range before {
			if after[name] != q {
				t.Fatalf("index %s was %q, is %q", name, q, after[name])
			}
		}
	}
	// Without build they stay dropped: what the test above saw put back
	// was taken away.
	if err := db.Write(ctx, func(tx store.Tx) error {
		_, err := tx.DeferIndexes(10)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if after := indexSQL(t, db); after["pole_keys_key"] != "" || after["case_terms_term"] != "" {
		t.Fatalf("DeferIndexes dropped nothing: %v", after)
	}
	db = testdb.Open(t, "sqlite")
	failed := errors.New("the import failed")
	if err := db.Write(ctx, func(tx store.Tx) error {
		if _, err := tx.DeferIndexes(10); err != nil {
			return err
		}
		return failed
	}); !errors.Is(err, failed) {
		t.Fatal(err)
	}
	if after := indexSQL(t, db); after["pole_keys_key"] != before["pole_keys_key"] ||
		after["case_terms_term"] != before["case_terms_term"] {
		t.Fatalf("a rolled-back import lost its deferred indexes: %v", after)
	}
}

// TestPoleKeysStayUnique: migration 00040 made pole_keys' key an index of
// its own; a key given twice is still refused.
func TestPoleKeysStayUnique(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		const q = "INSERT INTO pole_keys (kind, term, case_id, person_id) VALUES ('phone', '+447700900001', 'c1', 'p1')"
		if _, err := db.Raw().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Raw().ExecContext(ctx, q); err == nil {
			t.Fatal("the same key went into pole_keys twice")
		}
	})
}

// TestImportedCasesIsImportedCase: looking many references up at once
// finds what looking each up finds, over more than one query's worth.
func TestImportedCasesIsImportedCase(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		const n = 5 * 1203 // someEvents imports every fifth: 1,203 cases
		if err := db.Write(ctx, func(tx store.Tx) error { return tx.AppendBatch(someEvents(t, n)) }); err != nil {
			t.Fatal(err)
		}
		err := db.Write(ctx, func(tx store.Tx) error {
			var refs []string
			for i := 4; i < n; i += 5 {
				refs = append(refs, fmt.Sprintf("SRC/case-%d", i/5), fmt.Sprintf("NOT/case-%d", i/5))
			}
			got, err := tx.ImportedCases(refs)
			if err != nil {
				return err
			}
			if len(got) != n/5 {
				return fmt.Errorf("found %d cases imported before, want %d", len(got), n/5)
			}
			for _, ref := range refs {
				id, h, err := tx.ImportedCase(ref)
				if errors.Is(err, store.ErrNotFound) {
					if _, ok := got[ref]; ok {
						return fmt.Errorf("%s found in bulk, not alone", ref)
					}
					continue
				}
				if err != nil {
					return err
				}
				if got[ref] != (store.Imported{CaseID: id, Hash: h}) {
					return fmt.Errorf("%s: %+v in bulk, %q %q alone", ref, got[ref], id, h)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
