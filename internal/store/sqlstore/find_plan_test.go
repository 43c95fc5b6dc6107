package sqlstore_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"github.com/holdfast/holdfast/internal/testdb"
)

// planCases is how many cases the plan test's record holds: enough that
// a planner with statistics would rather scan than seek a poor index.
// At 1,000,000 (16 cases a full name) the plans were the same on SQLite
// and, on PostgreSQL, a seek of each pair (termMatchesQuery).
const planCases = 20000

// TestNameSearchSeeksTheIndex: a search for a full name — the pairs of
// every spelling of its first and last words, 41 × 41 of them at most
// (service.NameVariantsMost) — seeks the find index (kind, term) once a
// pair and reads no table from end to end, on either engine, whether
// or not it is kept to the searcher's teams. Words alone, as before.
func TestNameSearchSeeksTheIndex(t *testing.T) {
	testdb.Each(t, func(t *testing.T, db *sqlstore.DB) {
		gen := "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d) "
		if db.Engine() == "postgres" {
			gen = "WITH n(i) AS (SELECT generate_series(1, %d)) "
		}
		gen = fmt.Sprintf(gen, planCases)
		execAll(
			"INSERT INTO cases (id, ref, team_id, status, version, updated_at, doc) "+gen+
				"SELECT 'x' || i, 'X/' || i, 'team' || (i % 40), 'open', 1, '', '{}' FROM n",
			"INSERT INTO case_terms (case_id, kind, term) "+gen+"SELECT 'x' || i, 'name', 'n' || (i % 7000) FROM n",
			"INSERT INTO case_terms (case_id, kind, term) "+gen+"SELECT 'x' || i, 'name', 'm' || (i % 9000) FROM n",
			"INSERT INTO case_terms (case_id, kind, term) "+gen+
				"SELECT 'x' || i, '"+store.TermPair+"', 'm' || (i % 9000) || ' n' || (i % 7000) FROM n",
			"ANALYZE",
		)(t, db)
		var pairs []string
		for a := range 41 {
			for b := range 41 {
				pairs = append(pairs, fmt.Sprintf("m%d n%d", a*7, b*11))
			}
		}
		teams := []string{"team1", "team2", "team3"}
		for _, c := range []struct {
			name, kind   string
			terms, teams []string
		}{
			{"pairs, any team", store.TermPair, pairs, nil},
			{"pairs, three teams", store.TermPair, pairs, teams},
			{"a word, three teams", store.TermName, []string{"n42"}, teams},
		} {
			q, args := db.TermMatchesQuery(c.kind, c.terms, c.teams, 2000)
			q = raw(db, "EXPLAIN "+q)
			if db.Engine() == "sqlite" {
				q = "EXPLAIN QUERY PLAN" + strings.TrimPrefix(q, "EXPLAIN")
			}
			plan := explain(t, db, q, args...)
			// PostgreSQL may read the pairs' index entries by kind alone
			// (a bitmap) while the record is this small; at a million
			// it seeks each pair (docs/benchmarks.md). Either way it
			// reads no table from end to end, nor the teams' cases.
			if !strings.Contains(plan, "case_terms_term") || strings.Contains(plan, "Seq Scan") ||
				strings.Contains(plan, "case_terms_pkey") || strings.Contains(plan, "cases_team") ||
				regexp.MustCompile(`(?m)^\s*SCAN [tc]\b`).MatchString(plan) {
				t.Errorf("%s: the search reads more than the index's entries of its terms:\n%s", c.name, plan)
			}
			if testing.Verbose() {
				t.Logf("%s:\n%s", c.name, regexp.MustCompile(`\{[^}]{200,}\}`).ReplaceAllString(plan, "{…}"))
			}
		}
	})
}

// explain is the plan q reports, a line a row (SQLite's last column).
func explain(t *testing.T, db *sqlstore.DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.Raw().Query(q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, fmt.Sprint(vals[len(vals)-1]))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
