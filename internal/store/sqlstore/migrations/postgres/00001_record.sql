-- +goose Up
-- The log is the record; every other table is a projection of it, except
-- credentials, sessions and tokens, which are secrets and never logged.
CREATE TABLE events (
    seq          BIGINT PRIMARY KEY,
    at           TEXT    NOT NULL,
    actor        TEXT    NOT NULL,
    case_id      TEXT    NOT NULL DEFAULT '',
    case_version BIGINT NOT NULL DEFAULT 0,
    type         TEXT    NOT NULL,
    v            BIGINT NOT NULL,
    source       TEXT    NOT NULL DEFAULT '',
    payload      TEXT    NOT NULL,
    prev_hash    BYTEA    NOT NULL,
    hash         BYTEA    NOT NULL
);
CREATE INDEX events_case ON events (case_id, seq);

CREATE TABLE log_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash BYTEA    NOT NULL,
    -- seq of the last organisation event: lets every instance cache the
    -- unit tree and users until it moves
    org_seq BIGINT NOT NULL DEFAULT 0
);
INSERT INTO log_head (id, seq, hash) VALUES (1, 0, '\x'::bytea);

CREATE TABLE units (
    id        TEXT PRIMARY KEY,
    kind      TEXT NOT NULL,
    parent_id TEXT NOT NULL DEFAULT '',
    doc       TEXT NOT NULL
);

CREATE TABLE users (
    id       TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    unit_id  TEXT NOT NULL,
    active   BIGINT NOT NULL,
    doc      TEXT NOT NULL
);

CREATE TABLE cases (
    id         TEXT PRIMARY KEY,
    ref        TEXT NOT NULL UNIQUE,
    team_id    TEXT NOT NULL,
    owner_id   TEXT NOT NULL DEFAULT '',
    status     TEXT NOT NULL,
    version    BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    doc        TEXT NOT NULL
);
CREATE INDEX cases_team ON cases (team_id, status);
CREATE INDEX cases_owner ON cases (owner_id, status);

-- Open duties only, indexed on due time: the watchdog's cost follows what
-- is due, not how many cases there are.
CREATE TABLE duties (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    accountable TEXT NOT NULL DEFAULT '',
    team_id     TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    escalation  BIGINT NOT NULL DEFAULT 0,
    -- next_at: when the watchdog must next act (the due time, then each
    -- escalation step); '' once the ladder is exhausted.
    next_at     TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX duties_due ON duties (due_at);
CREATE INDEX duties_next ON duties (next_at) WHERE next_at <> '';

-- Integrity problems a case's own state shows (domain.Case.Flags), kept
-- beside the projection so the watchdog reads only the flagged.
CREATE TABLE case_flags (
    case_id TEXT NOT NULL,
    kind    TEXT NOT NULL,
    since   TEXT NOT NULL,
    PRIMARY KEY (case_id, kind)
);
CREATE INDEX case_flags_since ON case_flags (since);

-- The in-app inbox: a projection of escalation and finding events.
CREATE TABLE inbox (
    seq     BIGINT NOT NULL,
    user_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    at      TEXT NOT NULL,
    kind    TEXT NOT NULL,
    text    TEXT NOT NULL,
    PRIMARY KEY (seq, user_id)
);
CREATE INDEX inbox_user ON inbox (user_id, seq);
CREATE INDEX duties_accountable ON duties (accountable, due_at);
CREATE INDEX duties_case ON duties (case_id);

CREATE TABLE checkpoints (
    size       BIGINT PRIMARY KEY,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Each run of ledger verification: the ledger page shows the last one.
CREATE TABLE ledger_runs (
    ran_at    TEXT    NOT NULL,
    ok        BIGINT NOT NULL,
    events    BIGINT NOT NULL,
    first_bad BIGINT NOT NULL DEFAULT 0,
    problem   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX ledger_runs_at ON ledger_runs (ran_at);

CREATE TABLE credentials (
    user_id       TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash BYTEA PRIMARY KEY,
    user_id    TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE api_tokens (
    token_hash BYTEA PRIMARY KEY,
    user_id    TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- +goose Down
SELECT 'the record is append-only: no down migration';
