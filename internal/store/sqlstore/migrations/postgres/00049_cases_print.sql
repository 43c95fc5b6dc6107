-- +goose Up
-- The cases fingerprint (count of cases, sum of their versions) kept in the
-- log head: every case write adds to it in the row update that moves the
-- head, once a batch, rather than each read summing the cases, which since
-- 00047 no index of cases can answer. Filled here from the cases; the lock
-- ALTER TABLE takes on log_head keeps writers, which lock the head first,
-- from writing a case until this commits.
ALTER TABLE log_head
    ADD COLUMN cases BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN case_versions BIGINT NOT NULL DEFAULT 0;
UPDATE log_head SET
    cases = (SELECT COUNT(*) FROM cases),
    case_versions = (SELECT COALESCE(SUM(version), 0) FROM cases)
WHERE id = 1;

-- +goose Down
ALTER TABLE log_head DROP COLUMN case_versions, DROP COLUMN cases;
