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
}
