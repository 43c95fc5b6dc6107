-- +goose Up
-- An exercise database (holdfast exercise new) holds one row: its seed and
-- its plan, the errors planted in the synthetic caseload with the trainee
-- each was given to and what puts it right (JSON, internal/exercise). A
-- live database never has a row, which is how the pages and the scorer
-- tell an exercise from a real record.
CREATE TABLE exercise (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seed TEXT NOT NULL,
    plan TEXT NOT NULL
);

-- +goose Down
DROP TABLE exercise;
