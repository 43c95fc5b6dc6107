package sqlstore

// SetOverdueFew changes how many overdue cases CasePage finds by id, so a
// test reaches both ways with a few cases; the returned func restores it.
func SetOverdueFew(n int) func() {
	old := overdueFew
	overdueFew = n
	return func() { overdueFew = old }
}

// TermMatchesQuery is TermMatches' query and arguments, for EXPLAIN.
func (db *DB) TermMatchesQuery(kind string, terms, teamIDs []string, limit int) (string, []any) {
	return termMatchesQuery(db.d.name == EnginePostgres, kind, terms, teamIDs, limit)
}
