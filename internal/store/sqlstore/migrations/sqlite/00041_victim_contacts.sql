-- +goose Up
-- The contact log (issue 20): a victim's contacts leave the case's
-- document, which a command decodes and encodes whole, for this table, as
-- the duty history did for closed duties (00028); the document keeps the
-- count, the first and the latest contact of each kind, which is all the
-- fold, the gates and the watchdog read. Each row is the victim's n-th
-- contact (doc, domain.Contact as JSON). Written with the document
-- (sqlstore/history.go), compared by `holdfast rebuild`, read by the
-- service for the pages and the export, and filled from the documents of
-- older cases when the store opens.
CREATE TABLE IF NOT EXISTS victim_contacts (
    case_id   TEXT NOT NULL,
    victim_id TEXT NOT NULL,
    n         INTEGER NOT NULL,
    at        TEXT NOT NULL,
    doc       TEXT NOT NULL,
    PRIMARY KEY (case_id, victim_id, n)
);
-- One row once the documents written before this migration are split.
CREATE TABLE IF NOT EXISTS victim_contacts_built (id INTEGER PRIMARY KEY CHECK (id = 1));

-- +goose Down
DROP TABLE IF EXISTS victim_contacts_built;
DROP TABLE IF EXISTS victim_contacts;
