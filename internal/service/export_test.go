package service

import (
	"context"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// ForceCloseForTest writes a closure the way a legacy system might have:
// proposed and "approved" by the same hand, past every gate and reactor.
// Only tests can reach it; it stands for imported history.
func ForceCloseForTest(ctx context.Context, s *Service, caseID, outcome string) error {
	return s.st.Write(ctx, func(tx store.Tx) error {
		c, err := tx.Case(caseID)
		if err != nil {
			return err
		}
		now, prev := s.clock.Now(), c.Version
		p, err := domain.NewEvent(
			domain.EvClosureProposed,
			"system:legacy",
			c.ID,
			now,
			domain.ClosureProposed{
				Closure: domain.Closure{ID: "legacy", Outcome: outcome, ProposedBy: "system:legacy", ProposedAt: now},
			},
		)
		if err != nil {
			return err
		}
		a, err := domain.NewEvent(
			domain.EvClosureApproved,
			"system:legacy",
			c.ID,
			now,
			domain.ClosureApproved{ID: "legacy"},
		)
		if err != nil {
			return err
		}
		next, err := s.apply(tx, c, []*event.Event{p, a})
		if err != nil {
			return err
		}
		return tx.PutCase(next, prev)
	})
}

// SetBoardLimitForTest lowers how many duties a team board lists, so a test
// can see a board that leaves some out without opening thousands.
func SetBoardLimitForTest(s *Service, n int) { s.boardLimit = n }

func SetBirthDateMostForTest(s *Service, n int) { s.birthMost = n }
