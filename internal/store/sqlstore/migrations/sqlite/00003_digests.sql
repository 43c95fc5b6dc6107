-- +goose Up
-- One row per day whose digests went out: several instances share the
-- schedule, and the first to claim the day sends them.
CREATE TABLE digests (
    day     TEXT PRIMARY KEY,
    sent_at TEXT NOT NULL
);

-- +goose Down
DROP TABLE digests;
