package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// Finding cases (search, the links page, the case list), the inbox with
// what its reader did, and the index of reads: migration 00007.

const (
	selectTermDigest = "SELECT term FROM case_terms WHERE case_id = ? AND kind = '#'"
	deleteTerms      = "DELETE FROM case_terms WHERE case_id = ?"
	termColumns      = "case_terms (case_id, kind, term, label, shown)"
	insertTerm       = "INSERT INTO " + termColumns + " VALUES (?, ?, ?, ?, ?)"
)

// indexCase rewrites c's find-index rows if they changed (one indexed read
// when they did not, which is nearly every command). The digest is the one
// remembered for the same people when there is one (store.KnownTermDigest):
// the rows are built only when they are to be written.
func (x *tx) indexCase(c *domain.Case, isNew bool) error {
	if x.db.deferred.Load() { // built once at the end (deferred.go)
		return nil
	}
	var rows [][]string
	if !isNew {
		digest, known := store.KnownTermDigest(c)
		if !known {
			rows = store.CaseTerms(c)
			digest = rows[len(rows)-1][2]
		}
		var old string
		err := x.queryRow(selectTermDigest, c.ID).Scan(&old)
		switch {
		case err == nil && old == digest:
			return nil
		case err != nil && err != sql.ErrNoRows:
			return fmt.Errorf("find index of %s: %w", c.Ref, err)
		}
		if _, err := x.exec(deleteTerms, c.ID); err != nil {
			return fmt.Errorf("find index of %s: %w", c.Ref, err)
		}
	}
	if rows == nil {
		rows = store.CaseTerms(c)
	}
	args := make([]any, 0, 5*len(rows))
	for _, r := range rows {
		args = append(args, r[0], r[1], r[2], r[3], r[4])
	}
	if err := x.insertRows(termColumns, 5, args); err != nil {
		return fmt.Errorf("find index of %s: %w", c.Ref, err)
	}
	return nil
}

// indexNewCases writes the find-index rows of cases new to the record.
func (x *tx) indexNewCases(cs []*domain.Case) error {
	if x.db.deferred.Load() { // built once at the end (deferred.go)
		return nil
	}
	var rows [][]string
	for _, c := range cs {
		rows = append(rows, store.CaseTerms(c)...)
	}
	return x.insertTerms(rows)
}

// insertTerms writes find-index rows (store.CaseTerms).
func (x *tx) insertTerms(rows [][]string) error {
	if x.db.deferred.Load() { // built once at the end (deferred.go)
		return nil
	}
	args := make([]any, 0, 5*len(rows))
	for _, r := range rows {
		args = append(args, r[0], r[1], r[2], r[3], r[4])
	}
	if err := x.insertRows(termColumns, 5, args); err != nil {
		return fmt.Errorf("find index: %w", err)
	}
	return nil
}

// docsOutsideTerms selects the cases the find index has no digest row of
// in its present shape (store.TermsShape): those written before migration
// 00007, and those indexed before 00052 gave it the name pairs. Each is
// one look-up of the primary key (case_id, kind, term).
const docsOutsideTerms = "SELECT c.id, c.doc FROM cases c WHERE c.id > ? AND NOT EXISTS " +
	"(SELECT 1 FROM case_terms t WHERE t.case_id = c.id AND t.kind = '" + store.TermDigest +
	"' AND t.term LIKE '" + store.TermsShape + "%') ORDER BY c.id LIMIT ?"

// buildTerms fills case_terms, once, for the cases written before
// migration 00007 and indexes again those indexed before 00052 (which
// cleared the marker), a chunk of cases a transaction (buildIndex): it
// runs after the migrations, inside their lock. A case's old rows go with
// its chunk (buildIndex clears them), so a build stopped part way leaves
// each case in one shape or the other and resumes at the first old one.
func (db *DB) buildTerms(ctx context.Context) error {
	if err := db.buildIndex(ctx, "case_terms_built", docsOutsideTerms, []string{"case_terms"},
		(*tx).indexNewCases); err != nil {
		return fmt.Errorf("find index: %w", err)
	}
	return nil
}

