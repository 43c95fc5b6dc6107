package gate

import (
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/offence"
	"github.com/holdfast/holdfast/internal/policy"
)

// Proposal is a proposed closure.
type Proposal struct {
	Outcome   string
	Rationale domain.Rationale
}

// Closure checks a proposal to close c and returns every reason it cannot.
func Closure(c *domain.Case, in Proposal, pol *policy.Policy, now time.Time) domain.Problems {
	return check("closure", Input{Case: c, Proposal: in, Policy: pol, Now: now})
}

func outcomeCode(in *Input, report Report) {
	if in.Policy.Outcome(in.Proposal.Outcome) == nil {
		report("outcome", "Choose a Home Office outcome code from the list.")
	}
}

func outcomeDate(in *Input, report Report) {
	o := in.Policy.Outcome(in.Proposal.Outcome)
	if o == nil || o.Since == "" {
		return
	}
	if since, err := time.Parse(time.DateOnly, o.Since); err == nil && in.Now.Before(since) {
		report("outcome", "Outcome %s can only be used from %s: choose another outcome.", o.Code,
			since.Format("2 January 2006"))
	}
}

// outcomeFits: an outcome the policy keeps to some offences (only_for)
// cannot close a case of others; the refusal says what the outcome is for.
func outcomeFits(in *Input, report Report) {
	o := in.Policy.Outcome(in.Proposal.Outcome)
	if o == nil || OutcomeFits(in.Case, o) {
		return
	}
	cls := offence.Current()
	var titles []string
	for _, code := range in.Case.OffenceTypes {
		titles = append(titles, cls.Title(code))
	}
	of := "no offence is recorded on this case"
	if len(titles) > 0 {
		of = "this case is " + domain.JoinAnd(titles)
	}
	report("outcome", "Outcome %s (%s) is only for %s, and %s: choose an outcome that can apply to its offences.",
		o.Code, o.Title, o.OnlyFor, of)
}

// OutcomeFits reports whether outcome o can apply to c's offences (by the
// policy's only_for and offences, matched by classification code or
// group in the classification in force).
func OutcomeFits(c *domain.Case, o *policy.Outcome) bool {
	cls := offence.Current()
	return o.Fits(c.OffenceTypes, func(code string) string {
		if off, ok := cls.Lookup(code); ok {
			return off.Group
		}
		return ""
	})
}

// Outcomes are the policy's outcomes that the closure rules on the outcome
// alone (Rule.Outcome) accept for c at now, in the policy's order: what
// the closure form offers.
func Outcomes(c *domain.Case, pol *policy.Policy, now time.Time) []policy.Outcome {
	var out []policy.Outcome
	for _, o := range pol.Outcomes {
		ok := true
		in := Input{Case: c, Policy: pol, Now: now, Proposal: Proposal{Outcome: o.Code}}
		for _, r := range Rules {
			if r.Gate == "closure" && r.Outcome {
				r.Check(&in, func(string, string, ...any) { ok = false })
			}
		}
		if ok {
			out = append(out, o)
		}
	}
	return out
}

func rationale(in *Input, report Report) {
	r := in.Proposal.Rationale
	for _, f := range []struct{ field, v, what string }{
		{"rationale.lines_considered", r.LinesConsidered, "which lines of enquiry were considered"},
		{"rationale.why_none_remain", r.WhyNoneRemain, "why no line of enquiry remains"},
		{"rationale.suspects_status", r.SuspectsStatus, "where each suspect stands"},
		{"rationale.victim_view", r.VictimView, "what the victim thinks of this outcome"},
	} {
		if len(strings.TrimSpace(f.v)) < 10 {
			report(f.field, "Say %s, in at least a sentence.", f.what)
		}
	}
}

func actionsFiled(in *Input, report Report) {
	for _, a := range in.Case.Actions {
		if !a.Ended() {
			report("actions", "Action A%d (%s) is %s: it must be resulted and filed, or cancelled by a supervisor, "+
				"before the case can close.", a.Number, a.Title, domain.ActionStateLabel(a.State))
		}
	}
}

func suspectsPursued(in *Input, report Report) {
	for _, s := range in.Case.Suspects {
		if s.Named() && !s.Interviewed() && s.Explanation == "" && s.Status != domain.SuspectDeceased {
			report("suspects", "Suspect %s has been identified but not interviewed: interview them or record why not.",
				s.Name)
		}
	}
}

func victimAccount(in *Input, report Report) {
	if v := in.Victim; !v.AccountTaken {
		report("victims", "No account has been recorded from victim %s: record it (for a child, a video-recorded "+
			"interview).", v.Name)
	}
}

// victimContact: the victim's agreed contact plan says how often they are
// updated; without one, the policy's gates.victim_contact does.
func victimContact(in *Input, report Report) {
	v := in.Victim
	every := in.Policy.Gates.VictimContact.N
	if v.Plan != nil && v.Plan.EveryDays > 0 {
		every = v.Plan.EveryDays
	}
	if last := v.LastContact(); last.IsZero() || in.Now.Sub(last) > time.Duration(every)*24*time.Hour {
		report("victims", "Victim %s has not been contacted in the last %s: update them before closing.",
			v.Name, domain.Plural(every, "day", "days"))
	}
}

func victimView(in *Input, report Report) {
	if v := in.Victim; v.View == "" {
		report("victims", "Victim %s view of the proposed outcome has not been recorded: record it.",
			domain.Possessive(v.Name))
	}
}

func supervised(in *Input, report Report) {
	c := in.Case
	if last := lastReview(c); last.IsZero() || (!c.LastSignificant.IsZero() && last.Before(c.LastSignificant)) {
		report("reviews", "There has been no supervisory review since the last significant event (%s): a "+
			"supervisor must review the case first.", when(c.LastSignificant))
	}
}

func when(t time.Time) string {
	if t.IsZero() {
		return "allocation"
	}
	return clock.GovUK(t)
}

func lastReview(c *domain.Case) time.Time {
	return c.LastReviewAt // zero before the first
}
