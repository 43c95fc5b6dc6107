-- +goose Up
-- Finding cases, and who read them.
--
-- case_terms: what a case can be found by, derived from its projection each
-- time it is written (sqlstore/find.go): names of victims, suspects and
-- other people by word, phone numbers in E.164 form, vehicle marks,
-- postcodes, and the suspect identifiers that link cases (docs/links.md).
-- Search and the links page read this index, never every case document.
CREATE TABLE case_terms (
    case_id TEXT NOT NULL,
    kind    TEXT NOT NULL,
    term    TEXT NOT NULL,
    label   TEXT NOT NULL DEFAULT '',
    shown   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, kind, term)
);
CREATE INDEX case_terms_term ON case_terms (kind, term);
-- One row once case_terms holds every case written before this migration.
CREATE TABLE case_terms_built (id BIGINT PRIMARY KEY CHECK (id = 1));

-- case_reads: every read of a case, one row per case per read event (a
-- case opened, or a list that showed it): the access report's index.
CREATE TABLE case_reads (
    seq     BIGINT NOT NULL,
    case_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    at      TEXT NOT NULL,
    how     TEXT NOT NULL,
    PRIMARY KEY (seq, case_id)
);
CREATE INDEX case_reads_case ON case_reads (case_id, seq);
CREATE INDEX case_reads_user ON case_reads (user_id, seq);
INSERT INTO case_reads (seq, case_id, user_id, at, how)
    SELECT seq, case_id, actor, at, 'case' FROM events WHERE type = 'case.viewed';

-- inbox_marks: alerts a user acknowledged or marked done (alert.* events).
CREATE TABLE inbox_marks (
    user_id TEXT NOT NULL,
    seq     BIGINT NOT NULL,
    state   TEXT NOT NULL,
    at      TEXT NOT NULL,
    PRIMARY KEY (user_id, seq)
);

-- The list columns of cases by id, so that joining the find index (or the
-- reads) to cases never reads a case document's pages.
CREATE INDEX cases_by_id ON cases (id, team_id, status, ref, owner_id, version, updated_at);

-- The force's own events by type, without reading the reads beside them.
CREATE INDEX events_force_type ON events (type, seq) WHERE case_id = '';

-- +goose Down
DROP INDEX events_force_type;
DROP INDEX cases_by_id;
DROP TABLE inbox_marks;
DROP TABLE case_reads;
DROP TABLE case_terms_built;
DROP TABLE case_terms;
