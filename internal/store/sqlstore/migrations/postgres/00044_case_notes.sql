-- +goose Up
-- The note log (issue 20): a case's notes leave its document, which a
-- command decodes and encodes whole, for this table, as victims' contacts
-- did (00041); a case grows a note at a time, so its document grew with
-- its age. The document keeps the count (note_count); no command, gate or
-- the watchdog reads the notes themselves. Each row is the case's n-th
-- note (doc, domain.Note as JSON; id for a correction's check). Written
-- with the document (sqlstore/notes.go), compared by `holdfast rebuild`,
-- read by the service for the pages and the export, and filled from the
-- documents of older cases when the store opens.
CREATE TABLE IF NOT EXISTS case_notes (
    case_id TEXT NOT NULL,
    n       INTEGER NOT NULL,
    id      TEXT NOT NULL,
    at      TEXT NOT NULL,
    doc     TEXT NOT NULL,
    PRIMARY KEY (case_id, n)
);
-- One row once the documents written before this migration are split.
CREATE TABLE IF NOT EXISTS case_notes_built (id BIGINT PRIMARY KEY CHECK (id = 1));

-- +goose Down
DROP TABLE IF EXISTS case_notes_built;
DROP TABLE IF EXISTS case_notes;
