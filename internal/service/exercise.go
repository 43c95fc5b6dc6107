package service

import (
	"context"
	"fmt"
	"slices"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/exercise"
)

// exerciseStore is what a store holding exercises adds (sqlstore.DB).
type exerciseStore interface {
	Exercise(ctx context.Context) (plan []byte, ok bool, err error)
}

// ExercisePlan returns the exercise the database holds (holdfast exercise
// new), or nil in a live database.
func (s *Service) ExercisePlan(ctx context.Context) (*exercise.Plan, error) {
	es, ok := s.st.(exerciseStore)
	if !ok {
		return nil, nil
	}
	b, ok, err := es.Exercise(ctx)
	if err != nil || !ok {
		return nil, err
	}
	return exercise.Unmarshal(b)
}

// ExerciseScore is the trainer's report of the exercise, read from the
// event log: administrators only (they set the exercise up), and only in
// an exercise database — a live one has no such page (ErrNotFound).
func (s *Service) ExerciseScore(ctx context.Context, a *Actor) (*exercise.Report, error) {
	if a == nil {
		return nil, fmt.Errorf("exercise score: %w", ErrUnauthenticated)
	}
	p, err := s.ExercisePlan(ctx)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, fmt.Errorf("this database holds no exercise: %w", ErrNotFound)
	}
	if err := a.need("see the exercise's score", domain.RoleAdmin); err != nil {
		return nil, err
	}
	return exercise.Score(p, func(caseID string) ([]*event.Event, error) { return s.st.CaseEvents(ctx, caseID) })
}

// ExerciseCases lists the errors given to a, a trainee of the exercise
// the database holds, for their page: the cases only — finding what is
// wrong in each is the exercise. ErrNotFound in a live database or for
// anyone else.
func (s *Service) ExerciseCases(ctx context.Context, a *Actor) ([]string, error) {
	if a == nil {
		return nil, fmt.Errorf("exercise cases: %w", ErrUnauthenticated)
	}
	p, err := s.ExercisePlan(ctx)
	if err != nil {
		return nil, err
	}
	if p == nil || !p.IsTrainee(a.ID()) {
		return nil, fmt.Errorf("you have no exercise in this database: %w", ErrNotFound)
	}
	var refs []string
	for _, x := range p.Of(a.ID()) {
		if !slices.Contains(refs, x.Ref) {
			refs = append(refs, x.Ref)
		}
	}
	slices.Sort(refs)
	return refs, nil
}
