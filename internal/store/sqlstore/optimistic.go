package sqlstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
)

// On PostgreSQL a command's case is read before its write holds the log
// head, and checked, not read, under it. The read of a case under the head
// was a round trip of its own each write (the case with what PutCase
// compares: selectCaseForWrite), and every writer of every instance waits
// through each round trip taken under the head. Now PrefetchCase reads
// the same rows on the caller's connection; under the head the write
// queues a statement that fails on the server (division_by_zero, as
// execChecked's) unless the rows are still the ones read. It goes
// to the server with the write's own statements, ahead of them in the same
// flight, so a write of one case takes one round trip under the head
// instead of two.
//
// When the check fails — another write changed the case, or a row
// PutCase compares, between the read and the head — nothing after it in
// the flight runs, the write is rolled back to its savepoint as any
// failing write is, and DB.Write runs it again: the second time its case
// is read under the head, as before (the prefetch is handed out once).
// What a write decides is therefore always decided on the rows the head
// would have shown it; only where the read happens moves.
//
// What the check compares is the xmin of the rows read: the transaction
// that wrote that version of each. A row is never changed in place (an
// update writes a new version, with the updating transaction's xmin), so
// rows are the ones read exactly when their xmins are: a row added or
// rewritten brings an xmin not there before, a row deleted takes one
// away. It replaced a digest of every column of every row, made again
// under the head, which cost the server more than the read it saved.
//
// Usually the case row's xmin is the whole check: every write of a case's
// duty, flag, index and figures rows is a PutCase, which rewrites the case
// row in the same transaction (as does a document rewritten without a new
// version). The exception is the builds an instance runs when it opens an
// older record (buildTerms, buildPole, buildFigures), which another
// instance may be serving: they write index rows alone. So while any of
// their markers is missing, the prefetch also takes caseStamp, the xmins
// of every row it read, and the check compares that. A build that is done
// writes nothing more (on PostgreSQL its marker is never removed: only
// DeferDerived clears markers, on a SQLite file being generated), so a
// prefetch that saw all three markers needs only the case row checked,
// and once one has, the instance remembers it (DB.buildsDone): its later
// prefetches are selectCaseForWrite alone. The test of the markers and the
// stamp's nine subqueries, though the server skips them once the markers
// are there, cost it more to set up for each prefetch than the rest of
// the read (docs/benchmarks.md, 7 December 2026, 10:00).

// caseStamp is the xmins of every row selectCaseForWrite reads, table by
// table. Its arguments are caseArgs.
const caseStamp = `concat(
	(SELECT xmin::text FROM cases WHERE id = ?),
	'/', (SELECT string_agg(xmin::text, ',' ORDER BY xmin::text) FROM duties WHERE case_id = ?),
	'/', (SELECT string_agg(xmin::text, ',' ORDER BY xmin::text) FROM case_flags WHERE case_id = ?),
	'/', (SELECT string_agg(xmin::text, ',' ORDER BY xmin::text) FROM case_terms WHERE case_id = ? AND kind = '#'),
	'/', (SELECT xmin::text FROM pole_digests WHERE case_id = ?),
	'/', (SELECT xmin::text FROM case_figures WHERE case_id = ?))`

// prefetchCase is selectCaseForWrite and, while a build that writes index
// rows alone is not done, the case's caseStamp in a row tagged 's': one
// statement, so one snapshot. Its arguments are caseArgs twice.
const prefetchCase = selectCaseForWrite + `
	UNION ALL SELECT 's', ` + caseStamp + `, '', '', '', '', '', '', '', '', ''
	WHERE NOT (EXISTS (SELECT 1 FROM case_terms_built) AND EXISTS (SELECT 1 FROM pole_built)
		AND EXISTS (SELECT 1 FROM figures_built))`

// checkCaseRow fails on the server unless the case row is the one read;
// checkCaseRead unless every row read is.
const (
	checkCaseRow  = `SELECT 1 / count(*) FROM cases WHERE id = ? AND xmin::text = ?`
	checkCaseRead = `SELECT 1 / count(*) FROM (SELECT ` + caseStamp + `) s(h) WHERE h = ?`
)

// errStaleRead is a write's failure when its case changed between the
// read before the write and the head: DB.Write runs it again.
var errStaleRead = errors.New("the case changed after it was read, before the write held the log head")

// caseArgs are the arguments of selectCaseForWrite for case id.
func caseArgs(id string) []any { return []any{id, id, id, id, id, id} }

// prefetchForWrite is PrefetchCase on PostgreSQL: the case decoded, and
// everything a write of it reads, with the check of it under the head.
func (db *DB) prefetchForWrite(ctx context.Context, id string) any {
	query, args := prefetchCase, append(caseArgs(id), caseArgs(id)...)
	built := db.buildsDone.Load()
	if built {
		query, args = selectCaseForWrite, caseArgs(id)
	}
	rows, err := db.r.QueryContext(ctx, db.d.q(query), args...)
	if err != nil {
		return nil
	}
	defer rows.Close()
	read := newCaseRead()
	doc, found, err := read.scan(id, rows)
	if err != nil || !found || read.xmin == "" {
		return nil
	}
	if !built && read.stamp == "" {
		// The read saw every build's marker: no build writes index rows
		// alone any more, on this instance or another (markers are never
		// removed on PostgreSQL), so the next reads need not ask.
		db.buildsDone.Store(true)
	}
	c, err := decodeCase(doc)
	if err != nil {
		return nil
	}
	pf := &prefetched{id: id, doc: doc, c: c, read: read, check: checkCaseRow, args: []any{id, read.xmin}}
	if read.stamp != "" {
		pf.check, pf.args = checkCaseRead, append(caseArgs(id), read.stamp)
	}
	return pf
}

// caseFromPrefetch is CaseFrom on PostgreSQL: the case as prefetched, its
// rows' xmins checked with the write's first statements. A case a write of
// this batch already read (and may have written) is read again instead,
// under the head: its prefetch is older than the batch's own change.
func (x *tx) caseFromPrefetch(pf *prefetched) (*domain.Case, error) {
	c := pf.c
	pf.c = nil // the write folds into it: a second ask, or a second run, reads afresh
	if x.batchCases[pf.id] {
		return x.Case(pf.id)
	}
	if err := cmp.Or(x.pipe.fatal, x.pipe.failed); err != nil {
		return nil, err
	}
	if x.batchCases == nil {
		x.batchCases = map[string]bool{}
	}
	x.batchCases[pf.id] = true
	r := x.pipe.queue(x.d.q(pf.check), false, pf.args...)
	r.check = func(n int64) error {
		if n == 0 {
			return fmt.Errorf("case %s: %w", c.Ref, errStaleRead)
		}
		return nil
	}
	if x.read == nil {
		x.read = map[string]*caseRead{}
	}
	x.read[pf.id] = pf.read
	pf.read = nil
	x.noteRead(c)
	return c, nil
}

// writeAgain says whether a write that failed with err is to run once
// more: it failed only because its case, read before the head, changed
// before the head was taken (errStaleRead). Nothing of the first run was
// kept, and the second reads its case under the head.
func writeAgain(err error) bool { return errors.Is(err, errStaleRead) }
