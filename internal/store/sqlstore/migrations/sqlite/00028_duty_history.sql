-- +goose Up
-- The duty history (issue 20): duties met or cancelled leave the case's
-- document, which a command decodes and encodes whole, for this table, so a
-- command's cost does not grow with the case's age. Each row is the duty as
-- it closed (doc, domain.Duty as JSON). Written with the document
-- (sqlstore/history.go), compared by `holdfast rebuild`, and filled from the
-- documents of older cases when the store opens.
CREATE TABLE duty_history (
    id        TEXT PRIMARY KEY,
    case_id   TEXT NOT NULL,
    status    TEXT NOT NULL,
    closed_at TEXT NOT NULL,
    doc       TEXT NOT NULL
);
CREATE INDEX duty_history_case ON duty_history (case_id, id);
-- One row once the documents written before this migration are split.
CREATE TABLE duty_history_built (id INTEGER PRIMARY KEY CHECK (id = 1));

-- +goose Down
DROP TABLE duty_history_built;
DROP TABLE duty_history;
