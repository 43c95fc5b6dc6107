package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/holdfast/holdfast/internal/store"
)

// deferredIndexes are the SQLite indexes an import fills in no order: keyed
// by a person's name or a search term, each row lands on a page at random.
// With far more such pages than SQLite's page cache holds, nearly every row
// evicts a dirty page, which is written to the write-ahead log, read back
// for a later row and written again: at 100,000 cases this was most of
// what an import wrote (docs/benchmarks.md). Every other index of the
// tables an import fills is keyed by case, sequence or date, which an
// import writes in order.
var deferredIndexes = []string{"pole_keys_key", "case_terms_term"}

// DeferIndexes drops deferredIndexes when the cases to come are at least as
// many as the record holds (building an index again reads its whole
// table, which for a small import into a large record costs more than it
// saves), and build creates them again from their own SQL: SQLite sorts
// the rows and writes each page once. On PostgreSQL it does nothing:
// dropping an index there would lock its table against every reader until
// the import commits.
func (x *tx) DeferIndexes(cases int) (func() error, error) {
	nothing := func() error { return nil }
	if x.d.name != EngineSQLite || cases <= 0 {
		return nothing, nil
	}
	var held int
	if err := x.t.QueryRowContext(x.ctx, "SELECT COUNT(*) FROM cases").Scan(&held); err != nil {
		return nil, fmt.Errorf("count cases: %w", err)
	}
	if cases < held {
		return nothing, nil
	}
	var create []string
	for _, name := range deferredIndexes {
		var q string
		err := x.t.QueryRowContext(x.ctx, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", name).Scan(&q)
		if errors.Is(err, sql.ErrNoRows) {
			continue // not in this schema: nothing to defer
		}
		if err != nil {
			return nil, fmt.Errorf("defer index %s: %w", name, err)
		}
		if _, err := x.t.ExecContext(x.ctx, `DROP INDEX "`+name+`"`); err != nil {
			return nil, fmt.Errorf("defer index %s: %w", name, err)
		}
		create = append(create, q)
	}
	built := false
	return func() error {
		if built {
			return nil
		}
		built = true
		for _, q := range create {
			if _, err := x.t.ExecContext(x.ctx, q); err != nil {
				return fmt.Errorf("build index again (%.60s…): %w", q, err)
			}
		}
		return nil
	}, nil
}

// importedPer is how many references ImportedCases asks for in a query.
const importedPer = 500

// ImportedCases looks refs up importedPer at a time: an import asks for
// every case in its file, and on PostgreSQL a query for each was a round
// trip each, seconds of a large import's time.
func (x *tx) ImportedCases(refs []string) (map[string]store.Imported, error) {
	out := map[string]store.Imported{}
	args := make([]any, 0, importedPer)
	for len(refs) > 0 {
		n := min(len(refs), importedPer)
		st, err := x.prepared(bulkKey{"imports in", n}, func() string {
			return "SELECT source_ref, case_id, hash FROM imports WHERE source_ref IN (" +
				strings.Repeat("?, ", n-1) + "?)"
		})
		if err != nil {
			return nil, err
		}
		args = args[:0]
		for _, r := range refs[:n] {
			args = append(args, r)
		}
		refs = refs[n:]
		rows, err := st.QueryContext(x.ctx, args...)
		if err != nil {
			return nil, fmt.Errorf("cases imported before: %w", err)
		}
		for rows.Next() {
			var ref string
			var im store.Imported
			if err := rows.Scan(&ref, &im.CaseID, &im.Hash); err != nil {
				rows.Close()
				return nil, fmt.Errorf("cases imported before: %w", err)
			}
			out[ref] = im
		}
		err = rows.Err()
		if cerr := rows.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, fmt.Errorf("cases imported before: %w", err)
		}
	}
	return out, nil
}
