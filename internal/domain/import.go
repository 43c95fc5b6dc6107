package domain

// EvCaseImported closes the history of a case brought in from another
// system: the events before it (marked with their source) are that
// system's record; this one says when, from where and by whom it came.
const EvCaseImported = "case.imported"

type CaseImported struct {
	System    string `json:"system"`     // the file or system it came from
	SourceRef string `json:"source_ref"` // the case's reference there
	Hash      string `json:"hash"`       // of the imported record: a re-import compares it
	Line      int    `json:"line"`
}
