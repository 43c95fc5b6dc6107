package audit

import (
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/policy"
)

// Risk reasons. Each names a failure the reviews found (../shared/domain.md §1, §6);
// the codes are stable and appear in reports and exports.
const (
	ReasonNFANamedSuspect       = "nfa_named_suspect"        // no further action although a suspect was named
	ReasonSuspectNotInterviewed = "suspect_not_interviewed"  // a named suspect never interviewed
	ReasonActionsOpenAtClosure  = "actions_open_at_closure"  // lines of enquiry still open when it closed
	ReasonSelfApproved          = "closure_self_approved"    // approved by its proposer, or by nobody
	ReasonApproverBelowRank     = "approver_below_rank"      // approved below the rank policy requires
	ReasonApproverUnknown       = "approver_unknown"         // approved by someone not in the force's records
	ReasonVictimNotTold         = "victim_not_told"          // a victim never told of the decision
	ReasonVictimAccountNotTaken = "victim_account_not_taken" // no account recorded from a victim
	ReasonQuickClosure          = "quick_closure"            // closed soon after the referral
	ReasonSuspectShared         = "suspect_shared"           // a suspect also appears in other cases
)

// Model is the risk score as data: a weight per reason, and the limits
// some reasons use. Weights add up; the total ranks the queue.
type Model struct {
	Weights map[string]int `json:"weights"`
	// QuickDays: a closure sooner than this many days after the referral
	// is a reason.
	QuickDays int `json:"quick_days"`
	// HighRisk is the score from which a case is high-risk: a "no
	// concerns" review of it needs a second reviewer's sign-off.
	HighRisk int `json:"high_risk"`
	// NFAOutcomes are the outcome codes that end a case with no further
	// action against anyone (../shared/domain.md §3).
	NFAOutcomes []string `json:"nfa_outcomes"`
}

