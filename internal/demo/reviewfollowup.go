package demo

import (
	"fmt"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/service"
)

// What follows a review's findings: the reopened case picked up by its
// team, victims told, findings answered, and second reviewers' sign-offs.

// reinvestigate picks up the case the review reopened: its team's
// supervisor gives it to a detective of the team, who then works it like
// any of the generator's cases, and answers the finding a few days later.
func (nr *nationalReview) reinvestigate(p *plannedReview) error {
	g := nr.g
	c, err := g.rec.Case(g.ctx, p.ac.CaseID)
	if err != nil {
		return err
	}
	t := g.teamByID[c.TeamID]
	plan := &casePlan{at: c.OpenedAt, team: t, seed: nr.r.Uint64(), horizon: g.now.Add(days(365))}
	sc := newSimCase(g, len(g.cases)+len(g.reopenedLegacy), plan)
	sc.c = c
	g.reopenedLegacy = append(g.reopenedLegacy, sc)
	if err := sc.afterReopen("the national review found named suspects never interviewed"); err != nil {
		return err
	}
	// It stays open past now: the reinvestigation has only begun.
	kept := sc.ms[:0]
	for _, m := range sc.ms {
		if m.kind != msClose {
			kept = append(kept, m)
		}
	}
	sc.ms = kept
	g.rewake(sc)
	nr.schedule(nr.workingDays(g.clk.Now(), 3), func() error {
		f := openAuditFinding(sc.c)
		if f == nil {
			return nil
		}
		a := nr.actorFor(sc.c, f.MustAct)
		id := f.ID
		return sc.do("answer audit finding", func(v int64) (*domain.Case, error) {
			return g.svc.AnswerFinding(g.ctx, a, sc.c.ID, service.AnswerFinding{Version: v, Finding: id,
				Answer: "Reopened and allocated to a detective of the team; directions set at the " +
					"reopening review: trace and interview the named suspects, and link the case with the others they appear in."})
		})
	})
	return nil
}

func openAuditFinding(c *domain.Case) *domain.Finding {
	for i := range c.Findings {
		f := &c.Findings[i]
		if domain.IsAuditFinding(f.Kind) && f.MustAct != "" && f.Resolved.IsZero() {
			return f
		}
	}
	return nil
}

func (nr *nationalReview) actorFor(c *domain.Case, id string) *service.Actor {
	if o, ok := nr.g.officers[id]; ok && o.active {
		return o.actor
	}
	if t := nr.g.teamByID[c.TeamID]; t != nil {
		return t.lead.actor
	}
	return nr.g.admin
}

// tellVictims meets the decision notices a finding brought back into
// play: the victims hear, years late, that the investigation was closed.
func (nr *nationalReview) tellVictims(caseID string) error {
	g := nr.g
	a := g.staff[domain.RoleVictimLiaison].actor
	for {
		c, err := g.rec.Case(g.ctx, caseID)
		if err != nil {
			return err
		}
		var victim string
		for _, d := range c.OpenDuties() {
			if d.Kind == duty.DecisionNotice {
				victim = d.Subject
				break
			}
		}
		if victim == "" {
			return nil
		}
		if _, err := g.svc.RecordContact(g.ctx, a, caseID, service.RecordContact{
			Version: c.Version, Victim: victim, Kind: domain.ContactDecision, Method: "home visit with the ISVA",
			Note: "Told of the decision to close the investigation (outcome " + c.Outcome +
				") and that it is being looked at again by the national review; right to review explained."}); err != nil {
			return fmt.Errorf("demo: tell the victims on %s: %w", c.Ref, err)
		}
		g.cmd()
	}
}

// answer answers the open audit finding on a case as the person it names:
// the victim has been contacted as the review recommended.
func (nr *nationalReview) answer(caseID string) error {
	g := nr.g
	c, err := g.rec.Case(g.ctx, caseID)
	if err != nil {
		return err
	}
	f := openAuditFinding(c)
	if f == nil {
		return nil
	}
	text := "Victims seen by the victim liaison officer with the ISVA: told of the decision to close the investigation and of the national review; support offered and accepted."
	if f.Kind == domain.AuditFindingPrefix+"victim_account" {
		text = "Victim seen by the victim liaison officer with the ISVA, and has agreed to give a full account by ABE interview, arranged for next week."
	}
	if _, err := g.svc.AnswerFinding(g.ctx, nr.actorFor(c, f.MustAct), caseID,
		service.AnswerFinding{Version: c.Version, Finding: f.ID, Answer: text}); err != nil {
		return fmt.Errorf("demo: answer the finding on %s: %w", c.Ref, err)
	}
	g.cmd()
	return nil
}

// signOff is the lead's word on a "no concerns" review of a high-risk case.
func (nr *nationalReview) signOff(p *plannedReview, agree bool, note string) error {
	g := nr.g
	if _, err := g.svc.SignOff(g.ctx, nr.lead.actor, service.SignOff{
		Audit: nr.audit.ID, Case: p.ac.CaseID, Agree: agree, Note: note}); err != nil {
		return fmt.Errorf("demo: sign off %s: %w", p.ac.Ref, err)
	}
	g.cmd()
	return nil
}
