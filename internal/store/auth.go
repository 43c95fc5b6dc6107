package store

import (
	"context"
	"time"
)

// The authentication records: sessions, API tokens, password state and the
// security log's index. Sessions, tokens and password hashes are secrets
// and kept outside the event log; what happens to them (sign-ins, failures,
// lockouts, creation and revocation) is written to the log as security
// events, and each such event is also indexed in the security log table
// so it can be searched and counted (lockouts) without reading the log.

// AuthStore is what a Store offers for authentication (sqlstore.DB).
type AuthStore interface {
	// SecurityLog lists indexed security events, newest first.
	SecurityLog(ctx context.Context, f SecurityFilter) ([]SecurityRow, error)
	// SignInHistory lists the security rows of one subject (a username as
	// typed, lower-cased) of the given kinds at or after since, newest
	// first, at most limit (0: every one).
	SignInHistory(ctx context.Context, subject string, since time.Time, kinds []string, limit int) ([]SecurityRow,
		error)
	// SessionRow reads a session by its token's hash (ErrNotFound if none).
	SessionRow(ctx context.Context, tokenHash []byte) (*SessionRow, error)
	// TouchSession records that a session was used at t.
	TouchSession(ctx context.Context, tokenHash []byte, t time.Time) error
	// UserSessions lists a user's sessions, newest first.
	UserSessions(ctx context.Context, userID string) ([]SessionRow, error)
	// TokenRow reads an API token by its hash (ErrNotFound if none).
	TokenRow(ctx context.Context, tokenHash []byte) (*TokenRow, error)
	// TokenByID reads an API token by its id (ErrNotFound if none).
	TokenByID(ctx context.Context, id string) (*TokenRow, error)
	// Tokens lists the API tokens of a user ("" for everyone's), newest first.
	Tokens(ctx context.Context, userID string) ([]TokenRow, error)
	// TouchToken records that a token was used at t from addr.
	TouchToken(ctx context.Context, id string, t time.Time, addr string) error
	// PasswordState says whether a user must change their password at the
	// next sign-in, and when it was last set (zero if never recorded).
	PasswordState(ctx context.Context, userID string) (mustChange bool, changed time.Time, err error)
	// SecondFactor reads a user's second factor (ErrNotFound if none).
	SecondFactor(ctx context.Context, userID string) (*SecondFactorRow, error)
	// RecoveryCodesLeft counts a user's unused recovery codes.
	RecoveryCodesLeft(ctx context.Context, userID string) (int, error)
	// Passkeys lists a user's passkeys, oldest first.
	Passkeys(ctx context.Context, userID string) ([]PasskeyRow, error)
}

// PasskeyRow is a WebAuthn credential (Credential is go-webauthn's JSON).
type PasskeyRow struct {
	ID         []byte
	UserID     string
	Name       string
	Credential string
	Created    time.Time
	LastUsed   time.Time
}

// SecondFactorRow is a user's TOTP enrolment.
type SecondFactorRow struct {
	UserID   string
	Secret   string // enrolled (empty: none)
	Pending  string // offered, not yet confirmed with a code
	Enrolled time.Time
	LastStep int64 // the last time step accepted: never again
}

// AuthTx is what a write transaction offers for authentication.
type AuthTx interface {
	// IndexSecurity indexes a security event already appended to the log.
	IndexSecurity(r SecurityRow) error
	CreateSessionRow(s SessionRow) error
	// EndSessions deletes every session of a user but keep (a token hash,
	// or nil), and reports how many ended.
	EndSessions(userID string, keep []byte) (int, error)
	// EndSession deletes one session of a user by its token's hash.
	EndSession(userID string, tokenHash []byte) (int, error)
	CreateTokenRow(t TokenRow) error
	// RevokeToken marks a token revoked at t; false if it was not live.
	RevokeToken(id string, t time.Time) (bool, error)
	// ChangePassword stores a new hash, and whether it must be changed at
	// the next sign-in.
	ChangePassword(userID, hash string, mustChange bool, t time.Time) error
	// OfferTOTP keeps a secret offered to a user until confirmed.
	OfferTOTP(userID, secret string) error
	// EnrolTOTP makes secret the user's second factor, step its first use.
	EnrolTOTP(userID, secret string, t time.Time, step int64) error
	// UseTOTPStep records step as used if it is after the last one used;
	// false if it is not (a replayed or older code).
	UseTOTPStep(userID string, step int64) (bool, error)
	// SetRecoveryCodes replaces a user's recovery codes (their hashes).
	SetRecoveryCodes(userID string, hashes [][]byte) error
	// UseRecoveryCode marks an unused code used; false if there is none.
	UseRecoveryCode(userID string, hash []byte, t time.Time) (bool, error)
	// DeleteSecondFactor removes a user's TOTP, recovery codes and passkeys.
	DeleteSecondFactor(userID string) error
	AddPasskey(p PasskeyRow) error
	// UsePasskey stores a passkey's credential as updated by a use at t.
	UsePasskey(id []byte, credential string, t time.Time) error
}

// SecurityFilter selects security log rows. Empty fields do not filter.
type SecurityFilter struct {
	Kind    string
	UserID  string // the user the event is about, or who did it
	Address string
	// AddressKey: rows from any address that counts as this one
	// (auth.AddressKey: the same IPv4 address, or the same IPv6 /64).
	AddressKey string
	From       time.Time
	To         time.Time
	Before     int64 // page: rows with seq < Before (0: from the newest)
	Limit      int
}

// SecurityRow is a security event as indexed.
type SecurityRow struct {
	Seq       int64     `json:"seq"`
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	ActorID   string    `json:"actor_id,omitempty"` // who did it (a user id), if known
	UserID    string    `json:"user_id,omitempty"`  // the account it concerns, if known
	Subject   string    `json:"subject,omitempty"`  // the username as typed, lower-cased
	Address   string    `json:"address,omitempty"`
	UserAgent string    `json:"user_agent,omitempty"`
	Detail    string    `json:"detail,omitempty"`
}

// SessionRow is a signed-in browser or API client.
type SessionRow struct {
	TokenHash []byte
	UserID    string
	CSRF      string
	Created   time.Time
	LastSeen  time.Time
	Expires   time.Time
	Address   string
	UserAgent string
	// Stage is "" for a signed-in session; "mfa" while it waits for the
	// second factor, "enrol" while it must enrol one.
	Stage string
}

// TokenRow is an API token (only its hash is kept).
type TokenRow struct {
	ID           string    `json:"id"`
	TokenHash    []byte    `json:"-"`
	UserID       string    `json:"user_id"`
	Name         string    `json:"name"`
	Scope        string    `json:"scope"`
	Created      time.Time `json:"created"`
	Expires      time.Time `json:"expires"`
	LastUsed     time.Time `json:"last_used,omitzero"`
	LastUsedAddr string    `json:"last_used_address,omitempty"`
	Revoked      time.Time `json:"revoked,omitzero"`
}
