-- +goose Up
-- The case list filtered by status ("open", "proposed for closure") is
-- read a page at a time in reference order. With only (team_id, status)
-- and (team_id, ref), a page of a status few cases have read every case of
-- the team in reference order, each looked up to test its status: 11 s a
-- page at a million cases (holdfast bench --scale, issue 20). With status
-- in the index ahead of ref, a page reads its rows; force-wide readers (no
-- team) the same with (status, ref). cases_team is the new index's prefix.
CREATE INDEX cases_team_status_ref ON cases (team_id, status, ref);
CREATE INDEX cases_status_ref ON cases (status, ref);
DROP INDEX cases_team;

-- +goose Down
CREATE INDEX cases_team ON cases (team_id, status);
DROP INDEX cases_status_ref;
DROP INDEX cases_team_status_ref;
