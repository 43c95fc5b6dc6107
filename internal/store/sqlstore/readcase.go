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
// its POLE digest (selectPoleDigest). One flight instead of four while
// the log head is held: each flight there is a wait every other writer,
// of this instance or another, waits through too. Rows are tagged: 'c'
// the document, 'd' and 'f' as selectIndexRows, 't' and 'p' the digests.
const selectCaseForWrite = `SELECT 'c', doc, '', '', '', '', '', '', '', '', '' FROM cases WHERE id = ?
	UNION ALL ` + selectIndexRows + `
	UNION ALL SELECT 't', term, '', '', '', '', '', '', '', '', '' FROM case_terms WHERE case_id = ? AND kind = '#'
	UNION ALL SELECT 'p', digest, '', '', '', '', '', '', '', '', '' FROM pole_digests WHERE case_id = ?`

// caseRead is what readCase brought besides the document. Each part is
// used once, by the first statement that would have read it, and then
// dropped: what the write writes afterwards changes those rows.
type caseRead struct {
	duties, flags map[string]string  // as indexRows gives them; nil once used
	digests       map[string]*string // by query; a nil value: no row
}

// readCase reads case id's document and caseRead in one flight.
func (x *tx) readCase(id string) (string, error) {
	var doc string
	found := false
	r := &caseRead{duties: map[string]string{}, flags: map[string]string{}, digests: map[string]*string{
		selectTermDigest: nil,
		selectPoleDigest: nil,
	}}
	var tag string
	vals := make([]string, dutyColumns)
	ptrs := []any{&tag}
	for i := range vals {
		ptrs = append(ptrs, &vals[i])
	}
	err := x.pipe.queryRows(x.d.q(selectCaseForWrite), []any{id, id, id, id, id}, func(rows pgx.Rows) error {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		switch tag {
		case "c":
			doc, found = vals[0], true
		case "d":
			r.duties[vals[0]] = strings.Join(vals, "\x00")
		case "f":
			r.flags[vals[0]+"\x00"+vals[1]] = strings.Join(vals[:4], "\x00")
		case "t":
			v := vals[0]
			r.digests[selectTermDigest] = &v
		case "p":
			v := vals[0]
			r.digests[selectPoleDigest] = &v
		default:
			return fmt.Errorf("read case %s: unknown row %q", id, tag)
		}
		return nil
	})
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

// readDigest answers a digest query from what readCase brought, once.
func (x *tx) readDigest(query string, args []any) (rowScanner, bool) {
	if len(x.read) == 0 || len(args) != 1 {
		return nil, false
	}
	id, _ := args[0].(string)
	r := x.read[id]
	if r == nil {
		return nil, false
	}
	v, ok := r.digests[query]
	if !ok {
		return nil, false
	}
	delete(r.digests, query)
	if v == nil {
		return noRow{}, true
	}
	return digestRow(*v), true
}

type noRow struct{}

func (noRow) Scan(...any) error { return sql.ErrNoRows }

type digestRow string

func (d digestRow) Scan(dest ...any) error {
	p, ok := dest[0].(*string)
	if len(dest) != 1 || !ok {
		return fmt.Errorf("digest read into %d values", len(dest))
	}
	*p = string(d)
	return nil
}
