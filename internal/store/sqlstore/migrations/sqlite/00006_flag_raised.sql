-- +goose Up
-- A flag whose finding is already open on its case is marked, so a steady
-- sweep reads only flags not yet raised: its cost follows what is new, not
-- the standing backlog (imported historic closures carry theirs forever).
ALTER TABLE case_flags ADD COLUMN raised INTEGER NOT NULL DEFAULT 0;
UPDATE case_flags SET raised = 1 WHERE EXISTS (
    SELECT 1 FROM cases c, json_each(c.doc, '$.findings') f
    WHERE c.id = case_flags.case_id
      AND json_extract(f.value, '$.kind') = case_flags.kind
      AND json_extract(f.value, '$.resolved') IS NULL);
CREATE INDEX case_flags_unraised ON case_flags (raised, since);

-- +goose Down
DROP INDEX case_flags_unraised;
ALTER TABLE case_flags DROP COLUMN raised;
