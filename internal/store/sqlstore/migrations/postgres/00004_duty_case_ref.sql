-- +goose Up
-- The case reference beside each open duty: work lists and the watchdog
-- read only the duty index, never a case document, so their cost follows
-- what is due and not how many cases there are.
ALTER TABLE duties ADD COLUMN case_ref TEXT NOT NULL DEFAULT '';
UPDATE duties SET case_ref = (SELECT ref FROM cases WHERE cases.id = duties.case_id);

-- +goose Down
ALTER TABLE duties DROP COLUMN case_ref;
