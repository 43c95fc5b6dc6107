-- +goose Up
-- A flag whose finding is already open on its case is marked, so a steady
-- sweep reads only flags not yet raised: its cost follows what is new, not
-- the standing backlog (imported historic closures carry theirs forever).
ALTER TABLE case_flags ADD COLUMN raised SMALLINT NOT NULL DEFAULT 0;
UPDATE case_flags SET raised = 1 WHERE EXISTS (
    SELECT 1 FROM cases c,
        jsonb_array_elements(CASE WHEN jsonb_typeof(c.doc::jsonb -> 'findings') = 'array'
                                  THEN c.doc::jsonb -> 'findings' ELSE '[]'::jsonb END) f
    WHERE c.id = case_flags.case_id
      AND f ->> 'kind' = case_flags.kind
      AND NOT (f ? 'resolved'));
CREATE INDEX case_flags_unraised ON case_flags (raised, since);

-- +goose Down
DROP INDEX case_flags_unraised;
ALTER TABLE case_flags DROP COLUMN raised;
