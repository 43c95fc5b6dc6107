-- +goose Up
-- The POLE index (issue 19, docs/persons.md#the-index): every person on a
-- case with their role there, the phones, vehicles and addresses they
-- bear, and their blocking keys for matching. Derived from each case's
-- projection whenever it is written (sqlstore/pole.go), compared by
-- `holdfast rebuild`, and filled for older cases when the store opens.
CREATE TABLE pole_people (
    case_id   TEXT NOT NULL,
    person_id TEXT NOT NULL,
    role      TEXT NOT NULL,
    name      TEXT NOT NULL DEFAULT '',
    dob       TEXT NOT NULL DEFAULT '',
    phone     TEXT NOT NULL DEFAULT '',
    vehicle   TEXT NOT NULL DEFAULT '',
    address   TEXT NOT NULL DEFAULT '',
    postcode  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, person_id)
);
-- pole_keys: objects (kind phone, vehicle, address) and blocking keys
-- (kind 'm:' and the rule) of each person; candidates for a new person
-- are the rows sharing one of its keys.
CREATE TABLE pole_keys (
    kind      TEXT NOT NULL,
    term      TEXT NOT NULL,
    case_id   TEXT NOT NULL,
    person_id TEXT NOT NULL,
    shown     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (kind, term, case_id, person_id)
);
CREATE INDEX pole_keys_case ON pole_keys (case_id, kind);
-- One row a case: a digest of its rows above, so that a write that
-- changed none of them costs one indexed read.
CREATE TABLE pole_digests (
    case_id TEXT PRIMARY KEY,
    digest  TEXT NOT NULL
);
-- One row once the index holds every case written before this migration.
CREATE TABLE pole_built (id BIGINT PRIMARY KEY CHECK (id = 1));

-- +goose Down
DROP TABLE pole_built;
DROP TABLE pole_digests;
DROP TABLE pole_keys;
DROP TABLE pole_people;
