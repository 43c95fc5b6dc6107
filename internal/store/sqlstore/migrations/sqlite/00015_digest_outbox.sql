-- +goose Up
-- The daily digests' outbox: one row per message, written in the same
-- transaction as the day's claim (digests), so a message is never lost to a
-- crash or to the mail server being down; sent_at marks it delivered, so it
-- never goes twice. An unsent message is retried at next_at, backing off;
-- lease_until keeps two instances from sending it at once.
CREATE TABLE digest_mail (
    day         TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    username    TEXT NOT NULL,
    to_addr     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    next_at     TEXT NOT NULL,
    lease_until TEXT NOT NULL DEFAULT '',
    sent_at     TEXT,
    last_error  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (day, user_id)
);
CREATE INDEX digest_mail_unsent ON digest_mail (next_at) WHERE sent_at IS NULL;

-- +goose Down
DROP TABLE digest_mail;