// DefaultModel is the shipped risk model.
func DefaultModel() Model {
	return Model{
		Weights: map[string]int{
			ReasonNFANamedSuspect:       25,
			ReasonSelfApproved:          25,
			ReasonSuspectNotInterviewed: 20,
			ReasonActionsOpenAtClosure:  20,
			ReasonApproverBelowRank:     15,
			ReasonVictimNotTold:         15,
			ReasonSuspectShared:         15,
			ReasonApproverUnknown:       10,
			ReasonVictimAccountNotTaken: 10,
			ReasonQuickClosure:          10,
		},
		QuickDays:   28,
		HighRisk:    40,
		NFAOutcomes: []string{"9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "20", "21"},
	}
}

// Env is what scoring needs besides the case: the policy (required
// approver ranks, notice periods), the organisation (who approved, at what
// rank), the working-day calendar and the time triage judges at. A reason
// that depends on a duty fires only when that duty is overdue at AsOf, by
// the watchdog's rule (duty.Overdue); a zero AsOf is now.
type Env struct {
	Policy   *policy.Policy
	Org      *domain.OrgState
	Calendar policy.Calendar
	AsOf     time.Time
}

func (e Env) asOf() time.Time {
	if e.AsOf.IsZero() {
		return time.Now()
	}
	return e.AsOf
}

// noticeDue is when victim v had to be told of the decision: the open
// decision_notice duty's due time if the case holds one (what the
// watchdog escalates), otherwise the same rule the duty is made by.
// Without a policy the period is unknown and the notice is due at once.
func (e Env) noticeDue(c *domain.Case, v *domain.Victim) time.Time {
	for _, d := range c.Duties {
		if d.Kind == duty.DecisionNotice && d.Subject == v.ID && d.Status == domain.DutyOpen {
			return d.Due
		}
	}
	if e.Policy == nil || e.Calendar == nil {
		return v.NoticeDue.At
	}
	return duty.NoticeDeadline(v, e.Policy, e.Calendar)
}

func (m Model) reason(code string, detail string, a ...any) domain.RiskReason {
	return domain.RiskReason{Code: code, Weight: m.Weights[code], Detail: fmt.Sprintf(detail, a...)}
}

// Assess scores what c's own record shows. Suspects shared with other
// cases need every case: Triage adds that reason.
func (m Model) Assess(c *domain.Case, env Env) []domain.RiskReason {
	var out []domain.RiskReason
	add := func(r domain.RiskReason) {
		if r.Weight > 0 {
			out = append(out, r)
		}
	}
	var named []string
	for _, s := range c.Suspects {
		if s.Named() {
			named = append(named, s.Name)
		}
	}
	if contains(m.NFAOutcomes, c.Outcome) && len(named) > 0 {
		add(
			m.reason(
				ReasonNFANamedSuspect,
				"closed with outcome %s (no further action) although %s %s",
				c.Outcome,
				list(named),
				plural(len(named), "was named as a suspect", "were named as suspects"),
			),
		)
	}
	var unexplained, explained []string
	for _, s := range c.Suspects {
		if !s.Named() || s.Interviewed() || s.Status == domain.SuspectDeceased {
			continue
		}
		if s.Explanation == "" {
			unexplained = append(unexplained, s.Name)
		} else {
			explained = append(explained, s.Name)
		}
	}
	if len(unexplained) > 0 {
		add(
			m.reason(
				ReasonSuspectNotInterviewed,
				"%s identified but never interviewed, with no reason recorded",
				list(unexplained),
			),
		)
	} else if len(explained) > 0 {
		r := m.reason(ReasonSuspectNotInterviewed, "%s identified but never interviewed (a reason is recorded: half weight)", list(explained))
		r.Weight /= 2
		add(r)
	}
	var open []string
	for _, a := range c.Actions {
		if !a.Ended() {
			open = append(open, fmt.Sprintf("A%d (%s, %s)", a.Number, a.Title, domain.ActionStateLabel(a.State)))
		}
	}
	if len(open) > 0 {
		add(
			m.reason(
				ReasonActionsOpenAtClosure,
				"%s %s still open when the case closed",
				plural(len(open), "action", "actions"),
				strings.Join(open, ", "),
			),
		)
	}
	if cl := c.Closure; cl != nil {
		switch {
		case cl.ApprovedBy == "" || cl.ApprovedBy == cl.ProposedBy:
			add(
				m.reason(
					ReasonSelfApproved,
					"the closure was approved by %s, who proposed it",
					who(env.Org, cl.ProposedBy),
				),
			)
		default:
			u := (*domain.User)(nil)
			if env.Org != nil {
				u = env.Org.Users[cl.ApprovedBy]
			}
			if u == nil {
				add(
					m.reason(
						ReasonApproverUnknown,
						"the closure was approved by %q, who is not in the force's records",
						cl.ApprovedBy,
					),
				)
			} else if env.Policy != nil {
				if need := gate.RequiredRank(c, env.Policy); !u.Rank.AtLeast(need) {
					add(m.reason(ReasonApproverBelowRank, "outcome %s on this case needs %s or above; it was approved by %s, %s",
						c.Outcome, domain.RankNoun(need), domain.PersonName(u), domain.RankNoun(u.Rank)))
				}
			}
		}
	}
	var untold, noAccount []string
	decision := ""
	var dueBy time.Time
	for i := range c.Victims {
		v := &c.Victims[i]
		if v.NoticeDue != nil {
			// Owed word but not yet late (a closure approved this
			// morning) is not a failure.
			if due := env.noticeDue(c, v); duty.Overdue(due, env.asOf()) {
				untold = append(untold, v.Name)
				decision, dueBy = v.NoticeDue.Decision, due
			}
		}
		if !v.AccountTaken {
			noAccount = append(noAccount, v.Name)
		}
	}
	if len(untold) > 0 {
		add(m.reason(ReasonVictimNotTold, "%s not told of the decision (%s), due by %s", list(untold), decision,
			clock.GovUK(dueBy)))
	}
	if len(noAccount) > 0 {
		add(m.reason(ReasonVictimAccountNotTaken, "no account recorded from %s", list(noAccount)))
	}
	if from := Reported(c); m.QuickDays > 0 && !from.IsZero() && !c.ClosedAt.IsZero() {
		if d := c.ClosedAt.Sub(from); d < time.Duration(m.QuickDays)*24*time.Hour {
			add(m.reason(ReasonQuickClosure, "closed %s after the referral (less than %d days)", days(d), m.QuickDays))
		}
	}
	return out
}

// Total adds up the weights.
func Total(rs []domain.RiskReason) int {
	n := 0
	for _, r := range rs {
		n += r.Weight
	}
	return n
}

func days(d time.Duration) string {
	n := int(d.Hours() / 24)
	if n == 1 {
		return "1 day"
	}
	return fmt.Sprintf("%d days", n)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func list(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

func who(org *domain.OrgState, id string) string {
	if org != nil {
		if u, ok := org.Users[id]; ok {
			return u.Name
		}
	}
	if id == "" {
		return "nobody"
	}
	return id
}
