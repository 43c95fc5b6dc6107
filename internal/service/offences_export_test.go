package service

import (
	"context"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/store"
)

// OpenLegacyOffencesForTest opens a case as a Holdfast before offences
// were classified did: its offence types free text, written as they came.
func OpenLegacyOffencesForTest(ctx context.Context, s *Service, teamID string, offences []string) (*domain.Case, error) {
	var out *domain.Case
	err := s.st.Write(ctx, func(tx store.Tx) error {
		org, err := tx.Org()
		if err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		n, err := tx.NextCaseNumber("CSE/2019/")
		if err != nil {
			return err
		}
		id := s.newID()
		e, err := domain.NewEvent(domain.EvCaseOpened, "system:legacy", id, now, domain.CaseOpened{
			ID: id, Ref: fmt.Sprintf("CSE/2019/%06d", n), ForceID: domain.Org{Units: org.Units}.ForceOf(teamID),
			TeamID: teamID, OffenceTypes: offences, Summary: "a case recorded before classification",
			Marking: "OFFICIAL-SENSITIVE"})
		if err != nil {
			return err
		}
		out, err = s.commit(tx, nil, org, []*event.Event{e}, now)
		return err
	})
	return out, err
}
