package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/store"
)

// SaveLedgerRun records a verification run.
func (db *DB) SaveLedgerRun(ctx context.Context, r store.LedgerRun) error {
	_, err := db.w.ExecContext(ctx, db.d.q("INSERT INTO ledger_runs (ran_at, ok, events, first_bad, problem) VALUES (?, ?, ?, ?, ?)"),
		fmtTime(r.RanAt), boolInt(r.OK), r.Events, r.FirstBad, r.Problem)
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
	err := db.row(ctx, "SELECT ran_at, ok, events, first_bad, problem FROM ledger_runs ORDER BY ran_at DESC LIMIT 1").Scan(&at, &ok, &r.Events, &r.FirstBad, &r.Problem)
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
