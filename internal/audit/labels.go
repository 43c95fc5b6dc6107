package audit

import "github.com/holdfast/holdfast/internal/domain"

// ReasonLabels say why a case stands where it does in the triage queue.
var ReasonLabels = map[string]string{
	ReasonNFANamedSuspect:       "No further action with a named suspect",
	ReasonSuspectNotInterviewed: "Suspect never interviewed",
	ReasonActionsOpenAtClosure:  "Lines of enquiry open at closure",
	ReasonSelfApproved:          "Closure not approved by a second person",
	ReasonApproverBelowRank:     "Approved below the rank required",
	ReasonApproverUnknown:       "Approver not on the force's records",
	ReasonVictimNotTold:         "Victim not told of the decision",
	ReasonVictimAccountNotTaken: "No account from the victim",
	ReasonQuickClosure:          "Closed soon after the referral",
	ReasonSuspectShared:         "Suspect also on other cases",
}

// ReasonLabel is a reason's label, or its code in words.
func ReasonLabel(code string) string { return domain.AuditLabel(ReasonLabels, code) }
