package sqlstore

import (
	"context"
	"fmt"

	"github.com/holdfast/holdfast/internal/store"
)

// casesFingerprintSQL reads the count of cases and the sum of their
// versions from the log head, where every case write adds to them in its
// own transaction (saveHead). Summing the cases instead reads the whole
// table on PostgreSQL, whose indexes on cases leave version out so that a
// command's update is made in place (migration 00047): a cost that grows
// with the caseload, paid on every links page (migration 00049).
const casesFingerprintSQL = "SELECT cases, case_versions FROM log_head WHERE id = 1"

// CasesFingerprint implements store.CasesFingerprinter.
func (db *DB) CasesFingerprint(ctx context.Context) (store.CasesPrint, error) {
	var p store.CasesPrint
	if err := db.row(ctx, casesFingerprintSQL).Scan(&p.Cases, &p.Versions); err != nil {
		return p, fmt.Errorf("cases fingerprint: %w", err)
	}
	return p, nil
}

var _ store.CasesFingerprinter = (*DB)(nil)
