package web

import (
	"html/template"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// adminFuncs are the template functions of audit and administration pages.
// Their names start "adm" or "aud" so that no other area's table clashes.
var adminFuncs = template.FuncMap{
	"admRole": func(r domain.Role) string { return roleLabel(r) },
	"admRoles": func(rs []domain.Role) string {
		if len(rs) == 0 {
			return "No roles"
		}
		out := make([]string, len(rs))
		for i, r := range rs {
			out[i] = roleLabel(r)
		}
		return strings.Join(out, ", ")
	},
	"admRoleHint":  func(r domain.Role) string { return roleHints[r] },
	"admPowerful":  domain.IsPowerful,
	"admRank":      func(r domain.Rank) string { return rankLabel(r) },
	"admUnitKind":  func(k domain.UnitKind) string { return unitKindLabels[k] },
	"admDutyKind":  dutyKindLabel,
	"admHeld":      func(m map[string]bool, r domain.Role) bool { return m[string(r)] },
	"admStatus":    func(s domain.Status) string { return caseStatusLabel(s) },
	"admGrantTag":  func(s string) string { return grantStatusLabels[s] },
	"admFinding":   func(k string) string { return findingKindLabel(k) },
	"admUserLevel": func(l int) string { return escalationLevels[l] },
	// admByUsername names the person a watchdog report gives by username.
	"admByUsername": func(org *domain.OrgState, username string) string {
		if org != nil {
			for _, u := range org.Users {
				if u.Username == username {
					return u.Name
				}
			}
		}
		if username == "" {
			return "Nobody"
		}
		return username
	},
	"audCriteria":     criteriaLabel,
	"audCriteriaHint": func(name string) string { return criteriaHints[name] },
	"audStatus":       func(s string) string { return auditCaseLabels[s] },
	"audStatusColour": func(s string) string { return auditCaseColours[s] },
	"audSentBack": func(ac domain.AuditCase) bool {
		n := len(ac.SignOffs)
		return ac.Status == domain.AuditCaseAssigned && n > 0 && !ac.SignOffs[n-1].Agree
	},
	"audConflicted": func(os []service.ReviewerOption) bool {
		for _, o := range os {
			if len(o.Conflicts) > 0 {
				return true
			}
		}
		return false
	},
	"audAction":     func(a string) string { return findingActionLabels[a] },
	"audSeverity":   func(s string) string { return severityLabels[s] },
	"audSeverities": func() [][]string { return [][]string{{"low", "Low"}, {"medium", "Medium"}, {"high", "High"}} },
	"audAgree": func() [][]string {
		return [][]string{{"yes", "Yes: sign it off"}, {"no", "No: send it back to the reviewer"}}
	},
	"audAnswer":      func(a string) string { return reviewAnswerLabels[a] },
	"audSuspect":     func(s domain.SuspectStatus) string { return sentence(string(s)) },
	"audActionState": func(s domain.ActionState) string { return strings.ToLower(sentence(string(s))) },
	// audSentence starts a service message with a capital letter.
	"audSentence": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"admPlural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
}

var roleLabels = map[domain.Role]string{
	domain.RoleInvestigator:  "Investigator",
	domain.RoleSupervisor:    "Supervisor",
	domain.RoleManager:       "Manager",
	domain.RoleAuditor:       "Auditor",
	domain.RoleAnalyst:       "Analyst",
	domain.RoleVictimLiaison: "Victim liaison",
	domain.RoleInspector:     "Inspector (read-only)",
	domain.RoleAdmin:         "Administrator",
}

var roleHints = map[domain.Role]string{
	domain.RoleInvestigator:  "Works the cases of their team.",
	domain.RoleSupervisor:    "Allocates, reviews and approves in their chain of command.",
	domain.RoleManager:       "Decides escalations, sensitive closures and reviews in their chain of command.",
	domain.RoleAuditor:       "Sees every case in the force; plans audits and reviews closed cases.",
	domain.RoleAnalyst:       "Sees every case in the force; links people and cases.",
	domain.RoleVictimLiaison: "Supports the victims of their team's cases.",
	domain.RoleInspector:     "Reads every case, report and the ledger of the force; changes nothing.",
	domain.RoleAdmin:         "Adds people and units, and runs the watchdog; does no case work.",
}

func roleLabel(r domain.Role) string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

var rankLabels = map[domain.Rank]string{
	domain.RankStaff:                "Police staff",
	domain.RankConstable:            "Constable",
	domain.RankSergeant:             "Sergeant",
	domain.RankInspector:            "Inspector",
	domain.RankChiefInspector:       "Chief inspector",
	domain.RankSuperintendent:       "Superintendent",
	domain.RankChiefSuperintendent:  "Chief superintendent",
	domain.RankAssistantChief:       "Assistant chief constable",
	domain.RankDeputyChiefConstable: "Deputy chief constable",
	domain.RankChiefConstable:       "Chief constable",
}

func rankLabel(r domain.Rank) string {
	if l, ok := rankLabels[r]; ok {
		return l
	}
	return string(r)
}

var unitKindLabels = map[domain.UnitKind]string{
	domain.UnitForce: "Force", domain.UnitDepartment: "Department", domain.UnitTeam: "Team",
}

var grantStatusLabels = map[string]string{
	domain.GrantPending: "Waiting for approval", domain.GrantApproved: "Approved", domain.GrantRejected: "Rejected",
}

var escalationLevels = map[int]string{1: "the person accountable", 2: "their supervisor", 3: "their manager"}

var dutyKindLabels = map[string]string{
	"allocate_referral":    "Allocate the referral",
	"investigation_plan":   "Investigation plan due",
	"first_victim_contact": "First contact with the victim due",
	"contact_plan":         "Victim contact plan due",
	"support_referral":     "Support referral due",
	"victim_update":        "Victim update due",
	"decision_notice":      "Tell the victim of a decision",
	"supervisory_review":   "Supervisory review due",
	"action_target":        "Line of enquiry past its target",
	"action_review":        "Resulted action to file",
	"transfer_accept":      "Transfer to accept or refuse",
	"closure_approval":     "Closure to approve",
	"vrr_acknowledge":      "Right to review to acknowledge",
	"vrr_review":           "Right to review to decide",
	"finding_response":     "Audit finding to answer",
}

func dutyKindLabel(k string) string {
	if l, ok := dutyKindLabels[k]; ok {
		return l
	}
	return sentence(k)
}

var caseStatusLabels = map[domain.Status]string{
	domain.StatusReferral: "Referral", domain.StatusOpen: "Open", domain.StatusClosureProposed: "Awaiting approval",
	domain.StatusClosed: "Closed",
}

func caseStatusLabel(s domain.Status) string {
	if l, ok := caseStatusLabels[s]; ok {
		return l
	}
	return sentence(string(s))
}

var findingKindLabels = map[string]string{
	"lines_of_enquiry_missed": "Lines of enquiry missed",
	"victim_account":          "Victim's account not taken to best practice",
	"suspect_not_pursued":     "Suspect not pursued",
	"closure_unjustified":     "Closed without justification",
	"wrong_outcome_code":      "Wrong outcome code",
	"supervision":             "Inadequate supervision",
	"victim_not_updated":      "Victim not updated or supported",
	"safeguarding":            "Child left at risk",
	"network_missed":          "Links to other cases not followed",
	"recording":               "Wrongly recorded",
	"other":                   "Other",
	// The watchdog's.
	service.FindingOrphaned:              "Owner has left",
	service.FindingNoOwner:               "Open with no owner",
	service.FindingNoOpenDuty:            "Open with nothing owed",
	service.FindingClosedWithOpenWork:    "Closed with work open",
	service.FindingClosedWithoutApproval: "Closed without approval",
	service.FindingVictimNoContactPlan:   "Victim with no contact plan",
	service.FindingTransferOverdue:       "Transfer not accepted in time",
	service.FindingAuditReviewOverdue:    "Audit review overdue",
	service.FindingAuditSignOffOverdue:   "Audit sign-off overdue",
}

func findingKindLabel(k string) string {
	k = strings.TrimPrefix(k, domain.AuditFindingPrefix)
	if l, ok := findingKindLabels[k]; ok {
		return l
	}
	return sentence(k)
}

// sentence turns a code into words: "victim_update" → "Victim update".
func sentence(code string) string {
	s := strings.ReplaceAll(code, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func criteriaLabel(name string) string {
	if l, ok := criteriaLabels[name]; ok {
		return l
	}
	return sentence(name)
}

var criteriaLabels = map[string]string{
	"beaconport": "Operation Beaconport: historic CSE closures",
	"routine":    "Routine: every closed case",
	"own":        "Own criteria",
}

var criteriaHints = map[string]string{
	"beaconport": "Closed cases with a living suspect not independently reviewed, rape allegations first (the national review).",
	"routine":    "Every closed case in the period.",
}

var auditCaseLabels = map[string]string{
	domain.AuditCaseUnassigned:      "Not assigned",
	domain.AuditCaseAssigned:        "With reviewer",
	domain.AuditCaseAwaitingSignOff: "Awaiting sign-off",
	domain.AuditCaseComplete:        "Complete",
}

var auditCaseColours = map[string]string{
	domain.AuditCaseUnassigned:      "govuk-tag--grey",
	domain.AuditCaseAssigned:        "govuk-tag--blue",
	domain.AuditCaseAwaitingSignOff: "govuk-tag--yellow",
	domain.AuditCaseComplete:        "govuk-tag--green",
}

var findingActionLabels = map[string]string{
	domain.ActionNone:                  "Nothing more",
	domain.ActionReopen:                "Reopen the case",
	domain.ActionProfessionalStandards: "Refer to professional standards",
	domain.ActionVictimContact:         "Contact the victim",
}

var severityLabels = map[string]string{
	domain.SeverityLow: "low severity", domain.SeverityMedium: "medium severity", domain.SeverityHigh: "high severity",
}

var reviewAnswerLabels = map[string]string{
	domain.AccountBestPractice:  "Taken to best practice",
	domain.AccountBelowBest:     "Taken, below best practice",
	domain.AccountNotTaken:      "Not taken",
	domain.AccountNotApplicable: "Not applicable",
	domain.PursuedAll:           "All of them",
	domain.PursuedSome:          "Some of them",
	domain.PursuedNone:          "None of them",
	domain.PursuedNoSuspects:    "The case has no suspect",
	domain.JustifiedYes:         "Yes",
	domain.JustifiedPartly:      "Partly",
	domain.JustifiedNo:          "No",
}
