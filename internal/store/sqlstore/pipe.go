package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// pipeline sends a PostgreSQL batch's statements in flights instead of one
// round trip each. A statement whose answer the write does not read at once
// (an INSERT, a DELETE, an UPDATE whose count is looked at later, the
// batch's SAVEPOINT and RELEASE) is queued; it goes to the server with the
// next statement that needs an answer (a read), or when the write ends,
// all in one pipeline with one Sync, so a note command's ten statements take
// four round trips. Everything else that uses the connection — the
// transaction's own methods (sqlTx), a prepared bulk statement, a COPY —
// sends the queue first, so the server runs every statement in the order
// the write issued it.
//
// What changes for a write is only when it learns of a failing statement:
// at its next read, or when it ends, rather than from the statement itself.
// The write fails either way, with that statement's error (tx.failed wins
// over whatever the write made of it), and is rolled back to its savepoint:
// it still leaves nothing behind, and nothing is acknowledged before the
// commit.
type pipeline struct {
	ctx   context.Context // the batch's
	conn  *sql.Conn
	batch pgx.Batch
	// results receive the queued statements' outcomes, in queue order.
	results []*pipeResult
	// failed is the first error of a statement sent for the running write;
	// the server has aborted the transaction since, until the batch rolls
	// back to the write's savepoint and clears it.
	failed error
	// fatal is the error of a statement the batch itself queued (a
	// savepoint's): the batch cannot tell which writes it undid, so it
	// fails whole.
	fatal error
	// flights counts the round trips sent: what the tests of round trips
	// per write look at.
	flights int
}

// pipeResult is a queued statement's outcome, known once it was sent.
type pipeResult struct {
	p     *pipeline
	query string
	group bool // queued by the batch, not a write
	// check, if set, judges the statement's row count once it ran: an
	// error fails the write as a refused statement would (execChecked).
	check func(n int64) error
	sent  bool
	n     int64
	tag   string // the server's command tag
	err   error
}

// LastInsertId is not used on PostgreSQL.
func (r *pipeResult) LastInsertId() (int64, error) {
	return 0, errors.New("LastInsertId is not supported by PostgreSQL")
}

// RowsAffected sends the queue if the statement is still in it.
func (r *pipeResult) RowsAffected() (int64, error) {
	if !r.sent {
		r.p.send(nil)
	}
	return r.n, r.err
}

// queue adds a statement, already in PostgreSQL's $n form.
func (p *pipeline) queue(query string, group bool, args ...any) *pipeResult {
	r := &pipeResult{p: p, query: query, group: group}
	p.batch.Queue(query, args...)
	p.results = append(p.results, r)
	return r
}

// pipeAsk is a query whose answer the write reads now: sent after the
// queued statements, in the same flight, and read by read.
type pipeAsk struct {
	query string
	args  []any
	read  func(br pgx.BatchResults) error
}

// send sends the queued statements and, when row is given, its query
// after them, reading its answer. It returns the first error: a queued
// statement's (then the query did not run), or the query's own.
func (p *pipeline) send(row *pipeAsk) error {
	if len(p.results) == 0 && (row == nil || p.failed != nil) {
		if p.fatal != nil {
			return p.fatal
		}
		return p.failed
	}
	ask := row != nil && p.failed == nil
	if ask {
		p.batch.Queue(row.query, row.args...)
	}
	p.flights++
	results, batch := p.results, p.batch
	p.results, p.batch = nil, pgx.Batch{}
	var rowErr error
	err := p.conn.Raw(func(dc any) error {
		c, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("pipeline: not a pgx connection (%T)", dc)
		}
		br := c.Conn().SendBatch(p.ctx, &batch)
		for i, r := range results {
			ct, err := br.Exec()
			r.sent, r.n, r.tag = true, ct.RowsAffected(), ct.String()
			if err != nil && r.check != nil && isCheckFailure(err) {
				// The version check refused it (execChecked): the write
				// fails as check says, and the server ran nothing after it.
				r.err = r.check(0)
				p.failed = cmp.Or(p.failed, r.err)
				for _, r := range results[i+1:] {
					r.sent, r.err = true, fmt.Errorf("%s: not run: %w", stmtName(r.query), r.err)
				}
				br.Close()
				return nil
			}
			if err == nil && r.check != nil {
				// The server ran it and goes on: only the write learns
				// that it must fail (and is rolled back to its savepoint).
				if r.err = r.check(r.n); r.err != nil {
					p.failed = cmp.Or(p.failed, r.err)
				}
				continue
			}
			if err != nil {
				r.err = fmt.Errorf("%s: %w", stmtName(r.query), err)
				if r.group {
					p.fatal = cmp.Or(p.fatal, r.err)
				} else {
					p.failed = cmp.Or(p.failed, r.err)
				}
				// The server skipped what followed it.
				for _, r := range results[i+1:] {
					r.sent, r.err = true, fmt.Errorf("%s: not run: %w", stmtName(r.query), err)
				}
				br.Close()
				return nil
			}
		}
		if ask {
			rowErr = row.read(br)
			if errors.Is(rowErr, pgx.ErrNoRows) {
				rowErr = sql.ErrNoRows
			} else if rowErr != nil {
				// The server has aborted the transaction, as for a
				// queued statement: the write fails with this error.
				rowErr = fmt.Errorf("%s: %w", stmtName(row.query), rowErr)
				p.failed = cmp.Or(p.failed, rowErr)
			}
		}
		if err := br.Close(); err != nil && rowErr == nil {
			rowErr = err
			p.failed = cmp.Or(p.failed, err)
		}
		return nil
	})
	if err != nil {
		// Nothing was sent (not a pgx connection, or it is closed): the
		// batch cannot go on.
		for _, r := range results {
			if !r.sent {
				r.sent, r.err = true, err
			}
		}
		p.fatal = cmp.Or(p.fatal, err)
	}
	switch {
	case p.fatal != nil:
		return p.fatal
	case p.failed != nil:
		return p.failed
	}
	return rowErr
}

