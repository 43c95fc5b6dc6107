package sqlstore

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/auth"
	"github.com/holdfast/holdfast/internal/store"
)

// Authentication: sessions, API tokens, password state and the security
// log's index (store.AuthStore, store.AuthTx).

const (
	securityCols       = "seq, at, kind, actor_id, user_id, subject, address, user_agent, detail"
	insertSecurity     = "INSERT INTO security_log (" + securityCols + ", address_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	selectSignInByUser = "SELECT " + securityCols + " FROM security_log WHERE subject = ? AND at >= ? AND kind IN "

	sessionCols      = "token_hash, user_id, csrf, created_at, last_seen_at, expires_at, address, user_agent, stage"
	insertSessionRow = "INSERT INTO sessions (" + sessionCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
	selectSessionRow = "SELECT " + sessionCols + " FROM sessions WHERE token_hash = ?"
	selectUserSess   = "SELECT " + sessionCols + " FROM sessions WHERE user_id = ? ORDER BY created_at DESC"
	touchSession     = "UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?"
	endSessionsAll   = "DELETE FROM sessions WHERE user_id = ?"
	endSessionsBut   = "DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?"
	endOneSession    = "DELETE FROM sessions WHERE user_id = ? AND token_hash = ?"

	tokenCols = "id, token_hash, user_id, name, scope, created_at, expires_at, last_used_at, last_used_addr, " +
		"revoked_at"
	insertTokenRow = "INSERT INTO api_tokens (" + tokenCols + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	selectTokenRow = "SELECT " + tokenCols + " FROM api_tokens WHERE token_hash = ?"
	selectTokenID  = "SELECT " + tokenCols + " FROM api_tokens WHERE id = ?"
	selectTokens   = "SELECT " + tokenCols + " FROM api_tokens WHERE (? = '' OR user_id = ?) ORDER BY created_at DESC"
	touchToken     = "UPDATE api_tokens SET last_used_at = ?, last_used_addr = ? WHERE id = ?"
	revokeToken    = "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''"

	selectPasswordState = "SELECT must_change, changed_at FROM credentials WHERE user_id = ?"
	changePassword      = `INSERT INTO credentials (user_id, password_hash, must_change, changed_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET password_hash = excluded.password_hash,
		must_change = excluded.must_change, changed_at = excluded.changed_at`
)

// PasswordDigest is the digest the ledger seals for a user's stored password
// hash (as Credentials reads it), so a password changed through the service
// can be sealed in the same transaction that changes it.
func PasswordDigest(userID, hash string) string { return digest("password", userID, hash) }

// TokenDigest is the digest the ledger seals for an API token's row (as
// Credentials reads it), so a token can be sealed where it is issued.
func TokenDigest(tokenHash []byte, userID, name string) string {
	return digest("token", hex.EncodeToString(tokenHash), userID, name)
}

func scanSecurity(sc interface{ Scan(...any) error }) (store.SecurityRow, error) {
	var r store.SecurityRow
	var at string
	if err := sc.Scan(&r.Seq, &at, &r.Kind, &r.ActorID, &r.UserID, &r.Subject, &r.Address, &r.UserAgent,
		&r.Detail); err != nil {
		return r, err
	}
	var err error
	r.At, err = parseTime(at)
	return r, err
}

