-- +goose Up
-- An imported case now keeps when it was imported (domain.Case.ImportedAt,
-- commit 033ff47). Documents written before it lack it, so rebuild would
-- find them unlike the replay; imported_at.go fills it from each such
-- case's log once, and this row says it has.
CREATE TABLE IF NOT EXISTS imported_at_built (id BIGINT PRIMARY KEY CHECK (id = 1));

-- +goose Down
DROP TABLE IF EXISTS imported_at_built;