// writes reports whether a write's statements are queued: if only the
// batch's own are (a write that ended with a read leaves just its
// RELEASE), they can wait for the next write's first flight, since their
// failure fails the whole batch anyway. Always true on SQLite, where
// nothing is queued but sync costs nothing.
func (p *pipeline) writes() bool {
	if p == nil {
		return true
	}
	for _, r := range p.results {
		if !r.group {
			return true
		}
	}
	return false
}

// stmtName is the head of a statement, to say which one failed.
func stmtName(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) > 48 {
		q = q[:48] + "…"
	}
	return q
}

// pipeRow is a query whose one row the write reads: sent, with the queue
// before it, when it is scanned.
type pipeRow struct {
	x     *tx
	query string
	args  []any
}

func (r *pipeRow) Scan(dest ...any) error {
	return r.x.pipe.send(&pipeAsk{query: r.query, args: r.args, read: func(br pgx.BatchResults) error {
		return br.QueryRow().Scan(dest...)
	}})
}

// sqlTx is the transaction's own methods, for what does not go through
// exec and queryRow: each sends the pipeline's queue first, so the
// statements reach the server in the order they were issued.
type sqlTx struct {
	t *sql.Tx   // SQLite's transaction
	c *sql.Conn // or PostgreSQL's connection, in the batch's own transaction
	x *tx
}

// runner is what the transaction's statements run on.
func (s sqlTx) runner() interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
} {
	if s.c != nil {
		return s.c
	}
	return s.t
}

func (s sqlTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	s.x.sync()
	s.x.trip()
	return s.runner().ExecContext(ctx, query, args...)
}

func (s sqlTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	s.x.sync()
	s.x.trip()
	return s.runner().QueryContext(ctx, query, args...)
}

func (s sqlTx) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	s.x.sync()
	s.x.trip()
	return s.runner().QueryRowContext(ctx, query, args...)
}

func (s sqlTx) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	s.x.sync()
	s.x.trip()
	return s.runner().PrepareContext(ctx, query)
}

// StmtContext is for SQLite's statements prepared at open (db.stmt): only
// SQLite prepares them.
func (s sqlTx) StmtContext(ctx context.Context, st *sql.Stmt) *sql.Stmt {
	s.x.sync()
	return s.t.StmtContext(ctx, st)
}

// pgConn is the batch's connection, for what uses it outside database/sql
// (copyRows): Raw sends the pipeline's queue first.
type pgConn struct {
	c *sql.Conn
	x *tx
}

func (c *pgConn) Raw(f func(driverConn any) error) error {
	if err := c.x.sync(); err != nil {
		return err
	}
	return c.c.Raw(f)
}

// sync sends what the pipeline holds; on SQLite, or with nothing queued,
// it does nothing. Its error is the first of a statement sent for the
// running write (then the server has aborted the transaction).
func (x *tx) sync() error {
	if x.pipe == nil {
		return nil
	}
	return x.pipe.send(nil)
}

// trip counts a round trip that goes outside the pipeline.
func (x *tx) trip() {
	if x.pipe != nil {
		x.pipe.flights++
	}
}

// execChecked is exec for a statement whose row count decides whether
// the write may commit (an UPDATE guarded by the version it read): on
// PostgreSQL it stays queued, and check judges the count when it is sent,
// failing the write then (pipeResult.check); on SQLite it is judged at once.
func (x *tx) execChecked(query string, check func(n int64) error, args ...any) error {
	if x.pipe == nil {
		res, err := x.exec(query, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		return check(n)
	}
	// The statement fails on the server when it changes no row, so that a
	// stale write stops the flight it is in: the batch's last write shares
	// one with the commit (groupCommit.batch), which must not run after it.
	res, err := x.exec(checkedPrefix+query+checkedSuffix, args...)
	if err != nil {
		return err
	}
	res.(*pipeResult).check = check
	return nil
}

// A checked statement on PostgreSQL: its row count, divided into one,
// fails with division_by_zero (22012) when no row was changed.
const (
	checkedPrefix = "WITH checked AS ("
	checkedSuffix = " RETURNING 1) SELECT 1 / count(*) FROM checked"
)

// isCheckFailure says whether err is a checked statement's refusal.
func isCheckFailure(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "22012"
}

// groupExec runs a statement of the batch's own (SAVEPOINT, RELEASE): on
// PostgreSQL it is queued, to go with the write's first statement.
func (x *tx) groupExec(query string) error {
	if x.pipe == nil {
		_, err := x.t.t.ExecContext(x.ctx, query)
		return err
	}
	x.pipe.queue(query, true)
	return nil
}
