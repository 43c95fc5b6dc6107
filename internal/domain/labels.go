package domain

import (
	"fmt"

	"github.com/holdfast/holdfast/internal/offence"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Labels: the words a page shows for every code the record holds. They are
// literal tables, so a reader can check them and a test can prove every
// code has one (labels_test.go). A code with no label is shown readably
// (underscores as spaces, capitalised), never raw.

// OffenceLabel is an offence code's title in the classification in force
// (internal/offence). A value recorded before offences were classified
// reads as the title of the code it maps to, or as words if none.
func OffenceLabel(code string) string {
	c := offence.Current()
	if _, ok := c.Lookup(code); !ok {
		if mapped, _, ok := c.Map(code); ok {
			code = mapped
		}
	}
	return c.Title(code)
}

// DutyKindLabels name what each duty owes.
var DutyKindLabels = map[string]string{
	DutyLinkRev:            "Review a possible link to another case",
	"allocate_referral":    "Allocate the referral",
	"investigation_plan":   "Set the investigation plan",
	"first_victim_contact": "First contact with the victim",
	"contact_plan":         "Agree the victim's contact plan",
	"support_referral":     "Refer the victim for support",
	"victim_update":        "Update the victim",
	"decision_notice":      "Tell the victim of the decision",
	"supervisory_review":   "Supervisory review",
	"action_target":        "Complete the line of enquiry",
	"action_review":        "Review the action's result",
	"transfer_accept":      "Accept or refuse the transfer",
	"closure_approval":     "Approve or send back the closure",
	"closure_sent_back":    "Act on the closure sent back",
	"vrr_acknowledge":      "Acknowledge the request for a review",
	"vrr_review":           "Decide the Victims' Right to Review",
	"finding_response":     "Answer the audit finding",
	"break_glass_review":   "Review an emergency access",
	"accreditation_expiry": "Refresh an accreditation or reallocate the work",
}

// DutyKindLabel is a duty kind's label.
func DutyKindLabel(kind string) string { return label(DutyKindLabels, kind) }

// DutyStatusLabels name where a duty stands.
var DutyStatusLabels = map[DutyStatus]string{
	DutyOpen: "open", DutyMet: "met", DutyWaived: "waived", DutyCancelled: "cancelled",
}

// DutyStatusLabel is a duty status's label (lower case: it sits in a sentence).
func DutyStatusLabel(s DutyStatus) string { return lower(DutyStatusLabels, s) }

// StatusLabels name a case's status.
var StatusLabels = map[Status]string{
	StatusReferral:        "Referral",
	StatusOpen:            "Open",
	StatusClosureProposed: "Closure proposed",
	StatusClosed:          "Closed",
}

// StatusLabel is a case status's label.
func StatusLabel(s Status) string { return label(StatusLabels, s) }

// ActionStateLabels name where a line of enquiry stands.
var ActionStateLabels = map[ActionState]string{
	ActionStateRaised:    "raised",
	ActionStateAllocated: "allocated",
	ActionStateResulted:  "resulted",
	ActionStateReferred:  "referred back",
	ActionStateFiled:     "filed",
	ActionStateCancelled: "cancelled",
}

// ActionStateLabel is an action state's label (lower case: it sits in a sentence).
func ActionStateLabel(s ActionState) string { return lower(ActionStateLabels, s) }

// ActionOutcomeLabels name how a line of enquiry ended, as a form offers
// the choice and a result shows it.
var ActionOutcomeLabels = map[ActionOutcome]string{
	ActionCompleted:   "Completed with a result",
	ActionNothing:     "Completed, nothing found",
	ActionNotPossible: "Not possible",
	ActionReferredOn:  "Referred on",
}

// ActionOutcomeLabel is an action outcome's label; "" for a result
// recorded before outcomes were asked.
func ActionOutcomeLabel(o ActionOutcome) string {
	if o == "" {
		return ""
	}
	return label(ActionOutcomeLabels, o)
}

// SuspectStatusLabels name where a suspect stands.
var SuspectStatusLabels = map[SuspectStatus]string{
	SuspectUnknown:     "Not identified",
	SuspectIdentified:  "Identified",
	SuspectLocated:     "Located",
	SuspectArrested:    "Arrested",
	SuspectInterviewed: "Interviewed",
	SuspectRUI:         "Released under investigation",
	SuspectBailed:      "Released on bail",
	SuspectCharged:     "Charged",
	SuspectNFA:         "No further action",
	SuspectDeceased:    "Deceased",
}

// SuspectStatusLabel is a suspect status's label.
func SuspectStatusLabel(s SuspectStatus) string { return label(SuspectStatusLabels, s) }

// ContactKindLabels name the kinds of contact with a victim.
var ContactKindLabels = map[string]string{
	ContactUpdate:          "Update",
	ContactDecision:        "Told of the decision",
	ContactSupportReferral: "Referred for support",
	ContactNeedsAssessment: "Needs assessment",
	ContactAccount:         "Account taken",
}

// ContactKindLabel is a contact kind's label.
func ContactKindLabel(k string) string { return label(ContactKindLabels, k) }

// PersonRoleLabels name how another person is linked to a case.
var PersonRoleLabels = map[string]string{
	"witness": "Witness", "parent_or_carer": "Parent or carer", "social_worker": "Social worker",
	"professional": "Professional", "reporting_person": "Person who reported", "other": "Other",
}

// PersonRoleLabel is a linked person's role's label.
func PersonRoleLabel(r string) string { return label(PersonRoleLabels, r) }

// VRRDecisionLabels name a Victims' Right to Review's decision.
var VRRDecisionLabels = map[string]string{
	"":           "Awaiting decision",
	"upheld":     "Upheld: the case is reopened",
	"not_upheld": "Not upheld: the decision stands",
}

// VRRStateLabel says where a Victims' Right to Review stands.
func VRRStateLabel(v *VRR) string {
	switch {
	case v == nil:
		return ""
	case v.Decision != "":
		return label(VRRDecisionLabels, v.Decision)
	case v.Reviewer != "":
		return "Acknowledged: awaiting the reviewer's decision"
	default:
		return "Requested: awaiting acknowledgement"
	}
}

// RoleLabels name roles; RolePlurals are for "Only … can …".
var RoleLabels = map[Role]string{
	RoleInvestigator:  "Investigator",
	RoleSupervisor:    "Supervisor",
	RoleManager:       "Manager",
	RoleAuditor:       "Auditor",
	RoleAnalyst:       "Analyst",
	RoleVictimLiaison: "Victim liaison officer",
	RoleInspector:     "Inspector (read only)",
	RoleAdmin:         "Administrator",
}

// RolePlurals name a role's holders together.
var RolePlurals = map[Role]string{
	RoleInvestigator:  "investigators",
	RoleSupervisor:    "supervisors",
	RoleManager:       "managers",
	RoleAuditor:       "auditors",
	RoleAnalyst:       "analysts",
	RoleVictimLiaison: "victim liaison officers",
	RoleInspector:     "inspectors",
	RoleAdmin:         "administrators",
}

// RoleLabel is a role's label.
func RoleLabel(r Role) string { return label(RoleLabels, r) }

// RolesPhrase is "investigators, supervisors and managers".
func RolesPhrase(roles []Role) string {
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		if p, ok := RolePlurals[r]; ok {
			names = append(names, p)
		} else {
			names = append(names, strings.ReplaceAll(string(r), "_", " ")+"s")
		}
	}
	return JoinAnd(names)
}

