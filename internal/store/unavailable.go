package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"
)

// ErrUnavailable means the database could not be reached or could not take
// the request (down, restarting, failed over to a read-only replica, out of
// disk): the request may be retried later, and nothing was refused on its
// merits. It is never "not found" or "not signed in".
var ErrUnavailable = errors.New("the database cannot be reached")

// Unavailable reports whether err means the database could not answer,
// rather than answering no. It looks only at error types and codes the
// drivers document, so it needs neither driver imported here: PostgreSQL's
// SQLSTATE (pgconn.PgError has SQLState()) and SQLite's result code
// (modernc's *sqlite.Error has Code()).
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrUnavailable) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EROFS) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		return unavailableState(pg.SQLState())
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		return unavailableSQLite(lite.Code())
	}
	// database/sql's own words for a pool that was closed under the request.
	return strings.Contains(err.Error(), "sql: database is closed")
}

// unavailableState: connection exceptions (08), insufficient resources (53:
// disk full, out of memory, too many connections), operator intervention
// (57P01-57P05: shutdown, crash, cannot connect now) and a read-only
// transaction (25006: a replica after failover).
func unavailableState(s string) bool {
	return strings.HasPrefix(s, "08") || strings.HasPrefix(s, "53") ||
		strings.HasPrefix(s, "57P") || s == "25006"
}

// unavailableSQLite: busy or locked past the timeout, read-only, I/O error,
// corrupt, disk full, cannot open (the primary result code is the low byte).
func unavailableSQLite(code int) bool {
	switch code & 0xff {
	case 5, 6, 8, 10, 11, 13, 14:
		return true
	}
	return false
}

// DiskFull reports whether err is an outage of one particular kind: the
// disk holding the database has no room (ENOSPC, SQLite's FULL,
// PostgreSQL's 53100 disk_full). Writes are refused until space is freed;
// reads go on. It is worth telling apart because waiting will not mend it:
// an administrator must free space.
func DiskFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) {
		return true
	}
	var pg interface{ SQLState() string }
	if errors.As(err, &pg) {
		return pg.SQLState() == "53100"
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		return lite.Code()&0xff == 13
	}
	return false
}

// Busy reports whether err is an outage of the mildest kind: the database
// is there but busy — SQLite's BUSY or LOCKED past its busy timeout (another
// writer, the CLI or a backup holds the lock), or the request's time ran out
// waiting. It is told apart so a page can say so honestly, not that the
// database cannot be reached: the statement that met it never ran, and its
// transaction rolled back, so nothing was changed. A timeout on the way to
// the server (a dial or a read on the network) is no sign of busyness and
// stays unreachable.
func Busy(err error) bool {
	if err == nil {
		return false
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return false
	}
	// PostgreSQL's driver (pgconn's errors all have SafeToRetry) turns a
	// network timeout under the deadline into a bare deadline, dropping the
	// net error: a server hung or cut off, on connect or mid-commit, looks
	// the same as a slow one, so nothing says it is busy or that nothing
	// was changed.
	var pg interface{ SafeToRetry() bool }
	if errors.As(err, &pg) {
		return false
	}
	var lite interface{ Code() int }
	if errors.As(err, &lite) {
		c := lite.Code() & 0xff
		return c == 5 || c == 6
	}
	return errors.Is(err, context.DeadlineExceeded)
}
