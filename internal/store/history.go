package store

import (
	"context"

	"github.com/holdfast/holdfast/internal/domain"
)

// DutyHistory reads the duties cases no longer owe. Met or cancelled, a
// duty leaves its case's document (domain.Case.Duties) for a table of its
// own, so a command's cost does not grow with the case's age; the pages
// that show what was owed read them here.
type DutyHistory interface {
	// ClosedDuties lists the duties case caseID no longer owes, in the
	// order they were opened.
	ClosedDuties(ctx context.Context, caseID string) ([]domain.Duty, error)
	// ScanClosedDuties streams every case's closed duties, by case.
	ScanClosedDuties(ctx context.Context, fn func(caseID string, d *domain.Duty) error) error
	// ScanClosedDutiesByTeam streams every closed duty with the team that
	// has its case now, in no particular order, so a caller adding them up
	// by team need not keep a map of every case (the dashboard).
	ScanClosedDutiesByTeam(ctx context.Context, fn func(teamID string, d *domain.Duty) error) error
}

// ContactLog reads victims' contacts. A contact leaves its case's document
// (domain.Victim.Contacts) for a table of its own, as a closed duty does;
// the document keeps what the fold needs (domain.Victim.LatestContacts).
// Contacts are personal data: only the service reads them, for a reader
// it has authorised and whose read it has recorded.
type ContactLog interface {
	// Contacts lists case caseID's contacts by victim id, each victim's
	// in the order recorded.
	Contacts(ctx context.Context, caseID string) (map[string][]domain.Contact, error)
	// ScanContacts streams every contact, by case, victim and order.
	ScanContacts(ctx context.Context, fn func(caseID, victimID string, c *domain.Contact) error) error
}

// NoteLog reads a case's notes. A note leaves its case's document
// (domain.Case.Notes) for a table of its own, as a contact does; the
// document keeps their count. Notes are case material: only the service
// reads them, for a reader it has authorised and whose read it has
// recorded, or to check a correction names a note of the case.
type NoteLog interface {
	// Notes lists case caseID's notes in the order added.
	Notes(ctx context.Context, caseID string) ([]domain.Note, error)
	// ScanNotes streams every note, by case and order.
	ScanNotes(ctx context.Context, fn func(caseID string, n *domain.Note) error) error
	// HasNote reports whether case caseID has a note with id noteID.
	HasNote(ctx context.Context, caseID, noteID string) (bool, error)
}

// ReviewLog reads a case's past supervisory reviews. They leave the case's
// document (domain.Case.Reviews) for a table of their own, as its notes
// do; the document keeps the summary commands read (the count, the last
// review's date and who reviewed). Only the service reads them, for a
// reader it has authorised and whose read it has recorded.
type ReviewLog interface {
	// Reviews lists case caseID's reviews in the order recorded.
	Reviews(ctx context.Context, caseID string) ([]domain.Review, error)
	// ScanReviews streams every review, by case and order.
	ScanReviews(ctx context.Context, fn func(caseID string, r *domain.Review) error) error
}
