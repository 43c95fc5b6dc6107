package sqlstore

// CasesFingerprintSQL is the query CasesFingerprint runs.
const CasesFingerprintSQL = casesFingerprintSQL
