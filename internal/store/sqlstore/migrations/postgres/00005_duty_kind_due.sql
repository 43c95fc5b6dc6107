-- +goose Up
-- Overdue duties of one kind (transfers not accepted in time) found through
-- an index, so a sweep that does not list the whole overdue backlog never
-- reads it.
CREATE INDEX duties_kind_due ON duties (kind, due_at);

-- +goose Down
DROP INDEX duties_kind_due;
