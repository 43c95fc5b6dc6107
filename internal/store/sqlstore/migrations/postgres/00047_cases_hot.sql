-- +goose Up
-- A command's case update sets version, updated_at and doc: while an index
-- held version and updated_at (cases_by_id), PostgreSQL could not update
-- the row in place (a HOT update) and wrote an entry in each of the seven
-- indexes of cases, with the log head locked (docs/benchmarks.md, issue 20).
-- Without them it writes none; the reads that joined by id and took those two
-- columns from the index read them from the row.
DROP INDEX cases_by_id;
CREATE INDEX cases_by_id ON cases (id, team_id, status, ref, owner_id);
-- Room on each page for the row's next version, which a HOT update needs.
ALTER TABLE cases SET (fillfactor = 80);

-- +goose Down
ALTER TABLE cases RESET (fillfactor);
DROP INDEX cases_by_id;
CREATE INDEX cases_by_id ON cases (id, team_id, status, ref, owner_id, version, updated_at);