// RankLabels name ranks; RankAbbrevs are the short forms before a name
// ("DC Amy Lloyd"): Holdfast's officers are detectives.
var RankLabels = map[Rank]string{
	RankStaff:                "Police staff",
	RankConstable:            "Detective constable",
	RankSergeant:             "Detective sergeant",
	RankInspector:            "Detective inspector",
	RankChiefInspector:       "Detective chief inspector",
	RankSuperintendent:       "Detective superintendent",
	RankChiefSuperintendent:  "Detective chief superintendent",
	RankAssistantChief:       "Assistant chief constable",
	RankDeputyChiefConstable: "Deputy chief constable",
	RankChiefConstable:       "Chief constable",
}

// RankAbbrevs are the ranks' abbreviations ("" for police staff, who are
// named without one).
var RankAbbrevs = map[Rank]string{
	RankStaff:                "",
	RankConstable:            "DC",
	RankSergeant:             "DS",
	RankInspector:            "DI",
	RankChiefInspector:       "DCI",
	RankSuperintendent:       "Det Supt",
	RankChiefSuperintendent:  "Det Ch Supt",
	RankAssistantChief:       "ACC",
	RankDeputyChiefConstable: "DCC",
	RankChiefConstable:       "CC",
}

// RankLabel is a rank's label.
func RankLabel(r Rank) string { return label(RankLabels, r) }

