package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"zombiezen.com/go/sqlite"
	"zombiezen.com/go/sqlite/sqlitex"

	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// ScanRaw streams events from..to (to 0: the end) in sequence order as
// event.Raw, valid only during fn. It is the ledger verifier's read: every
// event once, keeping nothing. Several calls may run at once, each on its
// own connection, so a verifier reads ranges of the record in parallel.
//
// On SQLite it steps SQLite directly (zombiezen.com/go/sqlite over the same
// modernc SQLite) rather than through database/sql: for a full record,
// database/sql's per-row and per-column work was three quarters of reading
// (3.0 µs of 4.1 µs an event at 100,000 events; now 0.55 µs, see
// docs/benchmarks.md).
func (db *DB) ScanRaw(ctx context.Context, from, to int64, fn func(*event.Raw) error) error {
	var err error
	if db.path != "" {
		err = db.scanRawSQLite(ctx, from, to, fn)
	} else {
		err = db.scanRawSQL(ctx, from, to, fn)
	}
	if err != nil {
		return fmt.Errorf("read events from %d: %w", from, err)
	}
	return nil
}

// rawSpare is room kept in ScanRaw's row buffer: more than a whole event
// usually needs.
const rawSpare = 64 << 10

func (db *DB) scanRawSQL(ctx context.Context, from, to int64, fn func(*event.Raw) error) error {
	rows, err := db.eventRange(ctx, from, to)
	if err != nil {
		return err
	}
	defer rows.Close()
	var r event.Raw
	var at sql.RawBytes // as stored
	for rows.Next() {
		if err := rows.Scan(&r.Seq, &at, (*sql.RawBytes)(&r.Actor), (*sql.RawBytes)(&r.CaseID), &r.CaseVersion, (*sql.RawBytes)(&r.Type), &r.PayloadVersion,
			(*sql.RawBytes)(&r.Source), (*sql.RawBytes)(&r.Payload), (*sql.RawBytes)(&r.PrevHash), (*sql.RawBytes)(&r.Hash)); err != nil {
			return err
		}
		if r.At, err = appendLeafTime(r.At[:0], at); err != nil {
			return fmt.Errorf("event %d: time %q: %w", r.Seq, at, err)
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return rows.Err()
}

func (db *DB) scanRawSQLite(ctx context.Context, from, to int64, fn func(*event.Raw) error) error {
	conn, err := db.rawConn()
	if err != nil {
		return err
	}
	defer db.putRawConn(conn)
	conn.SetInterrupt(ctx.Done())
	defer conn.SetInterrupt(nil)
	// The columns are eventCols, read below by their place in it.
	stmt, err := conn.Prepare("SELECT " + eventCols + " FROM events WHERE seq >= ? AND seq <= ? ORDER BY seq")
	if err != nil {
		return err
	}
	defer stmt.Reset()
	if to <= 0 {
		to = math.MaxInt64
	}
	stmt.BindInt64(1, from)
	stmt.BindInt64(2, to)
	var r event.Raw
	var at []byte   // the time as the leaf writes it
	var buf []byte  // every text and blob column of the row, end to end
	var end [11]int // end[col]: where column col ends in buf (end[0] stays 0)
	for {
		row, err := stmt.Step()
		if err != nil {
			return err
		}
		if !row {
			return nil
		}
		buf = buf[:0]
		for col := 1; col < len(end); col++ {
			if col == 4 || col == 6 { // integers, read as such below
				end[col] = len(buf)
				continue
			}
			// Copy into the spare capacity first and ask the length only
			// if it may not have fitted: every call into SQLite counts.
			n := stmt.ColumnBytes(col, buf[len(buf):cap(buf)])
			if len(buf)+n == cap(buf) {
				n = stmt.ColumnLen(col)
				buf = slices.Grow(buf, n+rawSpare)
				n = stmt.ColumnBytes(col, buf[len(buf):cap(buf)])
			}
			buf = buf[:len(buf)+n]
			end[col] = len(buf)
		}
		field := func(col int) []byte { return buf[end[col-1]:end[col]:end[col]] }
		r.Seq = stmt.ColumnInt64(0) // the rowid: always an integer
		// The table is not STRICT: a number column altered to hold a
		// REAL or TEXT would read back as a whole number and pass.
		for _, col := range []int{4, 6} {
			if t := stmt.ColumnType(col); t != sqlite.TypeInteger {
				return fmt.Errorf(
					"event %d: column %s holds %v, not an integer: the row was altered",
					r.Seq,
					stmt.ColumnName(col),
					t,
				)
			}
		}
		if at, err = appendLeafTime(at[:0], field(1)); err != nil {
			return fmt.Errorf("event %d: time %q: %w", r.Seq, field(1), err)
		}
		r.At, r.Actor, r.CaseID, r.Type, r.Source = at, field(2), field(3), field(5), field(7)
		r.CaseVersion, r.PayloadVersion = stmt.ColumnInt64(4), stmt.ColumnInt(6)
		r.Payload, r.PrevHash, r.Hash = field(8), field(9), field(10)
		if err := fn(&r); err != nil {
			return err
		}
	}
}

// rawConn takes a reading connection for ScanRaw from the pool, or opens
// one. The file is memory-mapped: reading pages through the mapping instead
// of read(2) was a third of the cost of stepping through the events table.
// SQLite never shrinks the file under a reader here (no VACUUM, no
// auto_vacuum), which is what makes the mapping safe.
func (db *DB) rawConn() (*sqlite.Conn, error) {
	select {
	case c := <-db.rawConns:
		return c, nil
	default:
	}
	db.rawMu.Lock()
	closed := db.rawClosed
	db.rawMu.Unlock()
	if closed {
		return nil, errors.New("the store is closed")
	}
	// The same URI as the store's own connections: one file, whatever
	// characters its name holds.
	c, err := sqlite.OpenConn(sqliteURI(db.path, "mode=ro"), sqlite.OpenReadOnly, sqlite.OpenURI)
	if err != nil {
		return nil, err
	}
	c.SetBusyTimeout(10 * time.Second)
	if err := sqlitex.ExecuteTransient(c, "PRAGMA mmap_size = 2147418112", nil); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

func (db *DB) putRawConn(c *sqlite.Conn) {
	db.rawMu.Lock()
	defer db.rawMu.Unlock()
	if db.rawClosed {
		c.Close()
		return
	}
	select {
	case db.rawConns <- c:
	default:
		c.Close()
	}
}

// closeRawConns closes the pooled connections; any in use close when put back.
func (db *DB) closeRawConns() {
	db.rawMu.Lock()
	defer db.rawMu.Unlock()
	db.rawClosed = true
	for {
		select {
		case c := <-db.rawConns:
			c.Close()
		default:
			return
		}
	}
}

// appendLeafTime appends the stored time s as a leaf writes it
// (event.AppendLeafTime). The stored form is fixed-width with nine fraction
// digits; a leaf's has no trailing zeros: so the leaf's is the stored one
// with those zeros (and a bare point) cut, and the verifier need not parse
// and re-format every event's time. A stored time not in exactly that form
// is parsed: refused as parseTime refuses it, or re-formatted. A stored
// date that does not exist (February 30) goes into the leaf as it is and so
// no longer matches the event's hash: it is reported as an alteration.
func appendLeafTime[S ~string | ~[]byte](b []byte, s S) ([]byte, error) {
	if len(s) != len(timeFormat) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[29] != 'Z' ||
		digits(s[0:4]) < 0 || digits(s[5:7]) < 0 || digits(s[8:10]) < 0 || digits(s[11:13]) < 0 ||
		digits(s[14:16]) < 0 ||
		digits(s[17:19]) < 0 ||
		digits(s[20:29]) < 0 {
		t, err := parseTime(string(s))
		if err != nil {
			return b, err
		}
		return event.AppendLeafTime(b, t), nil
	}
	frac := s[20:29]
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	b = append(b, s[:19]...)
	if len(frac) > 0 {
		b = append(append(b, '.'), frac...)
	}
	return append(b, 'Z'), nil
}

// digits is the decimal value of s, or -1 if s is not all digits.
func digits[S ~string | ~[]byte](s S) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i] - '0'
		if c > 9 {
			return -1
		}
		n = n*10 + int(c)
	}
	return n
}

// SaveLedgerRun records a verification run.
func (db *DB) SaveLedgerRun(ctx context.Context, r store.LedgerRun) error {
	_, err := db.w.ExecContext(
		ctx,
		db.d.q("INSERT INTO ledger_runs (ran_at, ok, events, first_bad, problem) VALUES (?, ?, ?, ?, ?)"),
		fmtTime(r.RanAt),
		boolInt(r.OK),
		r.Events,
		r.FirstBad,
		r.Problem,
	)
	if err != nil {
		return fmt.Errorf("record verification: %w", err)
	}
	return nil
}

// LastLedgerRun returns the latest verification run, or ErrNotFound.
func (db *DB) LastLedgerRun(ctx context.Context) (*store.LedgerRun, error) {
	var r store.LedgerRun
	var at string
	var ok int
	err := db.row(ctx, "SELECT ran_at, ok, events, first_bad, problem FROM ledger_runs ORDER BY ran_at DESC LIMIT 1").
		Scan(&at, &ok, &r.Events, &r.FirstBad, &r.Problem)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.OK = ok == 1
	r.RanAt, err = time.Parse(timeFormat, at)
	return &r, err
}
