-- +goose Up
-- The team board reads a page of a command's open duties at a time, soonest
-- due first, from a cursor (due_at, id): this index answers each page
-- without reading the teams' other duties.
CREATE INDEX duties_team_due ON duties (team_id, due_at, id);

-- +goose Down
DROP INDEX duties_team_due;