// RankNoun is a rank in a sentence: "an inspector", "a sergeant".
func RankNoun(r Rank) string {
	n := strings.TrimPrefix(strings.ToLower(RankLabel(r)), "detective ")
	return WithArticle(n)
}

// PersonName is how a page names a person: rank abbreviation and name
// ("DC Amy Lloyd"); police staff by name alone. Never a username or an id.
func PersonName(u *User) string {
	if u == nil {
		return "someone no longer on the record"
	}
	name := strings.TrimSpace(u.Name)
	if name == "" {
		name = "an unnamed officer"
	}
	if ab := RankAbbrevs[u.Rank]; ab != "" && !strings.HasPrefix(name, ab+" ") {
		return ab + " " + name
	}
	return name
}

// UnitKindLabels name kinds of unit.
var UnitKindLabels = map[UnitKind]string{UnitForce: "Force", UnitDepartment: "Department", UnitTeam: "Team"}

// UnitKindLabel is a unit kind's label.
func UnitKindLabel(k UnitKind) string { return label(UnitKindLabels, k) }

// EventLabels say what each kind of event did, as a verb phrase that
// follows the person who did it ("DC Amy Lloyd added a victim").
var EventLabels = map[string]string{
	EvLinkRaised:             "raised a possible link to another case",
	EvLinkReviewed:           "reviewed a link to another case",
	EvPersonCorrected:        "corrected a person's details",
	EvCaseOpened:             "opened the case",
	EvCaseViewed:             "viewed the case",
	EvCaseUpdated:            "corrected the case's details",
	EvOwnerAssigned:          "assigned the case's owner",
	EvVictimAdded:            "added a victim",
	EvSuspectAdded:           "added a suspect",
	EvPersonAdded:            "linked a person",
	EvActionRaised:           "raised a line of enquiry",
	EvNoteAdded:              "added a note",
	EvDutyOpened:             "opened a duty",
	EvDutyClosed:             "closed a duty",
	EvActionAllocated:        "allocated a line of enquiry",
	EvActionResulted:         "recorded the result of a line of enquiry",
	EvActionFiled:            "filed a line of enquiry",
	EvActionReferredBack:     "referred a line of enquiry back",
	EvActionCancelled:        "cancelled a line of enquiry",
	EvContactPlanAgreed:      "agreed a victim's contact plan",
	EvVictimContacted:        "recorded a contact with a victim",
	EvVictimView:             "recorded a victim's view",
	EvSuspectStatus:          "recorded a suspect's status",
	EvReviewRecorded:         "recorded a supervisory review",
	EvPlanSet:                "set the investigation plan",
	EvDecisionRecorded:       "recorded a decision",
	EvTransferProposed:       "proposed a transfer",
	EvTransferAccepted:       "accepted the transfer",
	EvTransferRejected:       "refused the transfer",
	EvClosureProposed:        "proposed closing the case",
	EvClosureApproved:        "approved the closure",
	EvClosureRejected:        "sent the closure back",
	EvClosureUnapproved:      "recorded a closure that was never approved",
	EvVRRRequested:           "recorded a request for a Victims' Right to Review",
	EvVRRAcknowledged:        "acknowledged the request for a review",
	EvVRRDecided:             "decided the Victims' Right to Review",
	EvCaseReopened:           "reopened the case",
	EvDutyEscalated:          "escalated an overdue duty",
	EvFindingRaised:          "raised a finding",
	EvFindingResolved:        "resolved a finding",
	EvCaseImported:           "imported the case",
	EvOffencesClassified:     "classified the case's offences",
	EvAuditCreated:           "planned an audit",
	EvAuditAssigned:          "assigned an audit review",
	EvAuditReviewed:          "reviewed a case for an audit",
	EvAuditSignedOff:         "signed off an audit review",
	EvAuditFinding:           "recorded an audit finding",
	EvAuditFindingAnswered:   "answered an audit finding",
	EvUnitCreated:            "added a unit",
	EvUserCreated:            "added a user",
	EvUserChanged:            "changed a user",
	EvUserLeft:               "recorded a leaver",
	EvAccreditationAwarded:   "recorded an officer's accreditation",
	EvAccreditationWithdrawn: "withdrew an officer's accreditation",
	EvGrantRequested:         "asked for a powerful role for a user",
	EvGrantDecided:           "decided on a grant of a powerful role",
	EvRecordsRead:            "read several cases at once",
	EvAlertSent:              "alerted someone",
	EvBreakGlass:             "opened the case in an emergency (break-glass), read-only",
	EvBreakGlassReviewed:     "reviewed an emergency access to the case",
	EvTrainingOverride:       "overrode the training requirement for one allocation",
}

