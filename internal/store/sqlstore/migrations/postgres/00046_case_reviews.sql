-- +goose Up
-- The review log (issue 20): a case's past supervisory reviews leave its
-- document, which a command decodes and encodes whole, for this table, as
-- its notes did (00044); a case gains a review every review period, so its
-- document grew with its age. The document keeps what commands, gates, the
-- watchdog and the audit's conflict check read: the count (review_count),
-- when the last was held (last_review_at) and who reviewed (reviewers).
-- Each row is the case's n-th review (doc, domain.Review as JSON). Written
-- with the document (sqlstore/reviews.go), compared by `holdfast rebuild`,
-- read by the service for the pages and the export, and filled from the
-- documents of older cases when the store opens.
CREATE TABLE IF NOT EXISTS case_reviews (
    case_id TEXT NOT NULL,
    n       INTEGER NOT NULL,
    id      TEXT NOT NULL,
    at      TEXT NOT NULL,
    doc     TEXT NOT NULL,
    PRIMARY KEY (case_id, n)
);
-- One row once the documents written before this migration are split.
CREATE TABLE IF NOT EXISTS case_reviews_built (id BIGINT PRIMARY KEY CHECK (id = 1));

-- +goose Down
DROP TABLE IF EXISTS case_reviews_built;
DROP TABLE IF EXISTS case_reviews;
