package sqlstore_test

import (
	"database/sql"
	"testing"

	"github.com/holdfast/holdfast/internal/testdb"
)

// TestCaseUpdateTouchesNoIndex: on PostgreSQL a command's case update sets
// version, updated_at and doc, with the log head locked. If any index of
// cases holds one of them, the row cannot be updated in place (a HOT
// update) and every index of cases gains an entry: cases_by_id held version
// and updated_at until migration 00047.
func TestCaseUpdateTouchesNoIndex(t *testing.T) {
	dsn := testdb.PostgresSchema(t)
	testdb.OpenDSN(t, dsn) // migrated
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT i.relname, a.attname
		FROM pg_index x
		JOIN pg_class i ON i.oid = x.indexrelid
		JOIN pg_class c ON c.oid = x.indrelid
		JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY (x.indkey)
		WHERE c.relname = 'cases' AND c.relnamespace = current_schema()::regnamespace
		AND a.attname IN ('version', 'updated_at', 'doc')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var index, column string
		if err := rows.Scan(&index, &column); err != nil {
			t.Fatal(err)
		}
		t.Errorf("index %s of cases holds %s, which every command's update sets", index, column)
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var exprs sql.NullString
	if err := db.QueryRow(`SELECT string_agg(pg_get_indexdef(x.indexrelid), '; ')
		FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid
		WHERE c.relname = 'cases' AND c.relnamespace = current_schema()::regnamespace
		AND x.indexprs IS NOT NULL`).Scan(&exprs); err != nil {
		t.Fatal(err)
	}
	if exprs.Valid {
		t.Errorf("an index of cases on an expression may hold what a command sets: %s", exprs.String)
	}
}
