package service

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
)

// BoardDecision is one decision the team board waits on: a transfer to
// accept, a closure to approve or a referral to allocate, with what a
// supervisor needs to choose which to take first without opening the case.
// People and teams are ids, for the page to name by rank and name.
type BoardDecision struct {
	// Kind is the duty the decision meets: duty.TransferAccept,
	// duty.ClosureApproval or duty.AllocateReferral.
	Kind    string `json:"kind"`
	CaseID  string `json:"case_id"`
	CaseRef string `json:"case_ref"`
	// Summary is the case's summary, as its page shows it.
	Summary string `json:"summary"`
	// Since is when the wait began: the transfer offered, the closure
	// proposed, the referral opened.
	Since time.Time `json:"since"`
	// Due is when the decision is owed by (its duty's deadline): for a
	// referral, the allocation deadline.
	Due     time.Time `json:"due"`
	Overdue bool      `json:"overdue"`
	// By is who offered the transfer or proposed the closure.
	By string `json:"by,omitempty"`
	// FromTeam is the team sending a transfer.
	FromTeam string `json:"from_team,omitempty"`
	// Outcome is the outcome a closure asks for, in words
	// (policy.OutcomeLabel).
	Outcome string `json:"outcome,omitempty"`
	// Flags are a referral's risk flags, in words.
	Flags []string `json:"flags,omitempty"`
	// Decider is whose duty the decision is.
	Decider string `json:"decider,omitempty"`
	// May are the decision's commands (decisionCommands) the asker may
	// run on the case now, by the service's own rules, so the board
	// offers only what the service will do: a sergeant was offered
	// "Approve or send back" on a closure only an inspector decides.
	May []DecisionCommand `json:"may"`
}

// BoardDecisions are the decisions waiting on the actor's teams, each list
// oldest first (EscalationsLimit at most of each: Cut says which lists
// were cut short).
type BoardDecisions struct {
	Transfers []BoardDecision `json:"transfers"`
	Closures  []BoardDecision `json:"closures"`
	Referrals []BoardDecision `json:"referrals"`
	Cut       []string        `json:"cut,omitempty"` // kinds with more than EscalationsLimit waiting
}

// farFuture is a "due by" that takes every duty, however far off.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// BoardDecisions reads the decisions waiting on the actor's teams (a
// supervisor's or manager's), through the open duties that owe them —
// each decision is a duty no one may waive, so every one waiting has one —
// and records the read of their cases, whose summaries it shows.
func (s *Service) BoardDecisions(ctx context.Context, a *Actor) (*BoardDecisions, error) {
	teams, err := s.boardTeams(ctx, a)
	if err != nil {
		return nil, err
	}
	f, err := s.finder()
	if err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	pol, now := s.Policy(), s.clock.Now()
	out := &BoardDecisions{Transfers: []BoardDecision{}, Closures: []BoardDecision{}, Referrals: []BoardDecision{}}
	var read []string
	for _, k := range []struct {
		kind string
		into *[]BoardDecision
	}{{duty.TransferAccept, &out.Transfers}, {duty.ClosureApproval, &out.Closures},
		{duty.AllocateReferral, &out.Referrals}} {
		// One kind at a time, so that a backlog of one does not hide
		// the others.
		rows, err := f.DutiesOfKinds(ctx, teams, []string{k.kind}, farFuture, EscalationsLimit+1)
		if err != nil {
			return nil, fmt.Errorf("decisions waiting: %w", err)
		}
		if len(rows) > EscalationsLimit {
			rows = rows[:EscalationsLimit]
			out.Cut = append(out.Cut, k.kind)
		}
		for _, r := range rows {
			c, err := s.st.Case(ctx, r.CaseID)
			if err != nil {
				return nil, fmt.Errorf("decision waiting on %s: %w", r.CaseRef, err)
			}
			if !a.CanSee(org, c) {
				continue
			}
			d := BoardDecision{Kind: k.kind, CaseID: c.ID, CaseRef: c.Ref, Summary: c.Summary, Due: r.Due,
				Overdue: duty.Overdue(r.Due, now), Decider: r.Accountable}
			// The duty index follows the case, but the case is the
			// record: a row it no longer bears out is left off.
			switch k.kind {
			case duty.TransferAccept:
				t := c.Transfer
				if t == nil || t.ID != r.Subject {
					continue
				}
				d.Since, d.By, d.FromTeam = t.ProposedAt, t.ProposedBy, t.FromTeam
			case duty.ClosureApproval:
				cl := c.Closure
				if !cl.Open() {
					continue
				}
				d.Since, d.By, d.Outcome = cl.ProposedAt, cl.ProposedBy, pol.OutcomeLabel(cl.Outcome)
			case duty.AllocateReferral:
				if c.OwnerID != "" {
					continue
				}
				d.Since, d.Flags = c.OpenedAt, referralFlags(c)
			}
			d.May = []DecisionCommand{}
			perm := s.permissions(a, c, org, now.UTC())
			for _, cmd := range decisionCommands[k.kind] {
				if perm.Can(cmd.Name) {
					d.May = append(d.May, cmd)
				}
			}
			*k.into = append(*k.into, d)
			read = append(read, c.ID)
		}
		// Oldest first: the longest wait leads, whatever its deadline.
		slices.SortStableFunc(*k.into, func(x, y BoardDecision) int {
			if c := x.Since.Compare(y.Since); c != 0 {
				return c
			}
			return strings.Compare(x.CaseRef, y.CaseRef)
		})
	}
	if err := s.RecordRead(ctx, a, ReadTeam, "", read); err != nil {
		return nil, err
	}
	return out, nil
}

