-- +goose Up
-- Matching a person against the POLE index happens after the command that
-- recorded or changed them has committed (issue 19). So that a failure
-- there (the database busy, the process stopped) is retried rather than
-- lost, the write that adds a person or changes what they are matched on
-- (name, date of birth, address, phone, vehicle) queues them here in the
-- same transaction; a successful match deletes the row, a failed one puts
-- next_at back, and the watchdog's sweep matches whatever is due.
CREATE TABLE pole_unmatched (
    case_id    TEXT NOT NULL,
    person_id  TEXT NOT NULL,
    version    BIGINT NOT NULL,
    queued_at  TEXT NOT NULL,
    next_at    TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, person_id)
);
CREATE INDEX pole_unmatched_due ON pole_unmatched (next_at);
-- The matching models trained on the force's own index (`holdfast persons
-- train`), newest version used; params is persons.Params as JSON.
CREATE TABLE pole_models (
    version    INTEGER PRIMARY KEY,
    trained_at TEXT NOT NULL,
    people     INTEGER NOT NULL,
    params     TEXT NOT NULL
);

-- +goose Down
DROP TABLE pole_models;
DROP TABLE pole_unmatched;
