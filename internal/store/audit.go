package store

import "context"

// CasesFingerprinter is a store that can tell cheaply whether any case
// projection has changed: the audit triage keeps its ranked queue while the
// fingerprint stays the same, rather than decoding every case again.
type CasesFingerprinter interface {
	// CasesFingerprint changes whenever a case is added or its version
	// moves (the count of cases and the sum of their versions). Reads
	// and the watchdog's bookkeeping, which move no version, leave it.
	CasesFingerprint(ctx context.Context) (CasesPrint, error)
}

// CasesPrint is a CasesFingerprint.
type CasesPrint struct {
	Cases    int64
	Versions int64
}
