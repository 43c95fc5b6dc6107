package service

import (
	"context"
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// Victims' contacts live in the store's contact log, not in the case's
// document (domain.Victim.Contacts, issue 20). A command never reads them:
// the document keeps what the fold needs. The reads that show a case —
// ViewCase, which has checked need-to-know and recorded the read, and the
// export — put them back with withContacts.

// withContacts fills c's victims' contacts from the contact log, each cut
// at the count c's document holds: a contact recorded since c was read
// belongs to a later version.
func (s *Service) withContacts(ctx context.Context, c *domain.Case) error {
	log, ok := s.st.(store.ContactLog)
	if !ok {
		return nil
	}
	byVictim, err := log.Contacts(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("contacts of %s: %w", c.Ref, err)
	}
	fillContacts(c, byVictim)
	return nil
}

// fillContacts sets each victim's contacts from the log's, a fresh slice
// (c's victims may share a backing array with another value).
func fillContacts(c *domain.Case, byVictim map[string][]domain.Contact) {
	vs := make([]domain.Victim, len(c.Victims))
	copy(vs, c.Victims)
	for i := range vs {
		cs := byVictim[vs[i].ID]
		vs[i].Contacts = cs[:min(len(cs), vs[i].ContactCount):min(len(cs), vs[i].ContactCount)]
	}
	c.Victims = vs
}

// exportContacts fills the chosen cases' contacts from the contact log in
// one pass over it.
func (s *Service) exportContacts(ctx context.Context, chosen []*domain.Case) error {
	log, ok := s.st.(store.ContactLog)
	if !ok || len(chosen) == 0 {
		return nil
	}
	byCase := make(map[string]map[string][]domain.Contact, len(chosen))
	for _, c := range chosen {
		byCase[c.ID] = map[string][]domain.Contact{}
	}
	err := log.ScanContacts(ctx, func(caseID, victimID string, ct *domain.Contact) error {
		if m := byCase[caseID]; m != nil {
			m[victimID] = append(m[victimID], *ct)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, c := range chosen {
		fillContacts(c, byCase[c.ID])
	}
	return nil
}
