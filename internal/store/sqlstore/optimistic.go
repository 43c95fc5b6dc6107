package sqlstore

import (
	"cmp"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
)

// On PostgreSQL a command's case is read before its write holds the log
// head, and checked, not read, under it. The read of a case under the head
// was a round trip of its own each write (the case with what PutCase
// compares: selectCaseForWrite), and every writer of every instance waits
// through each round trip taken under the head. Now PrefetchCase reads
// the same rows on the caller's connection and makes a digest of them
// all; under the head the write queues a statement that makes the same
// digest of the rows then and fails on the server (division_by_zero, as
// execChecked's) unless it is the one read. It goes to the server with
// the write's own statements, ahead of them in the same flight, so a
// write of one case takes one round trip under the head instead of two.
//
// When the check fails — another write changed the case, or a row
// PutCase compares, between the read and the head — nothing after it in
// the flight runs, the write is rolled back to its savepoint as any
// failing write is, and DB.Write runs it again: the second time its case
// is read under the head, as before (the prefetch is handed out once).
// What a write decides is therefore always decided on the rows the head
// would have shown it; only where the read happens moves.
//
// The digest covers every row the read brings, not just the case's
// version: some writes rewrite a document or an index row without moving
// the version (the builds an instance runs when it opens an older record,
// which another instance may be serving).

// caseReadDigest is the server's digest of selectCaseForWrite's rows,
// as readDigest makes it of the rows read: each row its columns' texts,
// each with its length in bytes before it, the rows in byte order, md5
// in hex. NULL when there are no rows (no such case).
const caseReadDigest = `SELECT md5(string_agg(r, '' ORDER BY r COLLATE "C")) FROM (SELECT ` + digestRow + ` AS r
	FROM (` + selectCaseForWrite + `) u(k, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10)) s`

// digestRow is a row of caseReadDigest: each column, NULL as empty.
const digestRow = `concat(octet_length(coalesce(k::text, '')), ':', k::text` +
	`, octet_length(coalesce(a1::text, '')), ':', a1::text, octet_length(coalesce(a2::text, '')), ':', a2::text` +
	`, octet_length(coalesce(a3::text, '')), ':', a3::text, octet_length(coalesce(a4::text, '')), ':', a4::text` +
	`, octet_length(coalesce(a5::text, '')), ':', a5::text, octet_length(coalesce(a6::text, '')), ':', a6::text` +
	`, octet_length(coalesce(a7::text, '')), ':', a7::text, octet_length(coalesce(a8::text, '')), ':', a8::text` +
	`, octet_length(coalesce(a9::text, '')), ':', a9::text, octet_length(coalesce(a10::text, '')), ':', a10::text)`

// checkCaseRead fails on the server unless the case's rows digest to the
// one prefetched.
const checkCaseRead = `SELECT 1 / count(*) FROM (` + caseReadDigest + `) d(h) WHERE h = ?`

// readDigest is caseReadDigest of rows read, each its tag and values.
func readDigest(rows [][]string) string {
	lines := make([]string, len(rows))
	for i, row := range rows {
		var b strings.Builder
		for _, v := range row {
			b.WriteString(strconv.Itoa(len(v)))
			b.WriteByte(':')
			b.WriteString(v)
		}
		lines[i] = b.String()
	}
	slices.Sort(lines)
	sum := md5.Sum([]byte(strings.Join(lines, "")))
	return hex.EncodeToString(sum[:])
}

// errStaleRead is a write's failure when its case changed between the
// read before the write and the head: DB.Write runs it again.
var errStaleRead = errors.New("the case changed after it was read, before the write held the log head")

// caseArgs are the arguments of selectCaseForWrite for case id.
func caseArgs(id string) []any { return []any{id, id, id, id, id, id} }

// prefetchForWrite is PrefetchCase on PostgreSQL: the case decoded, and
// everything a write of it reads, with the digest checkCaseRead compares.
func (db *DB) prefetchForWrite(ctx context.Context, id string) any {
	rows, err := db.r.QueryContext(ctx, db.d.q(selectCaseForWrite), caseArgs(id)...)
	if err != nil {
		return nil
	}
	defer rows.Close()
	read := newCaseRead()
	var all [][]string
	doc, found, err := read.scan(id, rows, func(tag string, vals []string) {
		all = append(all, append([]string{tag}, vals...))
	})
	if err != nil || !found {
		return nil
	}
	c, err := decodeCase(doc)
	if err != nil {
		return nil
	}
	return &prefetched{id: id, doc: doc, c: c, read: read, hash: readDigest(all)}
}

// caseFromPrefetch is CaseFrom on PostgreSQL: the case as prefetched, its
// digest checked with the write's first statements. A case a write of
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
	r := x.pipe.queue(x.d.q(checkCaseRead), false, append(caseArgs(pf.id), pf.hash)...)
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
