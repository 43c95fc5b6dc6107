package demo

import (
	"fmt"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// What a reviewer of the national review writes: the form and findings,
// from what the triage said about the case and what its record shows.

// reasonOf is the triage's detail for a reason the case ranks where it does.
func reasonOf(ac domain.AuditCase, code string) (string, bool) {
	for _, r := range ac.Reasons {
		if r.Code == code {
			return r.Detail, true
		}
	}
	return "", false
}

// submission writes the review form and findings a reviewer would,
// from what the triage said about the case.
func (nr *nationalReview) submission(p *plannedReview, c *domain.Case) service.ReviewSubmission {
	ac := p.ac
	pursued := domain.PursuedAll
	if len(c.Suspects) == 0 {
		pursued = domain.PursuedNoSuspects
	}
	switch p.kind {
	case reviewClearHigh:
		return service.ReviewSubmission{
			Form: domain.ReviewForm{
				VictimAccount:    domain.AccountBestPractice,
				SuspectsPursued:  pursued,
				OutcomeJustified: domain.JustifiedYes,
				Summary:          "The paper file answers the flags: the closure was agreed at a case conference chaired by the detective inspector, the suspects were dealt with as the CPS advised, and the victims were seen. No concerns.",
			},
		}
	case reviewClear:
		return service.ReviewSubmission{
			Form: domain.ReviewForm{
				VictimAccount:    domain.AccountBestPractice,
				SuspectsPursued:  pursued,
				OutcomeJustified: domain.JustifiedYes,
				Summary:          "A thorough investigation: accounts taken by ABE interview, suspects interviewed, CPS advice followed and recorded. The outcome was justified. No concerns.",
			},
		}
	}
	form := domain.ReviewForm{
		VictimAccount:    domain.AccountBestPractice,
		SuspectsPursued:  pursued,
		OutcomeJustified: domain.JustifiedPartly,
	}
	var fs []service.NewAuditFinding
	add := func(kind, sev, detail string) {
		fs = append(fs, service.NewAuditFinding{Kind: kind, Severity: sev, Detail: detail, Action: domain.ActionNone})
	}
	if d, ok := reasonOf(ac, FailNotInterviewed); ok {
		form.SuspectsPursued, form.OutcomeJustified = domain.PursuedSome, domain.JustifiedNo
		add("suspect_not_pursued", domain.SeverityHigh, capital(d)+": the closure rests on accounts never tested.")
	}
	if d, ok := reasonOf(ac, FailActionsOpen); ok {
		for _, a := range c.Actions {
			if !a.Ended() {
				form.LinesMissed = append(form.LinesMissed, a.Title)
			}
		}
		form.OutcomeJustified = domain.JustifiedNo
		add("lines_of_enquiry_missed", domain.SeverityMedium, capital(d)+".")
	}
	if d, ok := reasonOf(ac, FailSelfApproved); ok {
		add("supervision", domain.SeverityHigh, capital(d)+": nobody independent decided the closure.")
	}
	if d, ok := reasonOf(ac, FailBelowRank); ok {
		add("supervision", domain.SeverityMedium, capital(d)+".")
	}
	if d, ok := reasonOf(ac, FailVictimNotTold); ok {
		add("victim_not_updated", domain.SeverityMedium, capital(d)+"; nobody told them the investigation had ended.")
	}
	if d, ok := reasonOf(ac, FailAccountNotTaken); ok {
		form.VictimAccount = domain.AccountNotTaken
		add("victim_account", domain.SeverityHigh, capital(d)+": the victim was never properly heard.")
	}
	if d, ok := reasonOf(ac, FailSuspectShared); ok {
		add("network_missed", domain.SeverityMedium, capital(d)+"; the link was not made at the time.")
	}
	if d, ok := reasonOf(ac, FailQuickClosure); ok {
		add(
			"closure_unjustified",
			domain.SeverityMedium,
			capital(d)+": too soon for the lines of enquiry to have been worked.",
		)
	}
	if len(fs) == 0 {
		add(
			"closure_unjustified",
			domain.SeverityLow,
			"The rationale does not say why the suspects' accounts were not tested against the phone evidence.",
		)
	}
	// The finding that calls for action.
	act := func(kind, sev, action, detail string) {
		for i := range fs {
			if fs[i].Kind == kind {
				fs[i].Action = action
				return
			}
		}
		fs = append(fs, service.NewAuditFinding{Kind: kind, Severity: sev, Detail: detail, Action: action})
	}
	switch p.kind {
	case reviewReopen:
		act(
			"suspect_not_pursued",
			domain.SeverityHigh,
			domain.ActionReopen,
			"Named suspects were never interviewed: the investigation must be reopened.",
		)
	case reviewPSD:
		act(
			"supervision",
			domain.SeverityHigh,
			domain.ActionProfessionalStandards,
			"The closure was approved without an independent decision-maker of the required rank: refer the approval for a conduct assessment.",
		)
	case reviewContact:
		if _, ok := reasonOf(ac, FailVictimNotTold); ok {
			act(
				"victim_not_updated",
				domain.SeverityMedium,
				domain.ActionVictimContact,
				"The victims were never told the investigation had ended, nor of their right to ask for a review.",
			)
		} else {
			act("victim_account", domain.SeverityMedium, domain.ActionVictimContact, "The victim's account was taken in a hurried statement, not an ABE interview: offer the chance to give it fully, with ISVA support.")
		}
	}
	form.Summary = fmt.Sprintf(
		"%d concern(s) found reading the file against the national review's criteria; see the findings.",
		len(fs),
	)
	if p.kind == reviewReopen {
		form.Summary = "Named suspects were never interviewed and lines of enquiry remain. The case should be reinvestigated."
		if _, ok := reasonOf(ac, FailSuspectShared); ok {
			form.Summary = "Named suspects were never interviewed, and appear in other cases; lines of enquiry remain. The case should be reinvestigated."
		}
	}
	return service.ReviewSubmission{Form: form, Findings: fs}
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