// EventLabel is an event kind's verb phrase; an unknown kind is shown
// readably ("case.merged" → "case merged").
func EventLabel(typ string) string {
	if l, ok := EventLabels[typ]; ok {
		return l
	}
	return strings.NewReplacer(".", " ", "_", " ").Replace(typ)
}

// SeverityLabels name a finding's severity.
var SeverityLabels = map[string]string{SeverityLow: "Low", SeverityMedium: "Medium", SeverityHigh: "High"}

// FindingKindLabels name what a finding found (the watchdog's flags and an
// audit's kinds, without the audit_ prefix).
var FindingKindLabels = map[string]string{
	FlagNoOwner:               "No owner",
	FlagNoOpenDuty:            "Open case owing nothing",
	FlagClosedWithOpenWork:    "Closed with work still open",
	FlagClosedWithoutApproval: "Closed without approval",
	FlagVictimNoContactPlan:   "Victim without a contact plan",
	"lines_of_enquiry_missed": "Lines of enquiry missed",
	"victim_account":          "Victim's account not taken to best practice",
	"suspect_not_pursued":     "Suspect not pursued",
	"closure_unjustified":     "Closure not justified",
	"wrong_outcome_code":      "Wrong outcome code",
	"supervision":             "Inadequate supervision",
	"victim_not_updated":      "Victim not updated",
	"safeguarding":            "Safeguarding: a child left at risk",
	"network_missed":          "Links to other cases missed",
	"recording":               "Recording error",
	"other":                   "Other",
	"orphaned":                "Owner has left",
	"transfer_not_accepted":   "Transfer not accepted",
	"overdue_audit_review":    "Audit review overdue",
	"overdue_audit_sign_off":  "Audit sign-off overdue",
}

// FindingKindLabel is a finding kind's label.
func FindingKindLabel(kind string) string {
	return label(FindingKindLabels, strings.TrimPrefix(kind, AuditFindingPrefix))
}

