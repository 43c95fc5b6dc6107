package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/store"
)

// DigestQueued reports whether the day's digests were claimed and queued.
func (db *DB) DigestQueued(ctx context.Context, day string) (bool, error) {
	var one int
	err := db.r.QueryRowContext(ctx, db.d.q("SELECT 1 FROM digests WHERE day = ?"), day).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("digests for %s: %w", day, err)
	}
	return true, nil
}

// QueueDigests claims the day and queues its messages in one transaction:
// a crash between the two would otherwise lose the day's digests.
func (db *DB) QueueDigests(ctx context.Context, day string, at time.Time, mail []store.Mail) (bool, error) {
	t, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("queue digests for %s: %w", day, err)
	}
	defer t.Rollback()
	res, err := t.ExecContext(ctx, db.d.q("INSERT INTO digests (day, sent_at) VALUES (?, ?) ON CONFLICT (day) DO NOTHING"),
		day, fmtTime(at))
	if err != nil {
		return false, fmt.Errorf("claim digests for %s: %w", day, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	for _, m := range mail {
		if _, err := t.ExecContext(ctx, db.d.q(`INSERT INTO digest_mail
			(day, user_id, username, to_addr, subject, body, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)`),
			day, m.UserID, m.Username, m.To, m.Subject, m.Body, fmtTime(at)); err != nil {
			return false, fmt.Errorf("queue digest for %s: %w", m.Username, err)
		}
	}
	if err := t.Commit(); err != nil {
		return false, fmt.Errorf("queue digests for %s: commit: %w", day, err)
	}
	return true, nil
}

// DueMail leases unsent messages due by now. Each is taken by a
// conditional update, so of two instances asking at once only one gets it.
func (db *DB) DueMail(ctx context.Context, now, until time.Time, limit int) ([]store.Mail, error) {
	rows, err := db.w.QueryContext(ctx, db.d.q(`SELECT day, user_id, username, to_addr, subject, body, attempts,
		next_at, last_error FROM digest_mail WHERE sent_at IS NULL AND next_at <= ? AND lease_until <= ?
		ORDER BY next_at, day, user_id LIMIT ?`), fmtTime(now), fmtTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("due mail: %w", err)
	}
	var due []store.Mail
	for rows.Next() {
		var m store.Mail
		var next string
		if err := rows.Scan(&m.Day, &m.UserID, &m.Username, &m.To, &m.Subject, &m.Body, &m.Attempts, &next,
			&m.LastError); err != nil {
			rows.Close()
			return nil, fmt.Errorf("due mail: %w", err)
		}
		if m.NextAt, err = parseTime(next); err != nil {
			rows.Close()
			return nil, fmt.Errorf("due mail: next_at %q: %w", next, err)
		}
		due = append(due, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("due mail: %w", err)
	}
	leased := due[:0]
	for _, m := range due {
		res, err := db.w.ExecContext(ctx, db.d.q(`UPDATE digest_mail SET lease_until = ?
			WHERE day = ? AND user_id = ? AND sent_at IS NULL AND lease_until <= ?`),
			fmtTime(until), m.Day, m.UserID, fmtTime(now))
		if err != nil {
			return nil, fmt.Errorf("lease mail: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			leased = append(leased, m)
		}
	}
	return leased, nil
}

// MailSent marks a message delivered.
func (db *DB) MailSent(ctx context.Context, day, userID string, at time.Time) error {
	_, err := db.w.ExecContext(ctx, db.d.q("UPDATE digest_mail SET sent_at = ?, lease_until = '' WHERE day = ? AND user_id = ?"),
		fmtTime(at), day, userID)
	if err != nil {
		return fmt.Errorf("mark digest sent: %w", err)
	}
	return nil
}

// MailFailed records a failed attempt and frees the message for next.
func (db *DB) MailFailed(ctx context.Context, day, userID string, next time.Time, reason string) error {
	_, err := db.w.ExecContext(ctx, db.d.q(`UPDATE digest_mail SET attempts = attempts + 1, next_at = ?,
		lease_until = '', last_error = ? WHERE day = ? AND user_id = ? AND sent_at IS NULL`),
		fmtTime(next), reason, day, userID)
	if err != nil {
		return fmt.Errorf("record a failed digest: %w", err)
	}
	return nil
}
