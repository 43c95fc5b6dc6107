-- +goose Up
-- The dashboard's and the team board's figures, kept by the write path
-- (figures.go) so that a page adds up a few rows per team instead of
-- reading every case. figures holds each team's counts by figure name;
-- case_figures what each case adds to them (its live document's part and
-- its closed duties' part), so a write takes back what the case added
-- before. figures_built says the record older than this was counted.
CREATE TABLE IF NOT EXISTS figures (
    team_id TEXT NOT NULL,
    figure  TEXT NOT NULL,
    n       INTEGER NOT NULL,
    PRIMARY KEY (team_id, figure)
);
CREATE TABLE IF NOT EXISTS case_figures (
    case_id TEXT PRIMARY KEY,
    team_id TEXT NOT NULL,
    live    TEXT NOT NULL,
    hist    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS figures_built (id INTEGER PRIMARY KEY CHECK (id = 1));

-- +goose Down
DROP TABLE IF EXISTS figures_built;
DROP TABLE IF EXISTS case_figures;
DROP TABLE IF EXISTS figures;
