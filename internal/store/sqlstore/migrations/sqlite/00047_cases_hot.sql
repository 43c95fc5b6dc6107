-- +goose Up
-- Nothing on SQLite: 00047 lets PostgreSQL update a case row in place (see
-- the PostgreSQL migration); SQLite leaves alone every index on a column an
-- UPDATE does not set, so its cases_by_id costs a command nothing.
SELECT 1;

-- +goose Down
SELECT 1;
