package gate

import (
	"fmt"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/policy"
)

// Rule is one check a decision must pass.
type Rule struct {
	ID       string // stable: appears in refusals as the rule broken
	Gate     string // closure | approval | transfer | reopen | vrr
	Prevents string // the failure, in the reviews' words
}

// Rules lists every rule, in the order refusals list them.
var Rules = []Rule{
	{"outcome_code", "closure", "a case closed without a recognised Home Office outcome code"},
	{"rationale", "closure", "a case closed without proper justification"},
	{"actions_filed", "closure", "no further action while lines of enquiry were still open"},
	{"suspects_pursued", "closure", "suspects identified but never interviewed, with no reason recorded"},
	{"victim_account", "closure", "victim accounts not taken"},
	{"victim_contact", "closure", "victims left without updates"},
	{"supervised", "closure", "inadequate supervision: errors went unnoticed"},
	{"victim_view", "closure", "closure recorded without the victim's view (outcomes 14–16 used without it)"},
	{"outcome_date", "closure", "an outcome recorded that did not exist at the time"},
	{"second_person", "approval", "a closure approved by the person who proposed it"},
	{"approver_rank", "approval", "a sensitive closure approved below the rank policy requires"},
	{"approver_chain", "approval", "a closure approved by someone outside the case's chain of command"},
	{"transfer_target", "transfer", "a case transferred to a unit that cannot own it, or lost between departments"},
	{"transfer_reason", "transfer", "a case moved without a recorded reason"},
	{"reopen_reason", "reopen", "a case reopened without a recorded reason"},
	{"vrr_rank", "vrr", "a Victims' Right to Review done by someone not senior to the decision-maker"},
	{"vrr_independent", "vrr", "a Victims' Right to Review done by someone already involved in the case"},
}

// Proposal is a proposed closure.
type Proposal struct {
	Outcome   string
	Rationale domain.Rationale
}

func msg(p *domain.Problems, field, rule, format string, a ...any) {
	p.Add(field, rule, fmt.Sprintf(format, a...))
}

// Closure checks a proposal to close c and returns every reason it cannot.
func Closure(c *domain.Case, in Proposal, pol *policy.Policy, now time.Time) domain.Problems {
	var p domain.Problems
	o := pol.Outcome(in.Outcome)
	if o == nil {
		msg(&p, "outcome", "outcome_code", "%q is not a Home Office outcome code in the force's policy: choose one of the listed codes", in.Outcome)
	} else if o.Since != "" {
		if since, err := time.Parse(time.DateOnly, o.Since); err == nil && now.Before(since) {
			msg(&p, "outcome", "outcome_date", "outcome %s can only be used from %s", o.Code, o.Since)
		}
	}
	r := in.Rationale
	for _, f := range []struct{ field, v, what string }{
		{"rationale.lines_considered", r.LinesConsidered, "which lines of enquiry were considered"},
		{"rationale.why_none_remain", r.WhyNoneRemain, "why no line of enquiry remains"},
		{"rationale.suspects_status", r.SuspectsStatus, "where each suspect stands"},
		{"rationale.victim_view", r.VictimView, "what the victim thinks of this outcome"},
	} {
		if len(strings.TrimSpace(f.v)) < 10 {
			msg(&p, f.field, "rationale", "say %s (at least a sentence)", f.what)
		}
	}
	for _, a := range c.Actions {
		if !a.Ended() {
			msg(&p, "actions", "actions_filed", "action %d (%s) is %s: it must be resulted and filed, or cancelled by a supervisor, before the case can close", a.Number, a.Title, a.State)
		}
	}
	for _, s := range c.Suspects {
		if s.Named() && !s.Interviewed() && s.Explanation == "" && s.Status != domain.SuspectDeceased {
			msg(&p, "suspects", "suspects_pursued", "suspect %s has been identified but not interviewed: interview them or record why not", s.Name)
		}
	}
	for _, v := range c.Victims {
		if !v.AccountTaken {
			msg(&p, "victims", "victim_account", "no account has been recorded from victim %s: record it (for a child, a video-recorded interview)", v.Name)
		}
		every := 28
		if v.Plan != nil && v.Plan.EveryDays > 0 {
			every = v.Plan.EveryDays
		}
		if last := v.LastContact(); last.IsZero() || now.Sub(last) > time.Duration(every)*24*time.Hour {
			msg(&p, "victims", "victim_contact", "victim %s has not been contacted in the last %d days: update them before closing", v.Name, every)
		}
		if v.View == "" {
			msg(&p, "victims", "victim_view", "victim %s's view of the proposed outcome has not been recorded", v.Name)
		}
	}
	if last := lastReview(c); last.IsZero() || (!c.LastSignificant.IsZero() && last.Before(c.LastSignificant)) {
		msg(&p, "reviews", "supervised", "no supervisory review since the last significant event (%s): a supervisor must review the case first", when(c.LastSignificant))
	}
	return p
}

func when(t time.Time) string {
	if t.IsZero() {
		return "allocation"
	}
	return t.Format("2 Jan 2006 15:04")
}

func lastReview(c *domain.Case) time.Time {
	if n := len(c.Reviews); n > 0 {
		return c.Reviews[n-1].At
	}
	return time.Time{}
}

// Sensitive reports whether a closure needs the higher approver: a child
// victim or a named suspect (domain.md §3).
func Sensitive(c *domain.Case) bool {
	for _, v := range c.Victims {
		if v.Enhanced {
			return true
		}
	}
	for _, s := range c.Suspects {
		if s.Named() {
			return true
		}
	}
	return false
}

// RequiredRank is the lowest rank that may approve c's proposed closure.
func RequiredRank(c *domain.Case, pol *policy.Policy) domain.Rank {
	if c.Closure == nil {
		return domain.RankSergeant
	}
	o := pol.Outcome(c.Closure.Outcome)
	if o == nil {
		return domain.RankChiefConstable
	}
	if Sensitive(c) {
		return o.ApproverSensitive
	}
	return o.Approver
}

// Approval checks that approver may approve c's proposed closure.
func Approval(c *domain.Case, approver *domain.User, org *domain.OrgState, pol *policy.Policy) domain.Problems {
	var p domain.Problems
	if c.Closure == nil {
		msg(&p, "", "approval", "no closure has been proposed on %s", c.Ref)
		return p
	}
	if approver.ID == c.Closure.ProposedBy || approver.ID == c.OwnerID {
		msg(&p, "", "second_person", "a closure must be approved by a different person from the one who proposed it or owns the case")
	}
	if need := RequiredRank(c, pol); !approver.Rank.AtLeast(need) {
		msg(&p, "", "approver_rank", "closing with outcome %s on this case needs approval by a %s or above; you are a %s", c.Closure.Outcome, need, approver.Rank)
	}
	if !(domain.Org{Units: org.Units}).Within(c.TeamID, approver.UnitID) {
		msg(&p, "", "approver_chain", "you are not in the chain of command of the team that owns %s", c.Ref)
	}
	return p
}
