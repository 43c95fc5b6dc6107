-- +goose Up
-- A victim's notice of decisions owed now keeps each decision with its
-- own date (domain.Notice.Each). Documents written before it lack the
-- list, so rebuild would find them unlike the replay; notice.go fills it
-- from each such case's log once, and this row says it has.
CREATE TABLE IF NOT EXISTS notice_each_built (id INTEGER PRIMARY KEY CHECK (id = 1));

-- +goose Down
DROP TABLE IF EXISTS notice_each_built;
