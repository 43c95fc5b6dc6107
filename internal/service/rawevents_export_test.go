package service

import (
	"context"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// RawEventsForTest appends the events build makes for the case as it
// stands, past every gate and reactor, as a legacy system or a version of
// Holdfast before a fix might have written them. Only tests reach it.
func RawEventsForTest(
	ctx context.Context,
	s *Service,
	caseID string,
	build func(c *domain.Case) ([]*event.Event, error),
) error {
	return s.st.Write(ctx, func(tx store.Tx) error {
		c, err := tx.Case(caseID)
		if err != nil {
			return err
		}
		evs, err := build(c)
		if err != nil {
			return err
		}
		prev := c.Version
		next, err := s.apply(tx, c, evs)
		if err != nil {
			return err
		}
		return tx.PutCase(next, prev)
	})
}
