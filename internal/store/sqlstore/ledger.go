package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// ScanLedger streams events from..to in sequence order, as ScanEvents does,
// through one reused Event whose byte slices are valid only during fn. The
// ledger's verifier reads every event once and keeps none: on a large record,
// allocating each event and parsing its time with time.Parse were a third
// of reading it.
func (db *DB) ScanLedger(ctx context.Context, from, to int64, fn func(*event.Event) error) error {
	rows, err := db.eventRange(ctx, from, to)
	if err != nil {
		return fmt.Errorf("scan events: %w", err)
	}
	defer rows.Close()
	var e event.Event
	var at string
	var payload, prev, hash sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&e.Seq, &at, &e.Actor, &e.CaseID, &e.CaseVersion, &e.Type, &e.PayloadVersion, &e.Source, &payload, &prev, &hash); err != nil {
			return fmt.Errorf("scan events: %w", err)
		}
		if e.At, err = parseEventTime(at); err != nil {
			return fmt.Errorf("event %d: time %q: %w", e.Seq, at, err)
		}
		e.Payload, e.PrevHash, e.Hash = json.RawMessage(payload), prev, hash
		if err := fn(&e); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("scan events: %w", err)
	}
	return nil
}

// parseEventTime is parseTime for exactly the stored form
// (2006-01-02T15:04:05.000000000Z) without time.Parse's generality.
// Anything else, including a date time.Date would normalise (February 30),
// goes to parseTime, so what is accepted and refused is unchanged.
func parseEventTime(s string) (time.Time, error) {
	if len(s) != len(timeFormat) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[29] != 'Z' {
		return parseTime(s)
	}
	y, mo, d, h, mi, sec, ns := digits(s[0:4]), digits(s[5:7]), digits(s[8:10]), digits(s[11:13]), digits(s[14:16]), digits(s[17:19]), digits(s[20:29])
	if y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0 || ns < 0 {
		return parseTime(s)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, ns, time.UTC)
	if ty, tm, td := t.Date(); ty != y || int(tm) != mo || td != d || t.Hour() != h || t.Minute() != mi || t.Second() != sec {
		return parseTime(s)
	}
	return t, nil
}

// digits is the decimal value of s, or -1 if s is not all digits.
func digits(s string) int {
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
