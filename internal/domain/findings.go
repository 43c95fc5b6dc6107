package domain

import "sort"

// Finding kinds the watchdog raises that are not also flags on the case
// (FlagNoOwner and the rest are). The strings are stable.
const (
	FindingOrphaned        = "orphaned"              // owner left or inactive
	FindingTransferOverdue = "transfer_not_accepted" // lost between departments
	// An audit's review of a sampled case assigned and never submitted,
	// and a "no concerns" review of a high-risk case never signed off:
	// the audit would stall with nobody prompted. The names must not
	// start with AuditFindingPrefix, which marks a reviewer's finding (one
	// that owes a finding_response duty and an answer).
	FindingAuditReviewOverdue  = "overdue_audit_review"
	FindingAuditSignOffOverdue = "overdue_audit_sign_off"
	// Work held that needs an accreditation which has lapsed (issue 21).
	FindingAccreditationLapsed = "accreditation_lapsed"
)

// WatchdogFinding is one kind of finding the watchdog raises: how severe
// it is and what it tells the person who must act.
type WatchdogFinding struct {
	Kind     string
	Severity string
	Text     string
}

// WatchdogFindings are the kinds of finding the watchdog raises, each
// catching a failure the reviews found: the service raises them
// (service/sweep.go), docs/watchdog.md lists them and internal/guidance
// explains each. A literal table, so what depends on the list needs only
// the domain.
var WatchdogFindings = []WatchdogFinding{
	{FindingOrphaned, SeverityHigh,
		"The case's owner has left or is inactive: allocate it to a serving officer"},
	{FlagNoOwner, SeverityHigh, "The case is open but allocated to nobody: allocate it"},
	{FlagNoOpenDuty, SeverityHigh,
		"The case is open but nothing is owed on it, so nobody will be prompted: review it"},
	{FlagClosedWithOpenWork, SeverityHigh,
		"The case was closed while lines of enquiry or duties were still open: review the closure"},
	{FlagClosedWithoutApproval, SeverityHigh,
		"The case is marked closed without a closure approved by a second person: review it"},
	{FlagVictimNoContactPlan, SeverityMedium, "A victim on this open case has no agreed contact plan: agree one"},
	{FindingTransferOverdue, SeverityHigh,
		"A transfer of this case has not been accepted in time: accept or reject it"},
	{FindingAuditReviewOverdue, SeverityMedium,
		"An audit's review of this case is overdue: submit it, or reassign it"},
	{FindingAuditSignOffOverdue, SeverityMedium,
		"A \"no concerns\" review of this case awaits a second auditor's sign-off past its time: sign it off or send it back"},
	{FindingAccreditationLapsed, SeverityHigh,
		"An officer holds work on this case that needs an accreditation which has lapsed: refresh it or reallocate the work"},
}

// WatchdogFindingKinds lists the watchdog's finding kinds, sorted.
func WatchdogFindingKinds() []string {
	out := make([]string, len(WatchdogFindings))
	for i, f := range WatchdogFindings {
		out[i] = f.Kind
	}
	sort.Strings(out)
	return out
}