// DecisionCommand is a case command that makes one of the board's
// decisions, with the word its link on the board says.
type DecisionCommand struct {
	Name  string `json:"name"`  // the case command: "accept-transfer"
	Label string `json:"label"` // the link's word: "Accept"
}

// decisionCommands are the case commands that make each decision, in the
// order the board offers them.
var decisionCommands = map[string][]DecisionCommand{
	duty.TransferAccept:   {{"accept-transfer", "Accept"}, {"reject-transfer", "Refuse"}},
	duty.ClosureApproval:  {{"approve-closure", "Approve"}, {"reject-closure", "Send back"}},
	duty.AllocateReferral: {{"assign-owner", "Allocate"}},
}

// referralFlags are what a referral's record shows of its risk, in words
// a supervisor allocating it reads at a glance: victims owed enhanced
// rights (children, the vulnerable or intimidated), suspects found on
// other cases, and audit findings still open. Counts, never names: the
// board is a list.
func referralFlags(c *domain.Case) []string {
	var out []string
	enhanced := 0
	for _, v := range c.Victims {
		if v.Enhanced || v.Vulnerable {
			enhanced++
		}
	}
	if enhanced > 0 {
		out = append(out, domain.Plural(enhanced, "victim", "victims")+" with enhanced rights")
	}
	linked, possible := map[string]bool{}, map[string]bool{}
	for _, l := range c.Links {
		switch l.Outcome {
		case domain.LinkConfirmed:
			linked[l.OtherCase] = true
		case "":
			possible[l.OtherCase] = true
		}
	}
	if len(linked) > 0 {
		out = append(out, "Linked to "+domain.Plural(len(linked), "other case", "other cases"))
	}
	if n := len(possible); n > 0 {
		out = append(out, "A possible link to "+domain.Plural(n, "other case", "other cases")+", not yet decided")
	}
	open := 0
	for _, f := range c.Findings {
		if f.Resolved.IsZero() {
			open++
		}
	}
	if open > 0 {
		out = append(out, domain.Plural(open, "audit finding", "audit findings")+" open")
	}
	if len(out) > 0 {
		out[0] = strings.ToUpper(out[0][:1]) + out[0][1:]
	}
	return out
}
