-- +goose Up
-- The find index gains the pairs of words of each person's name (kind
-- 'pair', store.TermPair), so that a search for a full name finds the
-- cases where one person bears it. Cases indexed before have a digest row
-- without store.TermsShape's prefix; clearing the marker makes opening
-- the record index them again, a chunk of cases a transaction
-- (sqlstore buildTerms), as it built the index for cases older than it.
-- The marker goes once, under the migrations' lock, before any instance
-- of this version serves (a PostgreSQL instance remembers the builds done
-- only after its own open: optimistic.go's buildsDone).
DELETE FROM case_terms_built;

-- +goose Down
-- Nothing to undo: the older code reads the pairs' rows as a kind it
-- never asks for.
SELECT 1;
