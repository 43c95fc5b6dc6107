package sqlstore

import (
	"context"
	"fmt"

	"github.com/holdfast/holdfast/internal/store"
)

const casesFingerprintSQL = "SELECT COUNT(*), COALESCE(SUM(version), 0) FROM cases"

// CasesFingerprint implements store.CasesFingerprinter.
func (db *DB) CasesFingerprint(ctx context.Context) (store.CasesPrint, error) {
	var p store.CasesPrint
	if err := db.row(ctx, casesFingerprintSQL).Scan(&p.Cases, &p.Versions); err != nil {
		return p, fmt.Errorf("cases fingerprint: %w", err)
	}
	return p, nil
}

var _ store.CasesFingerprinter = (*DB)(nil)
