-- +goose Up
-- A closure sent back now keeps who sent it back and when
-- (domain.Closure.RejectedBy, RejectedAt). Documents written before it
-- lack them, so rebuild would find them unlike the replay; senders.go
-- fills them from each such case's log once, and this row says it has.
CREATE TABLE IF NOT EXISTS closure_senders_built (id INTEGER PRIMARY KEY CHECK (id = 1));

-- +goose Down
DROP TABLE IF EXISTS closure_senders_built;