func (db *DB) securityRows(ctx context.Context, q string, args ...any) ([]store.SecurityRow, error) {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("security log: %w", err)
	}
	defer rows.Close()
	var out []store.SecurityRow
	for rows.Next() {
		r, err := scanSecurity(rows)
		if err != nil {
			return nil, fmt.Errorf("security log: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// SecurityLog lists indexed security events, newest first.
func (db *DB) SecurityLog(ctx context.Context, f store.SecurityFilter) ([]store.SecurityRow, error) {
	var where []string
	var args []any
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.UserID != "" {
		where, args = append(where, "(user_id = ? OR actor_id = ?)"), append(args, f.UserID, f.UserID)
	}
	if f.Address != "" {
		where, args = append(where, "address = ?"), append(args, f.Address)
	}
	if f.AddressKey != "" {
		where, args = append(where, "address_key = ?"), append(args, auth.AddressKey(f.AddressKey))
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, fmtTime(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, fmtTime(f.To))
	}
	if f.Before > 0 {
		where, args = append(where, "seq < ?"), append(args, f.Before)
	}
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 100
	}
	q := "SELECT " + securityCols + " FROM security_log"
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	return db.securityRows(ctx, q, append(args, limit)...)
}

// SignInHistory lists one subject's security rows of the given kinds since
// a time, newest first, at most limit (0: all).
func (db *DB) SignInHistory(ctx context.Context, subject string, since time.Time, kinds []string,
	limit int) ([]store.SecurityRow, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	q := selectSignInByUser + "(?" + strings.Repeat(", ?", len(kinds)-1) + ") ORDER BY seq DESC"
	args := []any{subject, fmtTime(since)}
	for _, k := range kinds {
		args = append(args, k)
	}
	if limit > 0 {
		q += " LIMIT ?"
		args = append(args, limit)
	}
	return db.securityRows(ctx, q, args...)
}

func scanSession(sc interface{ Scan(...any) error }) (*store.SessionRow, error) {
	var s store.SessionRow
	var created, seen, exp string
	err := sc.Scan(&s.TokenHash, &s.UserID, &s.CSRF, &created, &seen, &exp, &s.Address, &s.UserAgent, &s.Stage)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	s.Created, s.LastSeen = optTime(created), optTime(seen)
	if s.Expires, err = parseTime(exp); err != nil {
		return nil, err
	}
	return &s, nil
}

// optTime parses a time column that rows from before 00009 leave empty.
func optTime(s string) time.Time {
	t, err := parseTime(s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// SessionRow reads a session.
func (db *DB) SessionRow(ctx context.Context, tokenHash []byte) (*store.SessionRow, error) {
	return scanSession(db.row(ctx, selectSessionRow, tokenHash))
}

// TouchSession records a session's use.
func (db *DB) TouchSession(ctx context.Context, tokenHash []byte, t time.Time) error {
	_, err := db.w.ExecContext(ctx, db.d.q(touchSession), fmtTime(t), tokenHash)
	return err
}

// UserSessions lists a user's sessions.
func (db *DB) UserSessions(ctx context.Context, userID string) ([]store.SessionRow, error) {
	rows, err := db.query(ctx, selectUserSess, userID)
	if err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	defer rows.Close()
	var out []store.SessionRow
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("sessions: %w", err)
		}
		out = append(out, *s)
	}
	return out, rows.Err()
}

func scanToken(sc interface{ Scan(...any) error }) (*store.TokenRow, error) {
	var t store.TokenRow
	var created, exp, used, revoked string
	err := sc.Scan(&t.ID, &t.TokenHash, &t.UserID, &t.Name, &t.Scope, &created, &exp, &used, &t.LastUsedAddr,
		&revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	t.Created, t.Expires, t.LastUsed, t.Revoked = optTime(created), optTime(exp), optTime(used), optTime(revoked)
	return &t, nil
}

// TokenRow reads a token by its hash.
func (db *DB) TokenRow(ctx context.Context, tokenHash []byte) (*store.TokenRow, error) {
	return scanToken(db.row(ctx, selectTokenRow, tokenHash))
}

// TokenByID reads a token by its id.
func (db *DB) TokenByID(ctx context.Context, id string) (*store.TokenRow, error) {
	return scanToken(db.row(ctx, selectTokenID, id))
}

// Tokens lists tokens, a user's or everyone's.
func (db *DB) Tokens(ctx context.Context, userID string) ([]store.TokenRow, error) {
	rows, err := db.query(ctx, selectTokens, userID, userID)
	if err != nil {
		return nil, fmt.Errorf("api tokens: %w", err)
	}
	defer rows.Close()
	var out []store.TokenRow
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("api tokens: %w", err)
		}
		out = append(out, *t)
	}
	return out, rows.Err()
}

// TouchToken records a token's use.
func (db *DB) TouchToken(ctx context.Context, id string, t time.Time, addr string) error {
	_, err := db.w.ExecContext(ctx, db.d.q(touchToken), fmtTime(t), addr, id)
	return err
}

// PasswordState reads whether a password must be changed and when it was set.
func (db *DB) PasswordState(ctx context.Context, userID string) (bool, time.Time, error) {
	var must int
	var changed string
	err := db.row(ctx, selectPasswordState, userID).Scan(&must, &changed)
	if errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, store.ErrNotFound
	}
	if err != nil {
		return false, time.Time{}, err
	}
	return must != 0, optTime(changed), nil
}