// SourceLabels name where a referral came from.
var SourceLabels = map[string]string{
	"MASH": "Multi-agency safeguarding hub (MASH)", "school": "School", "parent": "Parent or carer",
	"social_care": "Children's social care", "health": "Health", "police": "Police", "CEOP": "CEOP",
	"self": "Self-referral", "import": "Imported record",
}

// SourceLabel is a referral source's label.
func SourceLabel(s string) string { return label(SourceLabels, s) }

// PriorityLabels name an action's priority.
var PriorityLabels = map[string]string{"high": "High", "medium": "Medium", "low": "Low"}

// label looks code up in m, or makes it readable.
func label[K ~string](m map[K]string, code K) string {
	if l, ok := m[code]; ok {
		return l
	}
	return Capitalise(strings.ReplaceAll(string(code), "_", " "))
}

func lower[K ~string](m map[K]string, code K) string {
	if l, ok := m[code]; ok {
		return l
	}
	return strings.ReplaceAll(string(code), "_", " ")
}

// Possessive is a name's possessive the GOV.UK way, "'s" even after an s:
// "Jade Lewis's view", "James's". Every page, message and gate forms one
// with it, so a page never says "Lewis' view" beside "Lewis's view".
func Possessive(name string) string { return name + "'s" }

// Capitalise upper-cases the first letter of s.
func Capitalise(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || unicode.IsUpper(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// Sentence is s as a sentence: capitalised, ending in a full stop (or the
// question or exclamation mark it has).
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = Capitalise(s)
	if !strings.ContainsAny(s[len(s)-1:], ".?!") {
		s += "."
	}
	return s
}

// WithArticle puts "a" or "an" before a noun phrase: "an inspector", "a
// sergeant", "a one-off", "an hour".
func WithArticle(noun string) string {
	n := strings.ToLower(strings.TrimSpace(noun))
	if n == "" {
		return noun
	}
	an := strings.ContainsRune("aeiou", rune(n[0]))
	for _, p := range []string{"one", "uni", "use", "eu", "uk"} {
		if strings.HasPrefix(n, p) {
			an = false
		}
	}
	for _, p := range []string{"hour", "honest", "heir"} {
		if strings.HasPrefix(n, p) {
			an = true
		}
	}
	if an {
		return "an " + noun
	}
	return "a " + noun
}

// Plural is "1 case", "2 cases": n with the right form of the noun.
func Plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// JoinAnd is "a", "a and b", "a, b and c".
func JoinAnd(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " and " + xs[len(xs)-1]
}

// JoinOr is "a", "a or b", "a, b or c".
func JoinOr(xs []string) string {
	switch len(xs) {
	case 0:
		return ""
	case 1:
		return xs[0]
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}

// EventTypes lists every kind of event the record knows: a case's (each
// has an applier), the organisation's and the audits'. Sorted.
func EventTypes() []string {
	seen := map[string]bool{
		EvUnitCreated: true, EvUserCreated: true, EvUserChanged: true, EvUserLeft: true,
		EvAccreditationAwarded: true, EvAccreditationWithdrawn: true,
		EvAuditCreated: true, EvAuditAssigned: true, EvAuditReviewed: true, EvAuditSignedOff: true,
	}
	for typ := range caseAppliers {
		seen[typ] = true
	}
	out := make([]string, 0, len(seen))
	for typ := range seen {
		out = append(out, typ)
	}
	sort.Strings(out)
	return out
}

// AlertKindLabels name the kinds of inbox alert.
var AlertKindLabels = map[string]string{
	AlertLink:            "Possible link to another case",
	AlertLinkDecided:     "Link to another case decided by an analyst",
	"escalation":         "Overdue duty escalated",
	"finding":            "Finding",
	AlertClosureSentBack: "Closure sent back",
	AlertBreakGlass:      "Emergency access to a case",
}

// AlertKindLabel is an inbox alert kind's label.
func AlertKindLabel(kind string) string { return label(AlertKindLabels, kind) }
