package gate

import (
	"fmt"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/policy"
)

// Rule is one check a decision must pass. Its Check reports each breach
// through report, which files it under the rule's ID: an ID is written
// once, here, and refusals and docs/gates.md name it.
type Rule struct {
	ID       string // stable: appears in refusals as the rule broken
	Gate     string // closure | approval | transfer | reopen | vrr
	Prevents string // the failure, in the reviews' words
	// EachVictim rules look at in.Victim and run once per victim: a run of
	// them in the table checks each victim in turn, so one victim's
	// problems are listed together.
	EachVictim bool
	// Outcome rules look at the proposed outcome alone, against the case:
	// the closure form offers only the outcomes they pass (Outcomes), so
	// no choice is offered that the gate refuses.
	Outcome bool
	Check   func(in *Input, report Report)
}

// Report records one breach of the rule being checked.
type Report func(field, format string, a ...any)

// Input is what a decision's rules look at; each gate fills what its
// rules read.
type Input struct {
	Case     *domain.Case
	Policy   *policy.Policy
	Org      *domain.OrgState
	Now      time.Time
	Proposal Proposal       // closure
	Approver *domain.User   // approval
	ToTeam   string         // transfer
	Reason   string         // transfer, reopen
	Reviewer *domain.User   // vrr
	Victim   *domain.Victim // set for EachVictim rules
}

// Rules lists every rule, in the order refusals list them.
var Rules = []Rule{
	{ID: "outcome_code", Gate: "closure", Check: outcomeCode, Outcome: true,
		Prevents: "a case closed without a recognised Home Office outcome code"},
	{ID: "outcome_date", Gate: "closure", Check: outcomeDate, Outcome: true,
		Prevents: "an outcome recorded that did not exist at the time"},
	{ID: "outcome_fits", Gate: "closure", Check: outcomeFits, Outcome: true,
		Prevents: "an outcome recorded that cannot apply to the case's offences (a cannabis warning on a rape)"},
	{ID: "rationale", Gate: "closure", Check: rationale,
		Prevents: "a case closed without proper justification"},
	{ID: "actions_filed", Gate: "closure", Check: actionsFiled,
		Prevents: "no further action while lines of enquiry were still open"},
	{ID: "suspects_pursued", Gate: "closure", Check: suspectsPursued,
		Prevents: "suspects identified but never interviewed, with no reason recorded"},
	{ID: "victim_account", Gate: "closure", Check: victimAccount, EachVictim: true,
		Prevents: "victim accounts not taken"},
	{ID: "victim_contact", Gate: "closure", Check: victimContact, EachVictim: true,
		Prevents: "victims left without updates"},
	{ID: "victim_view", Gate: "closure", Check: victimView, EachVictim: true,
		Prevents: "closure recorded without the victim's view (outcomes 14–16 used without it)"},
	{ID: "supervised", Gate: "closure", Check: supervised,
		Prevents: "inadequate supervision: errors went unnoticed"},
	{ID: "second_person", Gate: "approval", Check: secondPerson,
		Prevents: "a closure approved by the person who proposed it"},
	{ID: "approver_rank", Gate: "approval", Check: approverRank,
		Prevents: "a sensitive closure approved below the rank policy requires"},
	{ID: "approver_chain", Gate: "approval", Check: approverChain,
		Prevents: "a closure approved by someone outside the case's chain of command"},
	{ID: "transfer_target", Gate: "transfer", Check: transferTarget,
		Prevents: "a case transferred to a unit that cannot own it, or lost between departments"},
	{ID: "transfer_reason", Gate: "transfer", Check: transferReason,
		Prevents: "a case moved without a recorded reason"},
	{ID: "reopen_reason", Gate: "reopen", Check: reopenReason,
		Prevents: "a case reopened without a recorded reason"},
	{ID: "vrr_rank", Gate: "vrr", Check: vrrRank,
		Prevents: "a Victims' Right to Review done by someone not senior to the decision-maker"},
	{ID: "vrr_independent", Gate: "vrr", Check: vrrIndependent,
		Prevents: "a Victims' Right to Review done by someone already involved in the case"},
}

// check runs the rules of gate over in, in the table's order, and returns
// every breach.
func check(gate string, in Input) domain.Problems {
	var p domain.Problems
	var rules []Rule
	for _, r := range Rules {
		if r.Gate == gate {
			rules = append(rules, r)
		}
	}
	run := func(r Rule, in *Input) {
		r.Check(in, func(field, format string, a ...any) { p.Add(field, r.ID, fmt.Sprintf(format, a...)) })
	}
	for i := 0; i < len(rules); i++ {
		if !rules[i].EachVictim {
			run(rules[i], &in)
			continue
		}
		j := i
		for j < len(rules) && rules[j].EachVictim {
			j++
		}
		for k := range in.Case.Victims {
			v := in
			v.Victim = &in.Case.Victims[k]
			for _, r := range rules[i:j] {
				run(r, &v)
			}
		}
		i = j - 1
	}
	return p
}

func msg(p *domain.Problems, field, rule, format string, a ...any) {
	p.Add(field, rule, fmt.Sprintf(format, a...))
}
