package sqlstore

import (
	"database/sql"

	"github.com/holdfast/holdfast/internal/store"
)

// TxExec, TxQueryRow, TxQuery and TxInsertRows reach a write's own
// statements, for the pipeline's tests: exec and queryRow as every write
// uses them, the transaction's methods and a prepared bulk insert as the
// statements the pipeline does not carry.
func TxExec(t store.Tx, q string, args ...any) (sql.Result, error) { return t.(*tx).exec(q, args...) }

func TxQueryRow(t store.Tx, q string, args ...any) interface{ Scan(...any) error } {
	return t.(*tx).queryRow(q, args...)
}

func TxQueryInt(t store.Tx, q string, args ...any) (int, error) {
	x := t.(*tx)
	var n int
	err := x.t.QueryRowContext(x.ctx, x.d.q(q), args...).Scan(&n)
	return n, err
}

func TxInsertRows(t store.Tx, into string, ncol int, args []any) error {
	return t.(*tx).insertRows(into, ncol, args)
}

// TxFlights is how many round trips a PostgreSQL batch has made so far,
// pipelined or not; 0 on SQLite.
func TxFlights(t store.Tx) int {
	if x := t.(*tx); x.pipe != nil {
		return x.pipe.flights
	}
	return 0
}

// TxSync sends what a write has queued, as the batch does when it ends.
func TxSync(t store.Tx) error { return t.(*tx).sync() }

// PrefetchChecksEveryRow says whether a prefetched case is checked under
// the head by the xmin of every row it read, not the case row's alone.
func PrefetchChecksEveryRow(p any) bool { return p.(*prefetched).check == checkCaseRead }
