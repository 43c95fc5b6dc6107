-- +goose Up
-- Authentication (docs/security.md): sessions with an idle timeout and the
-- address that opened them; API tokens with an id, expiry, scope, last use
-- and revocation; password state; and the security log's index, one row
-- for each security event in the log, for search and lockout counts.
ALTER TABLE sessions ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
CREATE INDEX sessions_user ON sessions (user_id);

ALTER TABLE api_tokens ADD COLUMN id TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'read-write';
ALTER TABLE api_tokens ADD COLUMN expires_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN revoked_at TEXT NOT NULL DEFAULT '';
UPDATE api_tokens SET id = substr(lower(hex(token_hash)), 1, 16) WHERE id = '';
CREATE INDEX api_tokens_user ON api_tokens (user_id);
CREATE INDEX api_tokens_id ON api_tokens (id);

ALTER TABLE credentials ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE credentials ADD COLUMN changed_at TEXT NOT NULL DEFAULT '';

CREATE TABLE security_log (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    kind       TEXT NOT NULL,
    actor_id   TEXT NOT NULL DEFAULT '',
    user_id    TEXT NOT NULL DEFAULT '',
    subject    TEXT NOT NULL DEFAULT '',
    address    TEXT NOT NULL DEFAULT '',
    user_agent TEXT NOT NULL DEFAULT '',
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX security_log_subject ON security_log (subject, seq);
CREATE INDEX security_log_user ON security_log (user_id, seq);
CREATE INDEX security_log_address ON security_log (address, seq);
CREATE INDEX security_log_kind ON security_log (kind, seq);

-- A session that has passed the password but not yet the second factor
-- (stage 'mfa') or must first enrol one ('enrol') is good for nothing else.
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT '';

-- Second factors: a TOTP secret (RFC 6238) and the last time step used, so
-- a code is never accepted twice; one-time recovery codes (their SHA-256);
-- passkeys (WebAuthn credentials).
CREATE TABLE second_factors (
    user_id        TEXT PRIMARY KEY,
    totp_secret    TEXT NOT NULL DEFAULT '',
    pending_secret TEXT NOT NULL DEFAULT '',
    enrolled_at    TEXT NOT NULL DEFAULT '',
    last_step      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE recovery_codes (
    user_id   TEXT NOT NULL,
    code_hash BLOB NOT NULL,
    used_at   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (user_id, code_hash)
);
CREATE TABLE passkeys (
    id           BLOB PRIMARY KEY,
    user_id      TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    credential   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL DEFAULT ''
);
CREATE INDEX passkeys_user ON passkeys (user_id);

-- +goose Down
DROP TABLE passkeys;
DROP TABLE recovery_codes;
DROP TABLE second_factors;
DROP TABLE security_log;
