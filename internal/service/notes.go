package service

import (
	"context"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// A case's notes live in the store's note log, not in its document
// (domain.Case.Notes, issue 20). A command never reads them, except to
// check that a correction names a note of the case (noteOnCase). The reads
// that show a case — ViewCase, which has checked need-to-know and recorded
// the read, and the export — put them back with withNotes.

// withNotes fills c's notes from the note log, cut at the count c's
// document holds: a note added since c was read belongs to a later
// version.
func (s *Service) withNotes(ctx context.Context, c *domain.Case) error {
	log, ok := s.st.(store.NoteLog)
	if !ok {
		return nil
	}
	ns, err := log.Notes(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("notes of %s: %w", c.Ref, err)
	}
	fillNotes(c, ns)
	return nil
}

// fillNotes sets c's notes from the log's, never nil: a case's JSON has
// always listed its notes, none as [].
func fillNotes(c *domain.Case, ns []domain.Note) {
	n := min(len(ns), c.NoteCount)
	c.Notes = append(make([]domain.Note, 0, n), ns[:n]...)
}

// exportNotes fills the chosen cases' notes from the note log in one pass
// over it.
func (s *Service) exportNotes(ctx context.Context, chosen []*domain.Case) error {
	log, ok := s.st.(store.NoteLog)
	if !ok || len(chosen) == 0 {
		return nil
	}
	byCase := make(map[string][]domain.Note, len(chosen))
	for _, c := range chosen {
		byCase[c.ID] = nil
	}
	err := log.ScanNotes(ctx, func(caseID string, n *domain.Note) error {
		if ns, ok := byCase[caseID]; ok {
			byCase[caseID] = append(ns, *n)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range chosen {
		fillNotes(c, byCase[c.ID])
	}
	return nil
}

// noteOnCase reports whether case caseID has note id, in the note log:
// a correction must name one. Notes are never removed, so the answer
// read before a command still holds when it commits.
func (s *Service) noteOnCase(ctx context.Context, caseID, id string) (bool, error) {
	log, ok := s.st.(store.NoteLog)
	if !ok || id == "" {
		return false, nil
	}
	found, err := log.HasNote(ctx, caseID, id)
	if err != nil {
		return false, fmt.Errorf("notes of %s: %w", caseID, err)
	}
	return found, nil
}
