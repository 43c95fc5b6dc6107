package sqlstore

import (
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// selectCaseForWrite is, on PostgreSQL, a write's read of a case together
// with everything PutCase reads before writing it: its duties and flag
// rows (as selectIndexRows), its find-index digest (selectTermDigest) and
// its POLE digest (selectPoleDigest), and what it adds to the figures
// (selectCaseFigure, figures.go). One flight instead of five while
// the log head is held: each flight there is a wait every other writer,
// of this instance or another, waits through too. Rows are tagged: 'c'
// the document (with the row's xmin, optimistic.go), 'd' and 'f' as
// selectIndexRows, 't' and 'p' the digests, 'g' the figures.
const selectCaseForWrite = `SELECT 'c', doc, xmin::text, '', '', '', '', '', '', '', '' FROM cases WHERE id = ?
	UNION ALL ` + selectIndexRows + `
	UNION ALL SELECT 't', term, '', '', '', '', '', '', '', '', '' FROM case_terms WHERE case_id = ? AND kind = '#'
	UNION ALL SELECT 'p', digest, '', '', '', '', '', '', '', '', '' FROM pole_digests WHERE case_id = ?
	UNION ALL SELECT 'g', team_id, live, hist, '', '', '', '', '', '', '' FROM case_figures WHERE case_id = ?`

// caseRead is what readCase brought besides the document. Each part is
// used once, by the first statement that would have read it, and then
// dropped: what the write writes afterwards changes those rows.
type caseRead struct {
	duties, flags map[string]string   // as indexRows gives them; nil once used
	rows          map[string][]string // one-row reads, by query; nil: no row
	// xmin is the case row's, and stamp the case's caseStamp when the
	// read asked for it (prefetchCase, optimistic.go).
	xmin, stamp string
}

// newCaseRead is an empty caseRead, every one-row read answered "no row"
// until a row of its says otherwise.
func newCaseRead() *caseRead {
	return &caseRead{duties: map[string]string{}, flags: map[string]string{}, rows: map[string][]string{
		selectTermDigest: nil,
		selectPoleDigest: nil,
		selectCaseFigure: nil,
	}}
}

// scan reads the rows of selectCaseForWrite (or prefetchCase) into r, and
// returns the document, if there was one.
func (r *caseRead) scan(id string, rows scannedRows) (doc string, found bool, err error) {
	var tag string
	vals := make([]string, dutyColumns)
	ptrs := []any{&tag}
	for i := range vals {
		ptrs = append(ptrs, &vals[i])
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return "", false, err
		}
		switch tag {
		case "c":
			doc, found, r.xmin = vals[0], true, vals[1]
		case "d":
			r.duties[vals[0]] = strings.Join(vals, "\x00")
		case "f":
			r.flags[vals[0]+"\x00"+vals[1]] = strings.Join(vals[:4], "\x00")
		case "t":
			r.rows[selectTermDigest] = []string{vals[0]}
		case "p":
			r.rows[selectPoleDigest] = []string{vals[0]}
		case "g":
			r.rows[selectCaseFigure] = []string{vals[0], vals[1], vals[2]}
		case "s":
			r.stamp = vals[0]
		default:
			return "", false, fmt.Errorf("read case %s: unknown row %q", id, tag)
		}
	}
	return doc, found, rows.Err()
}

// scannedRows is what scan reads: pgx's rows in a flight, database/sql's
// outside one.
type scannedRows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// readCase reads case id's document and caseRead in one flight.
func (x *tx) readCase(id string) (string, error) {
	var doc string
	found := false
	r := newCaseRead()
	err := x.pipe.send(&pipeAsk{query: x.d.q(selectCaseForWrite), args: []any{id, id, id, id, id, id}, read: func(br pgx.BatchResults) error {
		rows, err := br.Query()
		if err != nil {
			return err
		}
		defer rows.Close()
		doc, found, err = r.scan(id, rows)
		return err
	}})
	if err != nil {
		return "", err
	}
	if !found {
		delete(x.read, id)
		return scanDoc(noRow{})
	}
	if x.read == nil {
		x.read = map[string]*caseRead{}
	}
	x.read[id] = r
	return doc, nil
}

// readRow answers a one-row read of PutCase's from what readCase
// brought, once.
func (x *tx) readRow(query string, args []any) (rowScanner, bool) {
	if len(x.read) == 0 || len(args) != 1 {
		return nil, false
	}
	id, _ := args[0].(string)
	r := x.read[id]
	if r == nil {
		return nil, false
	}
	v, ok := r.rows[query]
	if !ok {
		return nil, false
	}
	delete(r.rows, query)
	if v == nil {
		return noRow{}, true
	}
	return readValues(v), true
}

type noRow struct{}

func (noRow) Scan(...any) error { return sql.ErrNoRows }

// readValues is a row readCase brought, of text columns.
type readValues []string

func (v readValues) Scan(dest ...any) error {
	if len(dest) != len(v) {
		return fmt.Errorf("a row of %d values read into %d", len(v), len(dest))
	}
	for i, d := range dest {
		p, ok := d.(*string)
		if !ok {
			return fmt.Errorf("a text value read into %T", d)
		}
		*p = v[i]
	}
	return nil
}
