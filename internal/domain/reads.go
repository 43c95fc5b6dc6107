package domain

// EvRecordsRead records one request that showed personal data from many
// cases at once — a list, a queue, a report (issue 16, item 5): who read,
// which view, and the cases shown (or the query, where the view is a
// search). It is a force-level event (no case id) and changes nothing;
// "who looked at this case" reads the cases it names.
const EvRecordsRead = "records.read"

// RecordsRead is the payload of EvRecordsRead.
type RecordsRead struct {
	View  string   `json:"view"`            // e.g. "audits.triage", "audit.report"
	Cases []string `json:"cases,omitempty"` // ids of the cases shown
	Query string   `json:"query,omitempty"` // what was asked for, where it selects the cases
}

// Alerts acknowledged or marked done by their reader: force-level events
// (the inbox rows they mark name their cases).
const (
	EvAlertAcknowledged = "alert.acknowledged"
	EvAlertDone         = "alert.done"
)

// AlertMarked acknowledges, or marks done, alerts in the reader's inbox:
// the inbox rows (by the sequence number of the event that raised each)
// of one case, which the inbox shows as one.
type AlertMarked struct {
	CaseID string  `json:"case_id"`
	Seqs   []int64 `json:"seqs"`
}
