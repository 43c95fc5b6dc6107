package service

import (
	"context"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// A case's past supervisory reviews live in the store's review log, not in
// its document (domain.Case.Reviews, issue 20). Commands, gates, the
// watchdog and the audit's conflict check read the summary the document
// keeps (ReviewCount, LastReviewAt, Reviewers). The reads that show a case
// — ViewCase, which has checked need-to-know and recorded the read, and
// the export — put them back with withReviews.

// withReviews fills c's reviews from the review log, cut at the count c's
// document holds: a review recorded since c was read belongs to a later
// version.
func (s *Service) withReviews(ctx context.Context, c *domain.Case) error {
	log, ok := s.st.(store.ReviewLog)
	if !ok {
		return nil
	}
	rs, err := log.Reviews(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("reviews of %s: %w", c.Ref, err)
	}
	fillReviews(c, rs)
	return nil
}

// fillReviews sets c's reviews from the log's; none is nil, as a case's
// JSON has always left out an empty list.
func fillReviews(c *domain.Case, rs []domain.Review) {
	c.Reviews = nil
	if n := min(len(rs), c.ReviewCount); n > 0 {
		c.Reviews = append(make([]domain.Review, 0, n), rs[:n]...)
	}
}

// exportReviews fills the chosen cases' reviews from the review log in one
// pass over it.
func (s *Service) exportReviews(ctx context.Context, chosen []*domain.Case) error {
	log, ok := s.st.(store.ReviewLog)
	if !ok || len(chosen) == 0 {
		return nil
	}
	byCase := make(map[string][]domain.Review, len(chosen))
	for _, c := range chosen {
		byCase[c.ID] = nil
	}
	err := log.ScanReviews(ctx, func(caseID string, r *domain.Review) error {
		if rs, ok := byCase[caseID]; ok {
			byCase[caseID] = append(rs, *r)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range chosen {
		fillReviews(c, byCase[c.ID])
	}
	return nil
}
