-- +goose Up
-- pole_keys' key becomes a named unique index instead of the table's
-- primary key: the same rows, the same uniqueness, the same lookups, but
-- an index a large import can drop and build again in one sorted pass
-- (sqlstore/bulk.go). Filled in the order of its case, as an import writes
-- it, the key (by name and term) lands on a page at random each row, and
-- SQLite wrote each of those pages to the write-ahead log many times over.
CREATE TABLE pole_keys_new (
    kind      TEXT NOT NULL,
    term      TEXT NOT NULL,
    case_id   TEXT NOT NULL,
    person_id TEXT NOT NULL,
    shown     TEXT NOT NULL DEFAULT ''
);
INSERT INTO pole_keys_new (kind, term, case_id, person_id, shown)
    SELECT kind, term, case_id, person_id, shown FROM pole_keys ORDER BY case_id, kind;
DROP TABLE pole_keys;
ALTER TABLE pole_keys_new RENAME TO pole_keys;
CREATE UNIQUE INDEX pole_keys_key ON pole_keys (kind, term, case_id, person_id);
CREATE INDEX pole_keys_case ON pole_keys (case_id, kind);

-- +goose Down
CREATE TABLE pole_keys_old (
    kind      TEXT NOT NULL,
    term      TEXT NOT NULL,
    case_id   TEXT NOT NULL,
    person_id TEXT NOT NULL,
    shown     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (kind, term, case_id, person_id)
);
INSERT INTO pole_keys_old (kind, term, case_id, person_id, shown)
    SELECT kind, term, case_id, person_id, shown FROM pole_keys;
DROP TABLE pole_keys;
ALTER TABLE pole_keys_old RENAME TO pole_keys;
CREATE INDEX pole_keys_case ON pole_keys (case_id, kind);