func (x *tx) IndexSecurity(r store.SecurityRow) error {
	_, err := x.exec(insertSecurity, r.Seq, fmtTime(r.At), r.Kind, r.ActorID, r.UserID, r.Subject, r.Address,
		r.UserAgent, r.Detail, auth.AddressKey(r.Address))
	if err != nil {
		return fmt.Errorf("index security event %d: %w", r.Seq, err)
	}
	return nil
}

func (x *tx) CreateSessionRow(s store.SessionRow) error {
	_, err := x.exec(insertSessionRow, s.TokenHash, s.UserID, s.CSRF, fmtTime(s.Created), fmtTime(s.LastSeen),
		fmtTime(s.Expires), s.Address, s.UserAgent, s.Stage)
	return err
}

func affected(res sql.Result, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func (x *tx) EndSessions(userID string, keep []byte) (int, error) {
	if keep == nil {
		return affected(x.exec(endSessionsAll, userID))
	}
	return affected(x.exec(endSessionsBut, userID, keep))
}

func (x *tx) EndSession(userID string, tokenHash []byte) (int, error) {
	return affected(x.exec(endOneSession, userID, tokenHash))
}

func (x *tx) CreateTokenRow(t store.TokenRow) error {
	_, err := x.exec(insertTokenRow, t.ID, t.TokenHash, t.UserID, t.Name, t.Scope, fmtTime(t.Created),
		fmtTime(t.Expires), "", "", "")
	return err
}

func (x *tx) RevokeToken(id string, t time.Time) (bool, error) {
	n, err := affected(x.exec(revokeToken, fmtTime(t), id))
	return n > 0, err
}

func (x *tx) ChangePassword(userID, hash string, mustChange bool, t time.Time) error {
	must := 0
	if mustChange {
		must = 1
	}
	_, err := x.exec(changePassword, userID, hash, must, fmtTime(t))
	return err
}

const (
	selectSecondFactor = "SELECT totp_secret, pending_secret, enrolled_at, last_step FROM second_factors WHERE user_id = ?"
	offerTOTP          = `INSERT INTO second_factors (user_id, pending_secret) VALUES (?, ?)
		ON CONFLICT (user_id) DO UPDATE SET pending_secret = excluded.pending_secret`
	enrolTOTP = `INSERT INTO second_factors (user_id, totp_secret, pending_secret, enrolled_at, last_step)
		VALUES (?, ?, '', ?, ?) ON CONFLICT (user_id) DO UPDATE SET totp_secret = excluded.totp_secret,
		pending_secret = '', enrolled_at = excluded.enrolled_at, last_step = excluded.last_step`
	useTOTPStep        = "UPDATE second_factors SET last_step = ? WHERE user_id = ? AND last_step < ? AND totp_secret <> ''"
	deleteRecovery     = "DELETE FROM recovery_codes WHERE user_id = ?"
	insertRecovery     = "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?, ?)"
	useRecovery        = "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at = ''"
	countRecovery      = "SELECT count(*) FROM recovery_codes WHERE user_id = ? AND used_at = ''"
	deleteSecondFactor = "DELETE FROM second_factors WHERE user_id = ?"
	deletePasskeys     = "DELETE FROM passkeys WHERE user_id = ?"
	selectPasskeys     = "SELECT id, user_id, name, credential, created_at, last_used_at FROM passkeys WHERE user_id = ? " +
		"ORDER BY created_at"
	insertPasskey = "INSERT INTO passkeys (id, user_id, name, credential, created_at) VALUES (?, ?, ?, ?, ?)"
	usePasskey    = "UPDATE passkeys SET credential = ?, last_used_at = ? WHERE id = ?"
)

// Passkeys lists a user's passkeys.
func (db *DB) Passkeys(ctx context.Context, userID string) ([]store.PasskeyRow, error) {
	rows, err := db.query(ctx, selectPasskeys, userID)
	if err != nil {
		return nil, fmt.Errorf("passkeys: %w", err)
	}
	defer rows.Close()
	var out []store.PasskeyRow
	for rows.Next() {
		var p store.PasskeyRow
		var created, used string
		if err := rows.Scan(&p.ID, &p.UserID, &p.Name, &p.Credential, &created, &used); err != nil {
			return nil, fmt.Errorf("passkeys: %w", err)
		}
		p.Created, p.LastUsed = optTime(created), optTime(used)
		out = append(out, p)
	}
	return out, rows.Err()
}

func (x *tx) AddPasskey(p store.PasskeyRow) error {
	_, err := x.exec(insertPasskey, p.ID, p.UserID, p.Name, p.Credential, fmtTime(p.Created))
	return err
}

func (x *tx) UsePasskey(id []byte, credential string, t time.Time) error {
	_, err := x.exec(usePasskey, credential, fmtTime(t), id)
	return err
}

// SecondFactor reads a user's TOTP enrolment.
func (db *DB) SecondFactor(ctx context.Context, userID string) (*store.SecondFactorRow, error) {
	r := store.SecondFactorRow{UserID: userID}
	var enrolled string
	err := db.row(ctx, selectSecondFactor, userID).Scan(&r.Secret, &r.Pending, &enrolled, &r.LastStep)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, store.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	r.Enrolled = optTime(enrolled)
	return &r, nil
}

// RecoveryCodesLeft counts unused recovery codes.
func (db *DB) RecoveryCodesLeft(ctx context.Context, userID string) (int, error) {
	var n int
	err := db.row(ctx, countRecovery, userID).Scan(&n)
	return n, err
}

func (x *tx) OfferTOTP(userID, secret string) error {
	_, err := x.exec(offerTOTP, userID, secret)
	return err
}

func (x *tx) EnrolTOTP(userID, secret string, t time.Time, step int64) error {
	_, err := x.exec(enrolTOTP, userID, secret, fmtTime(t), step)
	return err
}

func (x *tx) UseTOTPStep(userID string, step int64) (bool, error) {
	n, err := affected(x.exec(useTOTPStep, step, userID, step))
	return n > 0, err
}

func (x *tx) SetRecoveryCodes(userID string, hashes [][]byte) error {
	if _, err := x.exec(deleteRecovery, userID); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := x.exec(insertRecovery, userID, h); err != nil {
			return err
		}
	}
	return nil
}

func (x *tx) UseRecoveryCode(userID string, hash []byte, t time.Time) (bool, error) {
	n, err := affected(x.exec(useRecovery, fmtTime(t), userID, hash))
	return n > 0, err
}

func (x *tx) DeleteSecondFactor(userID string) error {
	if _, err := x.exec(deleteRecovery, userID); err != nil {
		return err
	}
	if _, err := x.exec(deletePasskeys, userID); err != nil {
		return err
	}
	_, err := x.exec(deleteSecondFactor, userID)
	return err
}

var (
	_ store.AuthStore = (*DB)(nil)
	_ store.AuthTx    = (*tx)(nil)
)
