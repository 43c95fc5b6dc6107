-- +goose Up
-- The cases fingerprint (count of cases, sum of their versions) kept in the
-- log head, as on PostgreSQL (see its migration): every case write adds to
-- it in the row update that moves the head, and reading it reads one row.
ALTER TABLE log_head ADD COLUMN cases INTEGER NOT NULL DEFAULT 0;
ALTER TABLE log_head ADD COLUMN case_versions INTEGER NOT NULL DEFAULT 0;
UPDATE log_head SET
    cases = (SELECT COUNT(*) FROM cases),
    case_versions = (SELECT COALESCE(SUM(version), 0) FROM cases)
WHERE id = 1;

-- +goose Down
ALTER TABLE log_head DROP COLUMN case_versions;
ALTER TABLE log_head DROP COLUMN cases;