// readRows are the case_reads rows (seq, case_id, user_id, at, how) a
// read event projects to; none for any other event.
func readRows(e *event.Event) ([][]any, error) {
	switch e.Type {
	case domain.EvCaseViewed:
		return [][]any{{e.Seq, e.CaseID, e.Actor, fmtTime(e.At), "case"}}, nil
	case domain.EvRecordsRead:
		var p domain.RecordsRead
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return nil, fmt.Errorf("event %d: %w", e.Seq, err)
		}
		seen := map[string]bool{}
		var out [][]any
		for _, id := range p.Cases {
			if id == "" || seen[id] {
				continue
			}
			seen[id] = true
			out = append(out, []any{e.Seq, id, e.Actor, fmtTime(e.At), p.View})
		}
		return out, nil
	}
	return nil, nil
}

// markRows are the inbox_marks rows (user_id, seq, state, at) an alert
// event projects to.
func markRows(e *event.Event) ([][]any, error) {
	var state string
	switch e.Type {
	case domain.EvAlertAcknowledged:
		state = "acknowledged"
	case domain.EvAlertDone:
		state = "done"
	default:
		return nil, nil
	}
	var p domain.AlertMarked
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return nil, fmt.Errorf("event %d: %w", e.Seq, err)
	}
	out := make([][]any, 0, len(p.Seqs))
	for _, s := range p.Seqs {
		out = append(out, []any{e.Actor, s, state, fmtTime(e.At)})
	}
	return out, nil
}

const (
	readColumns = "case_reads (seq, case_id, user_id, at, how)"
	insertRead  = "INSERT INTO " + readColumns + " VALUES (?, ?, ?, ?, ?)"
	upsertMark  = `INSERT INTO inbox_marks (user_id, seq, state, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, seq) DO UPDATE SET state = excluded.state, at = excluded.at
		WHERE inbox_marks.state <> 'done'`
)

// projectFind writes what e adds to case_reads and inbox_marks.
func (x *tx) projectFind(e *event.Event) error {
	if e.Type != domain.EvCaseViewed && e.CaseID != "" {
		return nil // the cheap answer for nearly every event
	}
	reads, err := readRows(e)
	if err != nil {
		return err
	}
	if len(reads) == 1 {
		if _, err := x.exec(insertRead, reads[0]...); err != nil {
			return fmt.Errorf("read index for event %d: %w", e.Seq, err)
		}
	} else if len(reads) > 1 { // a list: many rows to a statement
		args := make([]any, 0, 5*len(reads))
		for _, r := range reads {
			args = append(args, r...)
		}
		if err := x.insertRows(readColumns, 5, args); err != nil {
			return fmt.Errorf("read index for event %d: %w", e.Seq, err)
		}
	}
	marks, err := markRows(e)
	if err != nil {
		return err
	}
	for _, r := range marks {
		if _, err := x.exec(upsertMark, r...); err != nil {
			return fmt.Errorf("inbox for event %d: %w", e.Seq, err)
		}
	}
	return nil
}

// addFind adds what e projects to case_reads and inbox_marks to d, as
// projectFind writes it (a later "done" is never undone).
func (d Derived) addFind(e *event.Event) error {
	reads, err := readRows(e)
	if err != nil {
		return err
	}
	for _, r := range reads {
		t := texts(r...)
		d["case_reads"][t[0]+" "+t[1]] = t
	}
	marks, err := markRows(e)
	if err != nil {
		return err
	}
	for _, r := range marks {
		t := texts(r...)
		k := t[0] + " " + t[1]
		if old, ok := d["inbox_marks"][k]; ok && old[2] == "done" {
			continue
		}
		d["inbox_marks"][k] = t
	}
	return nil
}

// addTerms adds c's find-index rows to d.
func (d Derived) addTerms(c *domain.Case) {
	for _, r := range store.CaseTerms(c) {
		d["case_terms"][r[0]+" "+r[1]+" "+r[2]] = r
	}
}

