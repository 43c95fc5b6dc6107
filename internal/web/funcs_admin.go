package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/offence"
	"github.com/holdfast/holdfast/internal/service"
)

// adminFuncs are the template functions of audit and administration pages.
// Their names start "adm" or "aud" so that no other area's table clashes.
var adminFuncs = template.FuncMap{
	// admResetOnServer: this person's password is reset on the server only.
	"admResetOnServer": service.ResetOnServerOnly,
	// admPerson names a person by rank and name, whatever holds their id.
	"admPerson": admPersonName,
	// admDate and admTime are GOV.UK dates: "4 June 2026", "4 June 2026 at 2:15pm".
	"admDate": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.In(clock.London).Format("2 January 2006")
	},
	"admTime": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return clock.GovUK(t)
	},
	"admRoleList": roleList,
	"admName":     rankedName,
	"admRole":     func(r domain.Role) string { return roleLabel(r) },
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
	"admRoleHint": func(r domain.Role) string { return roleHints[r] },
	"admPowerful": domain.IsPowerful,
	// admPowerfulRoles names the roles that wait for a second
	// administrator from the rule itself, so the hint cannot fall behind it
	// (it once left out the manager).
	"admPowerfulRoles": func() string { return domain.RolesPhrase(domain.PowerfulRoles) },
	"admRank":          func(r domain.Rank) string { return rankLabel(r) },
	"admUnitKind":      domain.UnitKindLabel,
	"admDutyKind":      dutyKindLabel,
	"admHeld":          func(m map[string]bool, r domain.Role) bool { return m[string(r)] },
	"admStatus":        func(s domain.Status) string { return caseStatusLabel(s) },
	"admGrantTag":      func(s string) string { return grantStatusLabels[s] },
	"admFinding":       func(k string) string { return findingKindLabel(k) },
	"admUserLevel":     func(l int) string { return escalationLevels[l] },
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
	"audPeriod":       auditPeriod,
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
	"audAction":   func(a string) string { return findingActionLabels[a] },
	"audSeverity": func(s string) string { return severityLabels[s] },
	"audOffences": offenceNames,
	// audPoints says a margin of error as an auditor reads it: 0.05 is
	// "5 percentage points" (not "5%", which reads as 5% of the rate).
	"audPoints": func(m float64) string {
		return strconv.FormatFloat(100*m, 'f', -1, 64) + " percentage points"
	},
	"audSeverities": func() [][]string { return [][]string{{"low", "Low"}, {"medium", "Medium"}, {"high", "High"}} },
	"audAgree": func() [][]string {
		return [][]string{{"yes", "Yes: sign it off"}, {"no", "No: send it back to the reviewer"}}
	},
	"audAnswer":      func(a string) string { return reviewAnswerLabels[a] },
	"audSuspect":     domain.SuspectStatusLabel,
	"audActionState": domain.ActionStateLabel,
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

func roleLabel(r domain.Role) string { return domain.RoleLabel(r) }

func rankLabel(r domain.Rank) string { return domain.RankLabel(r) }

var grantStatusLabels = map[string]string{
	domain.GrantPending: "Waiting for approval", domain.GrantApproved: "Approved", domain.GrantRejected: "Rejected",
}

var escalationLevels = map[int]string{1: "the person accountable", 2: "their supervisor", 3: "their manager"}

func dutyKindLabel(k string) string { return domain.DutyKindLabel(k) }

func caseStatusLabel(s domain.Status) string { return domain.StatusLabel(s) }

func findingKindLabel(k string) string { return domain.FindingKindLabel(k) }

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

var auditCaseLabels = domain.AuditCaseLabels

var auditCaseColours = map[string]string{
	domain.AuditCaseUnassigned:      "govuk-tag--grey",
	domain.AuditCaseAssigned:        "govuk-tag--blue",
	domain.AuditCaseAwaitingSignOff: "govuk-tag--yellow",
	domain.AuditCaseComplete:        "govuk-tag--green",
}

var findingActionLabels = domain.AuditActionLabels

var severityLabels = domain.AuditSeverityLabels

var reviewAnswerLabels = domain.AuditAnswerLabels

// admPersonName names the user with id by rank and name; a leaver is marked.
func admPersonName(org *domain.OrgState, id string) string {
	if org == nil || id == "" {
		return "—"
	}
	if u := org.Users[id]; u != nil {
		if !u.Active {
			return rankedName(u) + " (left)"
		}
		return rankedName(u)
	}
	if strings.HasPrefix(id, "system:") {
		return "Holdfast"
	}
	return "someone no longer on the record"
}

// rankedName is domain.PersonName for a name that may carry a rank title
// from when it was recorded ("DC Ivy Investigator", since made sergeant):
// the old title goes, so the page says "DS Ivy Investigator", never
// "DS DC Ivy Investigator".
func rankedName(u *domain.User) string {
	if u == nil {
		return domain.PersonName(nil)
	}
	cp := *u
	for _, ab := range domain.RankAbbrevs {
		if ab != "" && strings.HasPrefix(cp.Name, ab+" ") {
			cp.Name = strings.TrimPrefix(cp.Name, ab+" ")
			break
		}
	}
	return domain.PersonName(&cp)
}

// offenceNames names the offences criteria select, by title: a pattern
// (the API's 19*) is every offence of the classification it matches, and
// a value matching none is shown as recorded.
func offenceNames(patterns []string) []string {
	all := offence.Current().All()
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, p := range patterns {
		n := len(out)
		for _, o := range all {
			if audit.Match(p, o.Code) {
				add(o.Title)
			}
		}
		if len(out) == n && !seen[p] {
			add(domain.OffenceLabel(p))
		}
	}
	return out
}
