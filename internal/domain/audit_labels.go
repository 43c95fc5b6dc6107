package domain

// The audit's labels: where a sampled case stands, what a finding calls
// for and how severe it is, a reviewer's answers, how a case was drawn.
// The pages and the audit's CSV export say these, never the codes.

// AuditCaseLabels name where a sampled case stands.
var AuditCaseLabels = map[string]string{
	AuditCaseUnassigned:      "Not assigned",
	AuditCaseAssigned:        "With reviewer",
	AuditCaseAwaitingSignOff: "Awaiting sign-off",
	AuditCaseComplete:        "Complete",
}

// AuditActionLabels name what a finding calls for.
var AuditActionLabels = map[string]string{
	ActionNone:                  "Nothing more",
	ActionReopen:                "Reopen the case",
	ActionProfessionalStandards: "Refer to professional standards",
	ActionVictimContact:         "Contact the victim",
}

// AuditSeverityLabels say how severe a finding is, in a sentence's middle.
var AuditSeverityLabels = map[string]string{
	SeverityLow: "low severity", SeverityMedium: "medium severity", SeverityHigh: "high severity",
}

// AuditAnswerLabels are a reviewer's answers to the review's questions.
var AuditAnswerLabels = map[string]string{
	AccountBestPractice:  "Taken to best practice",
	AccountBelowBest:     "Taken, below best practice",
	AccountNotTaken:      "Not taken",
	AccountNotApplicable: "Not applicable",
	PursuedAll:           "All of them",
	PursuedSome:          "Some of them",
	PursuedNone:          "None of them",
	PursuedNoSuspects:    "The case has no suspect",
	JustifiedYes:         "Yes",
	JustifiedPartly:      "Partly",
	JustifiedNo:          "No",
}

// AuditDrawnLabels say how a case came into an audit's sample.
var AuditDrawnLabels = map[string]string{
	DrawnRandom: "Random sample",
	DrawnRisk:   "Added for its risk",
}

// AuditLabel is the label of an audit code in one of the tables above, or
// the code in words if the table lacks it; "" stays "".
func AuditLabel(m map[string]string, code string) string {
	if code == "" {
		return ""
	}
	return label(m, code)
}