// TermMatches lists index entries of kind matching one of terms.
func (db *DB) TermMatches(ctx context.Context, kind string, terms, teamIDs []string, limit int) ([]store.TermMatch, error) {
	if len(terms) == 0 || teamIDs != nil && len(teamIDs) == 0 {
		return nil, nil
	}
	if err := db.kept("search"); err != nil {
		return nil, err
	}
	q, args := termMatchesQuery(db.d.name == EnginePostgres, kind, terms, teamIDs, limit)
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var out []store.TermMatch
	for rows.Next() {
		var m store.TermMatch
		if err := rows.Scan(&m.CaseID, &m.Kind, &m.Term, &m.Label, &m.Shown); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// termMatchesQuery is TermMatches' query and its arguments.
//
// Words are found as they always were: the terms first, then their cases
// (CROSS JOIN keeps that order on SQLite; PostgreSQL plans it as the join
// it is): driven from the team's cases instead, a search read every case
// of the team, 160 ms a search at 100,000 cases (holdfast bench --scale,
// issue 20).
//
// Name pairs (store.TermPair) are a full name in up to 41 × 41 spellings,
// each pair on few cases, and the query must seek them whatever the
// planner guesses. On PostgreSQL at a million cases, guessing some 40,000
// rows for 1,681 pairs (16 cases a full name), it walked the primary key
// backwards through every pair of the record for the newest (1.5 s when
// fewer than the limit matched, 63 here), or hashed every case of the
// searcher's teams (75,000 read for 63 pairs found). So for pairs the order is of an expression no
// index holds, which leaves the index of terms as the only way in, and on
// PostgreSQL each case found is looked up by id (LATERAL ... OFFSET 0, a
// join it cannot turn round): 63 index entries and 63 cases read.
// SQLite plans both so already.
func termMatchesQuery(pg bool, kind string, terms, teamIDs []string, limit int) (string, []any) {
	q := "SELECT t.case_id, t.kind, t.term, t.label, t.shown FROM case_terms t"
	where := " WHERE t.kind = ? AND t.term IN (" + placeholders(len(terms)) + ")"
	args := append([]any{kind}, anys(terms)...)
	order := " ORDER BY t.case_id DESC LIMIT ?"
	pairs := kind == store.TermPair
	if pairs {
		order = " ORDER BY t.case_id || '' DESC LIMIT ?"
	}
	switch {
	case teamIDs == nil:
	case pairs && pg:
		q += " CROSS JOIN LATERAL (SELECT 1 FROM cases c WHERE c.id = t.case_id AND c.team_id IN (" +
			placeholders(len(teamIDs)) + ") OFFSET 0) c"
		args = append(anys(teamIDs), args...)
	default:
		q += " CROSS JOIN cases c"
		where += " AND c.id = t.case_id AND c.team_id IN (" + placeholders(len(teamIDs)) + ")"
		args = append(args, anys(teamIDs)...)
	}
	return q + where + order, append(args, limit)
}

// DistinctTerms lists every term of kind in the find index, once each, in
// order: the name words that search's spelling variants are drawn from.
func (db *DB) DistinctTerms(ctx context.Context, kind string) ([]string, error) {
	if err := db.kept("search"); err != nil {
		return nil, err
	}
	rows, err := db.query(ctx, "SELECT DISTINCT term FROM case_terms WHERE kind = ? ORDER BY term", kind)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// linkRank orders groups of equal size and openness by kind, as the links
// page always has: phone, vehicle, address, then name and date of birth.
const linkRank = `CASE WHEN t.term LIKE 'phone:%' THEN 0 WHEN t.term LIKE 'vehicle:%' THEN 1
	WHEN t.term LIKE 'address:%' THEN 2 ELSE 3 END`

// LinkGroups pages the shared identifiers.
func (db *DB) LinkGroups(ctx context.Context, f store.LinkFilter) ([]store.LinkGroupRow, int, error) {
	if f.TeamIDs != nil && len(f.TeamIDs) == 0 {
		return nil, 0, nil
	}
	if err := db.kept("links"); err != nil {
		return nil, 0, err
	}
	where := "t.kind = 'link'"
	var args []any
	if f.TeamIDs != nil {
		where += " AND c.team_id IN (" + placeholders(len(f.TeamIDs)) + ")"
		args = append(args, anys(f.TeamIDs)...)
	}
	if f.Kind != "" {
		where += " AND t.term LIKE ?"
		args = append(args, f.Kind+"%")
	}
	if f.Term != "" {
		where += " AND t.term = ?"
		args = append(args, f.Term)
	}
	if f.CaseID != "" {
		where += " AND t.term IN (SELECT term FROM case_terms WHERE case_id = ? AND kind = 'link')"
		args = append(args, f.CaseID)
	}
	grouped := `SELECT t.term AS term, COUNT(*) AS n,
		SUM(CASE WHEN c.status <> 'closed' THEN 1 ELSE 0 END) AS open, ` + linkRank + ` AS rank
		FROM case_terms t JOIN cases c ON c.id = t.case_id WHERE ` + where + `
		GROUP BY t.term HAVING COUNT(*) > 1`
	var total int
	page := ""
	if f.Limit > 0 {
		if err := db.row(ctx, "SELECT COUNT(*) FROM ("+grouped+") g", args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("links: %w", err)
		}
		page = " LIMIT ? OFFSET ?"
		args = append(args, f.Limit, f.Offset)
	}
	rows, err := db.query(ctx, "SELECT term, n, open FROM ("+grouped+") g ORDER BY n DESC, open DESC, rank, term"+page,
		args...)
	if err != nil {
		return nil, 0, fmt.Errorf("links: %w", err)
	}
	defer rows.Close()
	var out []store.LinkGroupRow
	for rows.Next() {
		var g store.LinkGroupRow
		if err := rows.Scan(&g.Key, &g.Cases, &g.Open); err != nil {
			return nil, 0, err
		}
		out = append(out, g)
	}
	if f.Limit <= 0 {
		total = len(out)
	}
	return out, total, rows.Err()
}

// LinkMembers lists the cases bearing each of keys.
func (db *DB) LinkMembers(ctx context.Context, keys, teamIDs []string) ([]store.LinkMemberRow, error) {
	if len(keys) == 0 || teamIDs != nil && len(teamIDs) == 0 {
		return nil, nil
	}
	if err := db.kept("links"); err != nil {
		return nil, err
	}
	q := `SELECT t.term, t.label, t.shown, c.id, c.ref, c.team_id, c.owner_id, c.status, c.version, c.updated_at
		FROM case_terms t JOIN cases c ON c.id = t.case_id
		WHERE t.kind = 'link' AND t.term IN (` + placeholders(len(keys)) + ")"
	args := anys(keys)
	if teamIDs != nil {
		q += " AND c.team_id IN (" + placeholders(len(teamIDs)) + ")"
		args = append(args, anys(teamIDs)...)
	}
	rows, err := db.query(ctx, q+" ORDER BY t.term, c.ref", args...)
	if err != nil {
		return nil, fmt.Errorf("links: %w", err)
	}
	defer rows.Close()
	var out []store.LinkMemberRow
	for rows.Next() {
		var m store.LinkMemberRow
		var status, updated string
		r := &m.CaseRow
		if err := rows.Scan(&m.Key, &m.Label, &m.Shown, &r.ID, &r.Ref, &r.TeamID, &r.OwnerID, &status, &r.Version, &updated); err != nil {
			return nil, err
		}
		r.Status = domain.Status(status)
		if r.UpdatedAt, err = parseTime(updated); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// CasePage lists cases newest first.
func (db *DB) CasePage(ctx context.Context, f store.CasePageFilter) ([]store.CaseRow, error) {
	if f.TeamIDs != nil && len(f.TeamIDs) == 0 {
		return nil, nil
	}
	var where []string
	var args []any
	// col is a column a condition tests; with byID, wrapped so that no
	// index serves the condition and the planner reads the few cases by id
	// instead of every case of the team in reference order.
	byID := false
	col := func(c string) string {
		if byID {
			return "(" + c + " || '')"
		}
		return c
	}
	if !f.OverdueAt.IsZero() {
		ids, few, err := db.overdueCases(ctx, f.TeamIDs, f.OverdueAt)
		if err != nil {
			return nil, err
		}
		if few {
			// Few overdue: the page is found among them, by id.
			if len(ids) == 0 {
				return nil, nil
			}
			byID = true
			where = append(where, "id IN ("+placeholders(len(ids))+")")
			args = append(args, anys(ids)...)
		} else {
			// Many: the cases in reference order, each asked whether it
			// has one, meet a page's worth of them soon.
			where = append(where, "EXISTS (SELECT 1 FROM duties d WHERE d.case_id = cases.id AND d.due_at <= ?)")
			args = append(args, fmtTime(f.OverdueAt))
		}
	}
	if f.TeamIDs != nil {
		where = append(where, col("team_id")+" IN ("+placeholders(len(f.TeamIDs))+")")
		args = append(args, anys(f.TeamIDs)...)
	}
	if f.OwnerID != "" {
		where = append(where, col("owner_id")+" = ?")
		args = append(args, f.OwnerID)
	}
	if len(f.Status) > 0 {
		where = append(where, col("status")+" IN ("+placeholders(len(f.Status))+")")
		args = append(args, anys(f.Status)...)
	}
	if f.Before != "" {
		where = append(where, col("ref")+" < ?")
		args = append(args, f.Before)
	}
	if f.After != "" {
		where = append(where, col("ref")+" > ?")
		args = append(args, f.After)
	}
	q := ""
	if len(where) > 0 {
		q = "WHERE " + strings.Join(where, " AND ")
	}
	// The page before After is the cases just newer than it: read upwards
	// from it, so a page costs what it shows however many cases are newer,
	// and turned round to newest first.
	up := f.After != "" && f.Before == ""
	if up {
		q += " ORDER BY ref ASC"
	} else {
		q += " ORDER BY ref DESC"
	}
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := db.listCases(ctx, q, args...)
	if up {
		slices.Reverse(rows)
	}
	return rows, err
}

// overdueFew is how many overdue cases CasePage finds by id; more are
// found in reference order. A page of the overdue list then costs what a
// page shows, not what the record holds: by id it reads at most this many
// cases; in order, with more than this many overdue duties spread through
// the team's cases, about a page times cases/overdueFew (51 × 500 at a
// million) before it has a page. A list of every overdue case's id tested
// against every case of the team in order read the whole record: 3.8 s a
// page at a million cases (holdfast bench --scale, issue 20).
var overdueFew = 2000 // a variable for the tests of both ways

// overdueCases lists the cases of teams (nil: any) with a duty due by at,
// with few true when they are all of them (at most overdueFew).
func (db *DB) overdueCases(ctx context.Context, teamIDs []string, at time.Time) (ids []string, few bool, err error) {
	q, args := "SELECT case_id FROM duties WHERE due_at <= ?", []any{fmtTime(at)}
	if teamIDs != nil {
		q += " AND team_id IN (" + placeholders(len(teamIDs)) + ")"
		args = append(args, anys(teamIDs)...)
	}
	rows, err := db.query(ctx, q+" LIMIT ?", append(args, overdueFew+1)...)
	if err != nil {
		return nil, false, fmt.Errorf("overdue cases: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	n := 0
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, false, err
		}
		if n++; !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	return ids, n <= overdueFew, rows.Err()
}

// CountCases counts the cases of teams.
func (db *DB) CountCases(ctx context.Context, teamIDs []string) (int, error) {
	q, args := "SELECT COUNT(*) FROM cases", []any(nil)
	if teamIDs != nil {
		if len(teamIDs) == 0 {
			return 0, nil
		}
		q += " WHERE team_id IN (" + placeholders(len(teamIDs)) + ")"
		args = anys(teamIDs)
	}
	var n int
	if err := db.row(ctx, q, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count cases: %w", err)
	}
	return n, nil
}

// CaseRowsByID reads the list rows of cases by id, in reference order.
func (db *DB) CaseRowsByID(ctx context.Context, ids []string) ([]store.CaseRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return db.listCases(ctx, "WHERE id IN ("+placeholders(len(ids))+") ORDER BY ref DESC", anys(ids)...)
}

// InboxRows lists a user's alerts, newest first, with their marks.
func (db *DB) InboxRows(ctx context.Context, userID string, limit int) ([]store.InboxRow, error) {
	rows, err := db.query(ctx, `SELECT i.seq, i.case_id, i.at, i.kind, i.text, COALESCE(c.ref, ''),
			COALESCE(c.team_id, ''), COALESCE(m.state, ''), e.payload, COALESCE(c.status, '')
		FROM inbox i
		LEFT JOIN cases c ON c.id = i.case_id
		LEFT JOIN inbox_marks m ON m.user_id = i.user_id AND m.seq = i.seq
		LEFT JOIN events e ON e.seq = i.seq
		WHERE i.user_id = ? ORDER BY i.seq DESC LIMIT ?`, userID, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: %w", err)
	}
	defer rows.Close()
	var out []store.InboxRow
	for rows.Next() {
		var it store.InboxRow
		var at string
		var payload sql.NullString
		var status string
		if err := rows.Scan(&it.Seq, &it.CaseID, &at, &it.Kind, &it.Text, &it.CaseRef, &it.TeamID, &it.State, &payload,
			&status); err != nil {
			return nil, err
		}
		it.CaseClosed = status == string(domain.StatusClosed)
		if it.At, err = parseTime(at); err != nil {
			return nil, err
		}
		var p struct {
			ID      string `json:"id"`
			Finding struct {
				ID string `json:"id"`
			} `json:"finding"`
		}
		if payload.Valid && json.Unmarshal([]byte(payload.String), &p) == nil {
			it.About = p.ID
			if it.Kind == "finding" {
				it.About = p.Finding.ID
			}
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// OpenDuties reads those of ids that are open duties, by id, 500 at a time.
func (db *DB) OpenDuties(ctx context.Context, ids []string) (map[string]store.DutyRow, error) {
	out := map[string]store.DutyRow{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		rows, err := db.duties(ctx, "WHERE d.id IN ("+placeholders(n)+")", anys(ids[:n])...)
		if err != nil {
			return nil, fmt.Errorf("open duties: %w", err)
		}
		for _, r := range rows {
			out[r.ID] = r
		}
		ids = ids[n:]
	}
	return out, nil
}

// DutiesOfKinds lists open duties of kinds on teams due by a time.
func (db *DB) DutiesOfKinds(ctx context.Context, teamIDs, kinds []string, by time.Time, limit int) ([]store.DutyRow, error) {
	if len(teamIDs) == 0 || len(kinds) == 0 {
		return nil, nil
	}
	args := append(anys(kinds), anys(teamIDs)...)
	// Open cases first: a victim of a closed case is owed only word of
	// the closure, and an old backlog of those must not hide the rest.
	// Then the most overdue first (the earliest due); ties by id, so the
	// order is the same on both engines.
	return db.duties(ctx, "JOIN cases c ON c.id = d.case_id WHERE d.kind IN ("+placeholders(len(kinds))+
		") AND d.team_id IN ("+placeholders(len(teamIDs))+") AND d.due_at <= ? "+
		"ORDER BY CASE WHEN c.status = 'closed' THEN 1 ELSE 0 END, d.due_at, d.id LIMIT ?",
		append(args, fmtTime(by), limit)...)
}

// TeamDutyPage reads a page of the open duties of teams by keyset on
// (due_at, id), every value bound: soonest first after f.After (or from the
// start), latest first before f.Before.
func (db *DB) TeamDutyPage(ctx context.Context, f store.DutyPageFilter) ([]store.DutyRow, error) {
	if len(f.TeamIDs) == 0 || f.Limit <= 0 {
		return nil, nil
	}
	q := "WHERE d.team_id IN (" + placeholders(len(f.TeamIDs)) + ")"
	args := anys(f.TeamIDs)
	order := " ORDER BY d.due_at, d.id"
	switch {
	case f.After != nil:
		q += " AND (d.due_at > ? OR (d.due_at = ? AND d.id > ?))"
		due := fmtTime(f.After.Due)
		args = append(args, due, due, f.After.ID)
	case f.Before != nil:
		q += " AND (d.due_at < ? OR (d.due_at = ? AND d.id < ?))"
		due := fmtTime(f.Before.Due)
		args = append(args, due, due, f.Before.ID)
		order = " ORDER BY d.due_at DESC, d.id DESC"
	}
	return db.duties(ctx, q+order+" LIMIT ?", append(args, f.Limit)...)
}

// EscalatedDuties lists the escalated open duties of teams due before
// cutoff (dormant) or from it, limit of them after the first offset, and
// counts them all.
func (db *DB) EscalatedDuties(ctx context.Context, teamIDs []string, cutoff time.Time, dormant bool,
	limit, offset int) ([]store.DutyRow, int, error) {
	if len(teamIDs) == 0 {
		return nil, 0, nil
	}
	cmp := ">="
	if dormant {
		cmp = "<"
	}
	where := "WHERE d.escalation > 0 AND d.team_id IN (" + placeholders(len(teamIDs)) + ") AND d.due_at " + cmp + " ?"
	args := append(anys(teamIDs), fmtTime(cutoff))
	var n int
	if err := db.row(ctx, "SELECT COUNT(*) FROM duties d "+where, args...).Scan(&n); err != nil {
		return nil, 0, fmt.Errorf("count escalated duties: %w", err)
	}
	if limit <= 0 || offset >= n {
		return nil, n, nil // only the count asked for, or a page past the last
	}
	rows, err := db.duties(ctx, where+" ORDER BY d.due_at, d.id LIMIT ? OFFSET ?", append(args, limit, offset)...)
	return rows, n, err
}

// CaseVictims reads the victims of cases: the database cuts the victims
// out of each document, so nothing else of a case is sent or decoded.
func (db *DB) CaseVictims(ctx context.Context, ids []string) (map[string]*store.CaseVictims, error) {
	out := map[string]*store.CaseVictims{}
	if len(ids) == 0 {
		return out, nil
	}
	victims := "COALESCE(json_extract(doc, '$.victims'), '[]')"
	if db.d.name == EnginePostgres {
		victims = "COALESCE((doc::jsonb -> 'victims')::text, '[]')"
	}
	rows, err := db.query(ctx, "SELECT id, ref, owner_id, version, status, "+victims+" FROM cases WHERE id IN ("+
		placeholders(len(ids))+")", anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("victims: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c store.CaseVictims
		var vs string
		if err := rows.Scan(&c.ID, &c.Ref, &c.OwnerID, &c.Version, &c.Status, &vs); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(vs), &c.Victims); err != nil {
			return nil, fmt.Errorf("decode the victims of %s: %w", c.Ref, err)
		}
		out[c.ID] = &c
	}
	return out, rows.Err()
}

// Reads lists reads of cases, newest first.
func (db *DB) Reads(ctx context.Context, f store.ReadFilter) ([]store.ReadRow, error) {
	var where []string
	var args []any
	if f.UserID != "" {
		where = append(where, "r.user_id = ?")
		args = append(args, f.UserID)
	}
	if f.CaseID != "" {
		where = append(where, "r.case_id = ?")
		args = append(args, f.CaseID)
	}
	if !f.From.IsZero() {
		where = append(where, "r.at >= ?")
		args = append(args, fmtTime(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "r.at < ?")
		args = append(args, fmtTime(f.To))
	}
	if f.BeforeSeq > 0 {
		where = append(where, "r.seq < ?")
		args = append(args, f.BeforeSeq)
	}
	q := `SELECT r.seq, r.case_id, COALESCE(c.ref, ''), r.user_id, r.at, r.how FROM case_reads r
		LEFT JOIN cases c ON c.id = r.case_id`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	rows, err := db.query(ctx, q+" ORDER BY r.seq DESC, r.case_id LIMIT ?", append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("reads: %w", err)
	}
	defer rows.Close()
	var out []store.ReadRow
	for rows.Next() {
		var r store.ReadRow
		var at string
		if err := rows.Scan(&r.Seq, &r.CaseID, &r.CaseRef, &r.UserID, &at, &r.How); err != nil {
			return nil, err
		}
		if r.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ForceEvents lists the force's own events of types, in order, through
// the index of them by type (not every read the force logged).
func (db *DB) ForceEvents(ctx context.Context, types []string) ([]*event.Event, error) {
	if len(types) == 0 {
		return nil, nil
	}
	rows, err := db.query(ctx, "SELECT "+eventCols+" FROM events WHERE case_id = '' AND type IN ("+
		placeholders(len(types))+") ORDER BY seq", anys(types)...)
	if err != nil {
		return nil, fmt.Errorf("force events: %w", err)
	}
	defer rows.Close()
	var out []*event.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

var _ store.Finder = (*DB)(nil)
