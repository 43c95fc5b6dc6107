-- +goose Up
-- Cases imported from other systems, by their reference there: a
-- projection of case.imported events, so a re-import can tell a case it
-- already holds (same contents: skipped) from a conflicting one (refused).
CREATE TABLE imports (
    source_ref TEXT PRIMARY KEY,
    case_id    TEXT NOT NULL,
    hash       TEXT NOT NULL,
    seq        BIGINT NOT NULL
);

-- +goose Down
DROP TABLE imports;
