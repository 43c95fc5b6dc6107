package web

import (
	"context"
	"fmt"
	"maps"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/offence"
	"github.com/holdfast/holdfast/internal/service"
)

// caseForm is one write journey of the case pages: a page of its own
// (GET /cases/{ref}/do/{name}) whose form runs one service command (POST
// to the same path) and returns to its section with a success banner.
type caseForm struct {
	done string // the success banner
	// said, where the banner must name who or what follows (the new
	// officer in charge, the outcome of a review), makes it from the
	// case as the command left it and the form sent; done otherwise.
	said    func(c *domain.Case, org *domain.OrgState, f url.Values) string
	section string // the section it returns to
	// target is the form field naming what the command acts on (an action,
	// a victim, a suspect, a duty, a finding), or "".
	target string
	title  func(v *caseView, target string) string
	button string
	// warning marks a journey that cannot be undone (cancel, reopen).
	warning bool
	fields  func(v *caseView, target string) []field
	run     func(ctx context.Context, a *service.Actor, caseID string, f url.Values) (*domain.Case, error)
	// decode reads the form into the command's input, as run does, without
	// running it: the check-your-answers step refuses what cannot be read.
	decode func(f url.Values) error
	// perm is the command service.Permissions answers for, where the
	// journey's name is not one ("correct-note" is "add-note" naming the
	// note it corrects).
	perm string
	// check, for a consequential decision, is a "check your answers" page
	// between the form and the command: its heading ("Check your answers
	// before you propose the transfer") and confirming button; the form's
	// own button then says Continue.
	check, confirm string
	// precheck finds, before the answers are shown, what the command would
	// refuse in them (the same rules, where the service exposes them).
	precheck func(v *caseView, f url.Values) domain.Problems
	// caseloads: the page reads the caseloads of the case's team, to show
	// beside the officers to choose from.
	caseloads bool
	// more, on a journey that takes a list (a review's directions), is
	// the most entries the form offers now: "Add another" sends the form
	// to be shown again with one more.
	more bool
}

// permName is the command Permissions answers for on this journey.
func (cf caseForm) permName(name string) string {
	if cf.perm != "" {
		return cf.perm
	}
	return name
}

// field is one question of a write journey.
type field struct {
	Name, Label, Hint string
	Kind              string      // text, textarea, select, radios, number, date, checkbox
	Options           [][2]string // value, label (select and radios)
	Value             string      // what it holds before anyone types
	// Answer, where a choice's label says more than the choice (an
	// officer with their caseload), is what the choice reads as on the
	// check-your-answers page: the officer by rank and name alone.
	Answer func(value string) string
	// Other, on radios, is a last choice (value otherWay) with a text box
	// beneath it for words of one's own: its Label the choice's, its Hint
	// the box's label, its Name the box's field (ownWords reads it).
	Other *field
}

// form is the case form of a service command: the form's fields are named
// by the struct's json tags (request.DecodeForm), the version included.
func form[In any](fn func(context.Context, *service.Actor, string, In) (*domain.Case, error), f caseForm) caseForm {
	f.run = func(ctx context.Context, a *service.Actor, caseID string, vals url.Values) (*domain.Case, error) {
		var in In
		if err := request.DecodeForm(vals, &in, request.Labels(dateLabels)); err != nil {
			return nil, err
		}
		return fn(ctx, a, caseID, in)
	}
	f.decode = func(vals url.Values) error {
		var in In
		return request.DecodeForm(vals, &in, request.Labels(dateLabels))
	}
	if f.fields == nil {
		f.fields = func(*caseView, string) []field { return nil }
	}
	return f
}

// keepBlankSummary is the update-case form. The decoder reads a blank
// field as one not sent, but this form always sends the summary: a blank
// one is the officer clearing it, which the service refuses as blank,
// not a summary left as it was.
func keepBlankSummary(s *service.Service, f caseForm) caseForm {
	f = form(s.UpdateCase, f)
	f.run = func(ctx context.Context, a *service.Actor, caseID string, vals url.Values) (*domain.Case, error) {
		var in service.CaseUpdate
		if err := request.DecodeForm(vals, &in, request.Labels(dateLabels)); err != nil {
			return nil, err
		}
		if sent, ok := vals["summary"]; ok && len(sent) > 0 && in.Summary == nil {
			blank := ""
			in.Summary = &blank
		}
		return s.UpdateCase(ctx, a, caseID, in)
	}
	return f
}

func titled(s string) func(*caseView, string) string {
	return func(*caseView, string) string { return s }
}

func fields(fs ...field) func(*caseView, string) []field {
	return func(*caseView, string) []field { return fs }
}

// resultFields are the result form's questions, in the order the service
// checks them (resultProblems), so its error summary follows the page.
// "Not possible" and "referred on" need no question of their own: what
// was done says why, or to whom.
func resultFields() []field {
	var outcomes [][2]string
	for _, o := range domain.ActionOutcomes() {
		outcomes = append(outcomes, [2]string{string(o), domain.ActionOutcomeLabel(o)})
	}
	return []field{
		{Name: "result", Label: "What was done",
			Hint: "What you did and what it found. If it could not be done, say why; if you referred it on, say to whom",
			Kind: "textarea"},
		{Name: "outcome", Label: "Outcome", Kind: "radios", Options: outcomes},
		{Name: "reference", Label: "Reference (optional)",
			Hint: "A statement or exhibit number, for example S12 or EX/JS/1", Kind: "text"},
	}
}

// caseForms are the write journeys of the case pages, by the name in their
// URL; the names are the commands service.Permissions answers for.
func caseForms(s *service.Service) map[string]caseForm {
	return map[string]caseForm{
		"assign-owner": form(s.AssignOwner, caseForm{done: "Owner assigned", said: saidOwner("Owner assigned: ", ""),
			button: "Allocate", caseloads: true,
			title: func(v *caseView, _ string) string {
				if v.Case.OwnerID != "" {
					return "Change the officer in charge"
				}
				return "Allocate the referral to an officer"
			},
			fields: func(v *caseView, _ string) []field {
				return []field{
					{Name: "owner_id", Label: "Officer in charge", Kind: "select",
						Options: v.pickerOpts(v.Case.TeamID, "assign-owner", "")},
					{Name: "reason", Label: "Why (optional)", Kind: "text"},
				}
			}}),
		"update-case": keepBlankSummary(s, caseForm{done: "Case details corrected", button: "Save the corrections",
			title: titled("Correct the case details"),
			fields: func(v *caseView, _ string) []field {
				var marks [][2]string
				for _, m := range service.Markings {
					marks = append(marks, [2]string{m, m})
				}
				return []field{
					{Name: "summary", Label: "Summary", Kind: "textarea", Value: v.Case.Summary},
					{Name: "offence_types", Label: "Offences", Hint: "Tick every offence the case concerns",
						Kind: "checkboxes", Options: offenceOpts(v.Case.OffenceTypes),
						Value: strings.Join(v.Case.OffenceTypes, "\n")},
					{Name: "marking", Label: "Protective marking", Kind: "select", Options: marks, Value: v.Case.Marking},
				}
			}}),
		"add-victim": form(s.AddVictim, caseForm{done: "Victim added", section: "victims", button: "Add victim",
			title: titled("Add a victim"), fields: fields(
				field{Name: "name", Label: "Name", Hint: "A pseudonym is allowed if recorded as such", Kind: "text"},
				field{Name: "dob", Label: "Date of birth", Hint: "For example, 27 3 2012", Kind: "date"},
				field{Name: "contact", Label: "How to reach them (optional)", Kind: "text"},
				field{Name: "vulnerable", Label: "The victim is vulnerable", Hint: "A child always is", Kind: "checkbox"},
			)}),
		"add-suspect": form(s.AddSuspect, caseForm{done: "Suspect added", said: saidSuspect, section: "people",
			button: "Add suspect", title: titled("Add a suspect"), fields: fields(
				field{Name: "name", Label: "Name, if known", Kind: "text"},
				field{Name: "description", Label: "Description, if not named", Kind: "textarea"},
				field{Name: "dob", Label: "Date of birth (optional)", Hint: "For example, 27 3 1990", Kind: "date"},
				field{Name: "phone", Label: "Phone (optional)",
					Hint: "Links this suspect to others with the same number in any format", Kind: "text"},
				field{Name: "vehicle", Label: "Vehicle registration (optional)", Kind: "text"},
				field{Name: "address", Label: "Address, with postcode (optional)", Kind: "text"},
			)}),
		"add-person": form(s.AddPerson, caseForm{done: "Person added", section: "people", button: "Add person",
			title: titled("Add another person"), fields: func(*caseView, string) []field {
				var opts [][2]string
				for _, r := range service.PersonRoles {
					opts = append(opts, [2]string{r, domain.PersonRoleLabel(r)})
				}
				return []field{{Name: "name", Label: "Name", Kind: "text"},
					{Name: "role", Label: "How they are linked to the case", Kind: "radios", Options: opts}}
			}}),
		"raise-action": form(s.RaiseAction, caseForm{done: "Line of enquiry raised", section: "actions",
			button: "Raise it", title: titled("Raise a line of enquiry"), fields: fields(
				field{Name: "title", Label: "What is to be done", Hint: "For example: Download the victim's phone",
					Kind: "text"},
				field{Name: "description", Label: "More detail (optional)", Kind: "textarea"},
				field{Name: "priority", Label: "Priority", Kind: "radios", Value: "medium",
					Options: [][2]string{{"high", "High"}, {"medium", "Medium"}, {"low", "Low"}}},
			)}),
		"raise-standard": form(s.RaiseAction, caseForm{done: "Standard line of enquiry raised", section: "actions",
			button: "Raise it", title: titled("Raise a standard line of enquiry"),
			fields: func(v *caseView, _ string) []field {
				var opts [][2]string
				for _, sa := range v.Offered {
					if v.CanOn("raise-standard", sa.Key) {
						opts = append(opts, [2]string{sa.Key, sa.Title})
					}
				}
				return []field{{Name: "standard", Label: "Standard line of enquiry", Kind: "radios", Options: opts}}
			}}),
		"allocate-action": form(s.AllocateAction, caseForm{done: "Line of enquiry allocated", section: "actions",
			said:   saidAllocated,
			target: "action", button: "Allocate",
			title: func(v *caseView, t string) string { return "Allocate " + v.ActionName(t) },
			fields: func(v *caseView, t string) []field {
				return []field{
					{Name: "to", Label: "Officer", Kind: "select", Options: v.pickerOpts(v.Case.TeamID, "allocate-action", t)},
					{Name: "target", Label: "Target date (optional)",
						Hint: "For example, 27 3 2026. Leave it blank for the policy's target", Kind: "date"},
				}
			}}),
		"result-action": form(s.ResultAction, caseForm{done: "Result recorded", section: "actions", target: "action",
			button: "Record the result",
			title:  func(v *caseView, t string) string { return "Record the result of " + v.ActionName(t) },
			fields: fields(resultFields()...)}),
		"file-action": form(s.FileAction, caseForm{done: "Line of enquiry filed", section: "actions", target: "action",
			button: "File it",
			title:  func(v *caseView, t string) string { return "File " + v.ActionName(t) }}),
		"refer-back-action": form(s.ReferBackAction, caseForm{done: "Line of enquiry referred back",
			section: "actions", target: "action", button: "Refer it back",
			title:  func(v *caseView, t string) string { return "Refer back " + v.ActionName(t) },
			fields: fields(field{Name: "direction", Label: "What more must be done", Kind: "textarea"})}),
		"cancel-action": form(s.CancelAction, caseForm{done: "Line of enquiry cancelled", section: "actions",
			target: "action", button: "Cancel it", warning: true,
			title: func(v *caseView, t string) string { return "Cancel " + v.ActionName(t) },
			fields: fields(field{Name: "reason", Label: "Why it is cancelled", Hint: "At least a sentence",
				Kind: "textarea"})}),
		"plan": form(s.SetPlan, caseForm{done: "Investigation plan set", section: "actions", button: "Save the plan",
			title: titled("Set the investigation plan"), fields: func(v *caseView, _ string) []field {
				return []field{{Name: "plan", Label: "Investigation plan", Kind: "textarea", Value: v.Case.Plan}}
			}}),
		"add-note": form(s.AddNote, caseForm{done: "Note added", button: "Add note", title: titled("Add a note"),
			fields: fields(field{Name: "text", Label: "Note", Kind: "textarea"})}),
		// A note is corrected by a new note naming it; the original stays.
		"correct-note": form(s.AddNote, caseForm{perm: "add-note", done: "Note corrected", target: "corrects",
			button: "Save the correction", title: titled("Correct a note"),
			fields: func(v *caseView, t string) []field {
				text := ""
				if n := v.Note(t); n != nil {
					text = n.Text
				}
				return []field{{Name: "text", Label: "The note as it should read",
					Hint: "The note as first written stays in the record, marked as corrected", Kind: "textarea",
					Value: text}}
			}}),
		"contact-plan": ownWords(form(s.AgreeContactPlan, caseForm{done: "Contact plan agreed", section: "victims",
			target: "victim", button: "Save the contact plan",
			title: func(v *caseView, t string) string { return "Agree a contact plan with " + v.VictimName(t) },
			fields: func(v *caseView, t string) []field {
				every, method := "", ""
				if vi := v.Case.Victim(t); vi != nil && vi.Plan != nil {
					every, method = strconv.Itoa(vi.Plan.EveryDays), vi.Plan.Method
				}
				return []field{
					{Name: "every_days", Label: "How often, in days", Hint: "Between 1 and 90", Kind: "number",
						Value: every},
					{Name: "method", Label: "How", Kind: "radios", Options: methodOpts(method), Value: method,
						Other: methodOther},
					{Name: "agreed_with", Label: "Agreed with", Hint: "For example: the victim, their mother",
						Kind: "text"},
				}
			}})),
		"record-contact": ownWords(form(s.RecordContact, caseForm{done: "Contact recorded", section: "victims",
			said: saidContact, target: "victim", button: "Record the contact",
			title: func(v *caseView, t string) string { return "Record a contact with " + v.VictimName(t) },
			fields: func(v *caseView, t string) []field {
				var kinds [][2]string
				for _, k := range domain.ContactKinds() {
					kinds = append(kinds, [2]string{k, domain.ContactKindLabel(k)})
				}
				method := ""
				if vi := v.Case.Victim(t); vi != nil && vi.Plan != nil {
					method = vi.Plan.Method
				}
				return []field{
					{Name: "kind", Label: "What kind of contact", Kind: "radios", Options: kinds, Value: "update"},
					{Name: "method", Label: "How", Kind: "radios", Options: methodOpts(method), Value: method,
						Other: methodOther},
					{Name: "note", Label: "What you told them, and anything they said",
						Hint: "Needed for an update", Kind: "textarea"},
					contactedOnField(v.Now),
				}
			}})),
		"victim-view": form(s.RecordVictimView, caseForm{done: "Victim's view recorded", section: "victims",
			target: "victim", button: "Record the view",
			title: func(v *caseView, t string) string {
				return "Record " + possessive(v.VictimName(t)) + " view of the outcome"
			},
			fields: fields(field{Name: "view", Label: "The victim's view",
				Hint: "In their words where possible", Kind: "textarea"})}),
		"correct-person": form(s.CorrectPerson, caseForm{done: "Details corrected", section: "people",
			target: "person", button: "Save the correction",
			title: func(v *caseView, t string) string {
				if n := v.personName(t); n != "" {
					return "Correct " + possessive(n) + " details"
				}
				return "Correct a person's details"
			},
			fields: func(v *caseView, t string) []field { return personFields(v.Case, t) }}),
		"suspect-status": form(s.SetSuspectStatus, caseForm{done: "Suspect status recorded", section: "people",
			target: "suspect", button: "Record the status",
			title: func(v *caseView, t string) string { return "Record what happened with " + v.SuspectName(t) },
			fields: func(*caseView, string) []field {
				var opts [][2]string
				for _, st := range domain.SuspectStatuses()[1:] { // unidentified only by being recorded so
					opts = append(opts, [2]string{string(st), domain.SuspectStatusLabel(st)})
				}
				return []field{
					{Name: "status", Label: "New status", Kind: "radios", Options: opts},
					{Name: "on", Label: "Date the status was reached",
						Hint: "For example, 27 3 2026. Leave it blank for today", Kind: "date"},
					{Name: "explanation", Label: "Explanation (optional)",
						Hint: "Why an identified suspect was not interviewed", Kind: "textarea"},
				}
			}}),
		"review": reviewForm(s),
		"decision": form(s.RecordDecision, caseForm{done: "Decision recorded", section: "decisions",
			button: "Record the decision", title: titled("Record a decision"), fields: fields(
				field{Name: "decision", Label: "Decision", Kind: "text"},
				field{Name: "rationale", Label: "Rationale", Kind: "textarea"},
			)}),
		"transfer": form(s.ProposeTransfer, caseForm{done: "Transfer proposed", section: "decisions",
			button: "Continue", title: titled("Propose a transfer to another team"),
			check: "Check your answers before you propose the transfer", confirm: "Propose the transfer",
			precheck: func(v *caseView, f url.Values) domain.Problems {
				return gate.Transfer(v.Case, f.Get("to_team"), f.Get("reason"), v.Org)
			},
			fields: func(v *caseView, _ string) []field {
				opts := [][2]string{{"", "Choose a team"}}
				for _, u := range teamsOf(v.Org) {
					if u.ID != v.Case.TeamID {
						opts = append(opts, [2]string{u.ID, u.Name})
					}
				}
				return []field{{Name: "to_team", Label: "Team", Kind: "select", Options: opts},
					{Name: "reason", Label: "Why", Kind: "textarea"}}
			}}),
		// Accepting names the new officer in charge, and allocates a
		// referral to them (service/decisions.go): the form, its check
		// step and the banner after say so.
		"accept-transfer": form(s.AcceptTransfer, caseForm{done: "Transfer accepted", section: "decisions",
			said:   saidOwner("Transfer accepted: the case is allocated to ", ", who is now its officer in charge"),
			button: "Continue", title: titled("Accept the transfer"), caseloads: true,
			check: "Check your answers before you accept the transfer", confirm: "Accept the transfer",
			precheck: func(v *caseView, f url.Values) domain.Problems {
				var ps domain.Problems
				if !offered(v.officerOpts(v.transferTeam()), f.Get("owner_id")) {
					ps.Add("owner_id", "unknown_user", "Choose the new officer in charge from the list.")
				} else if why := v.Perm.Unmet("accept-transfer", "", f.Get("owner_id")); why != "" {
					// The training gate the confirmation would apply: the
					// check step must not offer an Accept that is refused.
					ps.Add("owner_id", "accreditation", fmt.Sprintf("%s cannot be officer in charge of %s: "+
						"that needs %s, which they do not hold. Choose an officer who holds it, or ask a manager "+
						"to record an override.", v.Person(f.Get("owner_id")), v.Case.Ref, strings.TrimPrefix(why, "lacks ")))
				}
				return ps
			},
			fields: func(v *caseView, _ string) []field {
				return []field{{Name: "owner_id", Label: "New officer in charge", Kind: "select",
					Hint: acceptAllocates(v.Case), Options: v.pickerOpts(v.transferTeam(), "accept-transfer", ""),
					Answer: v.Person}}
			}}),
		"reject-transfer": form(s.RejectTransfer, caseForm{done: "Transfer refused", section: "decisions",
			button: "Refuse the transfer", warning: true, title: titled("Refuse the transfer"),
			fields: fields(field{Name: "reason", Label: "Why the transfer is refused", Kind: "textarea"})}),
		"approve-closure": form(s.ApproveClosure, caseForm{done: "Closure approved: the case is closed",
			said: func(c *domain.Case, _ *domain.OrgState, _ url.Values) string {
				return "Closure approved: " + c.Ref + " is closed"
			},
			section: "decisions", button: "Approve closure", title: titled("Approve the closure")}),
		"reject-closure": form(s.RejectClosure, caseForm{done: "Closure sent back", section: "decisions",
			button: "Send it back", title: titled("Send the closure back"),
			fields: fields(field{Name: "reason", Label: "What must be done before it can close",
				Kind: "textarea"})}),
		// A manager's time-boxed override of the training gate
		// (service/training_override.go, docs/training.md).
		"override-training": form(s.OverrideTraining, caseForm{done: "Override recorded", section: "decisions",
			button: "Record the override", warning: true, title: titled("Override a training requirement"),
			fields: func(v *caseView, _ string) []field {
				acts := [][2]string{{"", "Choose an action (for an action only)"}}
				for _, a := range v.Case.Actions {
					if !a.Ended() {
						acts = append(acts, [2]string{a.ID, v.ActionName(a.ID)})
					}
				}
				return []field{
					{Name: "work", Label: "What the officer may be given", Kind: "radios", Options: [][2]string{
						{"owner", "Officer in charge of the case"}, {"action", "An action"},
						{"approver", "Approving the closure"}}},
					{Name: "action_id", Label: "Action", Kind: "select", Options: acts},
					{Name: "user_id", Label: "Officer", Kind: "select", Options: v.officerOpts(v.transferTeam())},
					{Name: "reason", Label: "Why the override is needed",
						Hint: "The audit team reads this. Say what the emergency is and why nobody accredited can do it",
						Kind: "textarea"},
					{Name: "hours", Label: "How many hours it lasts", Hint: "It ends after this; the force sets the " +
						"longest", Kind: "number", Value: "24"},
				}
			}}),
		"reopen": form(s.Reopen, caseForm{done: "Case reopened", section: "decisions", button: "Reopen the case",
			warning: true, title: titled("Reopen the case"),
			fields: fields(field{Name: "reason", Label: "Why the case is reopened", Kind: "textarea"})}),
		"waive-duty": form(s.WaiveDuty, caseForm{done: "Duty waived", target: "duty", button: "Waive the duty",
			warning: true, title: func(v *caseView, t string) string {
				if d := v.Case.Duty(t); d != nil {
					return "Waive: " + v.dutyName(*d)
				}
				return "Waive a duty"
			},
			fields: fields(field{Name: "reason", Label: "Why the duty is waived", Hint: "It stays in the record",
				Kind: "textarea"})}),
		"request-vrr": form(s.RequestVRR, caseForm{done: "Right to Review request recorded", section: "decisions",
			target: "victim_id", button: "Record the request",
			title: func(v *caseView, t string) string {
				return "Record " + possessive(v.VictimName(t)) + " request for a review"
			},
			fields: func(v *caseView, _ string) []field {
				out := []field{{Name: "grounds", Label: "What the victim says was wrong with the decision (optional)",
					Hint: "In their words where possible: the reviewer reads it. A victim need not give reasons",
					Kind: "textarea"}}
				if c := v.Case.Closure; c != nil && v.Now.After(c.VRRUntil) {
					hint := "The window closed on " + govDate(c.VRRUntil)
					if c.VRRUntil.IsZero() {
						// An imported closure may not say when the victim was
						// told: the service counts the request as late.
						hint = "The date the victim was told of the decision is not recorded, so the request " +
							"cannot be shown to be in time"
					}
					out = append(out, field{Name: "late_reason", Label: "Why the late request is, or is not, accepted",
						Hint: hint, Kind: "textarea"})
				}
				return out
			}}),
		"acknowledge-vrr": form(s.AcknowledgeVRR, caseForm{done: "Right to Review request acknowledged",
			section: "decisions", button: "Acknowledge and name the reviewer",
			title: titled("Acknowledge the Right to Review request"),
			fields: func(v *caseView, _ string) []field {
				return []field{{Name: "reviewer", Label: "Reviewer",
					Hint: "Senior to the officer who decided, and not involved in the decision",
					Kind: "select", Options: v.reviewerOpts()}}
			}}),
		"decide-vrr": form(s.DecideVRR, caseForm{done: "Right to Review decided", section: "decisions", said: saidVRR,
			button: "Continue", title: titled("Decide the Right to Review request"),
			check: "Check your answers before you record the decision", confirm: "Record the decision",
			precheck: func(_ *caseView, f url.Values) domain.Problems {
				var ps domain.Problems
				if d := f.Get("decision"); d != "upheld" && d != "not_upheld" {
					ps.Add("decision", "one_of", "Choose whether the review is upheld or not upheld.")
				}
				if strings.TrimSpace(f.Get("reasons")) == "" {
					ps.Add("reasons", "required", "Give the reasons, which the victim will be told.")
				}
				return ps
			},
			fields: func(*caseView, string) []field {
				// The request, its grounds and the decision under review
				// are shown above the form (case_form.html).
				hint := "The victim who asked is told them: telling them becomes a duty, with its deadline"
				return []field{
					{Name: "decision", Label: "Decision", Kind: "radios",
						Options: [][2]string{{"upheld", domain.VRRDecisionLabels["upheld"]},
							{"not_upheld", domain.VRRDecisionLabels["not_upheld"]}}},
					{Name: "reasons", Label: "Reasons", Hint: hint, Kind: "textarea"},
				}
			}}),
		"review-break-glass": form(s.ReviewBreakGlass, caseForm{done: "Emergency access reviewed",
			section: "decisions", target: "access", button: "Record the review",
			title: func(v *caseView, t string) string {
				if g := v.Case.BreakGlassAccess(t); g != nil {
					return "Review " + possessive(v.Person(g.By)) + " emergency access"
				}
				return "Review an emergency access"
			},
			fields: fields(field{Name: "note", Label: "Was the access justified, and why",
				Hint: "At least a sentence: it stays in the record", Kind: "textarea"})}),
		"answer-finding": form(s.AnswerFinding, caseForm{done: "Audit finding answered", section: "decisions",
			target: "finding", button: "Record the answer",
			title: func(v *caseView, t string) string {
				for _, f := range v.Case.Findings {
					if f.ID == t {
						return "Answer the audit finding: " + domain.FindingKindLabel(f.Kind)
					}
				}
				return "Answer an audit finding"
			},
			fields: fields(field{Name: "answer", Label: "What has been done", Kind: "textarea"})}),
	}
}

// dateLabels name the dates typed on the case journeys (GOV.UK date
// inputs) in the decoder's messages: "Date of birth must include a year".
var dateLabels = map[string]string{"dob": "Date of birth", "target": "Target date",
	"on": "Date the status was reached", "contacted_on": "Date of the contact"}

// contactedOnField asks the day a contact with a victim happened, today
// unless changed: a visit recorded next morning says the day it was made,
// which the next update is due from.
func contactedOnField(now time.Time) field {
	return field{Name: "contacted_on", Label: "When did the contact happen?",
		Hint: "For example, 27 3 2026. Change it if the contact was on an earlier day: the next update is " +
			"due from the day it happened", Kind: "date", Value: now.In(clock.London).Format(time.DateOnly)}
}

// otherWay is the value of the choice with a text box beneath it for a way
// of contact in words of one's own (field.Other).
const otherWay = "another way"

// methodOther is the "Another way" choice of the ways of contact: the
// records hold ways in the officer's words ("visit at school", "phone call
// to parent"), which the listed ways alone could not say.
var methodOther = &field{Name: "method_other", Label: "Another way",
	Hint: "Describe the way, for example a visit at school or a phone call to a parent"}

// ownWords makes the form's chosen way of contact the words typed for
// "Another way" (field.Other), as the command takes any words.
func ownWords(cf caseForm) caseForm {
	run, decode := cf.run, cf.decode
	words := func(vals url.Values) url.Values {
		if vals.Get("method") != otherWay {
			return vals
		}
		out := maps.Clone(vals)
		out.Set("method", strings.TrimSpace(vals.Get(methodOther.Name)))
		return out
	}
	cf.run = func(ctx context.Context, a *service.Actor, caseID string, vals url.Values) (*domain.Case, error) {
		return run(ctx, a, caseID, words(vals))
	}
	cf.decode = func(vals url.Values) error { return decode(words(vals)) }
	return cf
}

// contactMethods are the ways a victim is contacted.
var contactMethods = [][2]string{{"phone", "Phone"}, {"visit", "Visit"}, {"email", "Email"},
	{"text message", "Text message"}, {"via an adviser", "Through their adviser (ISVA)"}}

// methodOpts are the ways of contact to choose from, the contact plan's
// first when it was agreed in words of its own ("home visit with the
// ISVA"): a contact made as agreed is then one press, recorded in the
// plan's words.
func methodOpts(planned string) [][2]string {
	if planned == "" {
		return contactMethods
	}
	for _, o := range contactMethods {
		if o[0] == planned {
			return contactMethods
		}
	}
	r, n := utf8.DecodeRuneInString(planned)
	label := string(unicode.ToUpper(r)) + planned[n:] + " (as agreed in the contact plan)"
	out := [][2]string{{planned, label}}
	for _, o := range contactMethods {
		// A plan agreed through the adviser ("via the ISVA") is that
		// option in the plan's words: offering both reads as two ways.
		if o[0] == "via an adviser" && viaAdviser(planned) {
			continue
		}
		out = append(out, o)
	}
	return out
}

// viaAdviser reports whether a contact method in words of its own goes
// through the victim's independent adviser.
func viaAdviser(method string) bool {
	m := strings.ToLower(method)
	return strings.Contains(m, "isva") || strings.Contains(m, "adviser") || strings.Contains(m, "advisor")
}

// officerOpts are the serving officers of a team, by rank (senior first)
// and name, with no one chosen: a choice is made, never defaulted. Where
// the page read the team's caseloads, each says what they hold.
func (v *caseView) officerOpts(team string) [][2]string {
	opts := [][2]string{{"", "Choose an officer"}}
	for _, u := range v.officers(team) {
		opts = append(opts, [2]string{u.ID, v.withCaseload(u)})
	}
	return opts
}

// officers are the serving investigators and supervisors of a team, by
// rank (senior first) and name.
func (v *caseView) officers(team string) []*domain.User {
	var us []*domain.User
	for _, u := range v.Org.Users {
		if u.Active && u.UnitID == team && (u.HasRole(domain.RoleInvestigator) || u.HasRole(domain.RoleSupervisor)) {
			us = append(us, u)
		}
	}
	sort.Slice(us, func(i, j int) bool {
		if us[i].Rank != us[j].Rank {
			return us[i].Rank.Above(us[j].Rank)
		}
		return domain.PersonName(us[i]) < domain.PersonName(us[j])
	})
	return us
}

// withCaseload is an officer by rank and name, with their caseload where
// the page read it: "DC Ivy Investigator (3 open cases, 1 overdue duty)".
func (v *caseView) withCaseload(u *domain.User) string {
	cl, ok := v.Caseloads[u.ID]
	if !ok {
		return domain.PersonName(u)
	}
	return domain.PersonName(u) + " (" + caseloadWords(cl) + ")"
}

// caseloadWords is "3 open cases, 1 overdue duty".
func caseloadWords(cl service.Caseload) string {
	return strings.Replace(plural(cl.OpenCases, "open case", "open cases"), "no ", "0 ", 1) + ", " +
		strings.Replace(plural(cl.Overdue, "overdue duty", "overdue duties"), "no ", "0 ", 1)
}

// caseloadRow is one officer of the team and what they hold, for the table
// beside a chooser.
type caseloadRow struct {
	Name string
	service.Caseload
}

// CaseloadRows are the team's officers by rank and name with what they
// hold, when the page read the caseloads.
func (v *caseView) CaseloadRows() []caseloadRow {
	if v.Caseloads == nil {
		return nil
	}
	var out []caseloadRow
	for _, u := range v.officers(v.CaseloadTeam) {
		out = append(out, caseloadRow{Name: domain.PersonName(u), Caseload: v.Caseloads[u.ID]})
	}
	return out
}

// pickerOpts are officerOpts for the work cmd gives (on target), each
// officer the training gate would refuse marked with what they lack: the
// service's own answer (Permissions.Unmet), so the mark and the refusal
// agree. They stay listed, as a manager's override may let one through.
func (v *caseView) pickerOpts(team, cmd, target string) [][2]string {
	opts := v.officerOpts(team)
	for i := range opts {
		if why := v.Perm.Unmet(cmd, target, opts[i][0]); opts[i][0] != "" && why != "" {
			// A dash, not brackets: the kind's label may carry its own.
			opts[i][1] += " — " + why
		}
	}
	return opts
}

// transferTeam is the team a transfer offers the case to (the case's own
// team when none is offered).
func (v *caseView) transferTeam() string {
	if v.Case.Transfer != nil {
		return v.Case.Transfer.ToTeam
	}
	return v.Case.TeamID
}

// offered reports whether value is one of the choices, and not the blank one.
func offered(opts [][2]string, value string) bool {
	for _, o := range opts {
		if o[0] != "" && o[0] == value {
			return true
		}
	}
	return false
}

// reviewerOpts are the supervisors and managers above the case's team who
// may review the closure: senior to its decision-maker, not involved.
func (v *caseView) reviewerOpts() [][2]string {
	opts := [][2]string{{"", "Choose a reviewer"}}
	org := domain.Org{Units: v.Org.Units}
	var us []*domain.User
	for _, u := range v.Org.Users {
		// Only those the rules accept: senior enough and not involved.
		if u.Active && org.Within(v.Case.TeamID, u.UnitID) &&
			(u.HasRole(domain.RoleSupervisor) || u.HasRole(domain.RoleManager)) &&
			len(gate.VRRReviewer(v.Case, u, v.Org)) == 0 {
			us = append(us, u)
		}
	}
	sort.Slice(us, func(i, j int) bool {
		if us[i].Rank != us[j].Rank {
			return us[i].Rank.Above(us[j].Rank)
		}
		return us[i].Name < us[j].Name
	})
	for _, u := range us {
		opts = append(opts, [2]string{u.ID, u.Name})
	}
	return opts
}

// targetOpts are what a targeted journey may act on, when the page was
// opened without one: those this person may act on.
func (v *caseView) targetOpts(cmd, kind string) [][2]string {
	var opts [][2]string
	add := func(id, name string) {
		if v.CanOn(cmd, id) {
			opts = append(opts, [2]string{id, name})
		}
	}
	switch kind {
	case "action":
		for _, a := range v.Case.Actions {
			if !a.Ended() {
				add(a.ID, v.ActionName(a.ID)+" ("+domain.ActionStateLabel(a.State)+")")
			}
		}
	case "victim", "victim_id":
		for _, vi := range v.Case.Victims {
			add(vi.ID, vi.Name)
		}
	case "suspect":
		for _, s := range v.Case.Suspects {
			add(s.ID, s.Label(40))
		}
	case "person":
		for _, vi := range v.Case.Victims {
			add(vi.ID, vi.Name+" (victim)")
		}
		for _, s := range v.Case.Suspects {
			add(s.ID, s.Label(40)+" (suspect)")
		}
		for _, p := range v.Case.People {
			add(p.ID, p.Name+" ("+domain.PersonRoleLabel(p.Role)+")")
		}
	case "duty":
		for _, d := range v.Duties {
			add(d.ID, d.Name())
		}
	case "access":
		for _, g := range v.Case.BreakGlass {
			if g.ReviewedBy == "" {
				add(g.ID, v.Person(g.By)+", "+govTime(g.At))
			}
		}
	case "corrects":
		for i := len(v.Case.Notes) - 1; i >= 0; i-- {
			n := v.Case.Notes[i]
			add(n.ID, govTime(n.At)+", "+v.Person(n.Author)+": "+clip(n.Text, 60))
		}
	case "finding":
		for _, f := range v.Case.Findings {
			if f.Resolved.IsZero() && domain.IsAuditFinding(f.Kind) {
				add(f.ID, f.Detail)
			}
		}
	}
	return opts
}

// clip is s cut to at most n characters, at a word, with an ellipsis.
func clip(s string, n int) string {
	r := []rune(strings.Join(strings.Fields(s), " "))
	if len(r) <= n {
		return string(r)
	}
	cut := string(r[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + "…"
}

// possessive is domain.Possessive, the one way every page forms one.
var possessive = domain.Possessive

// teamsOf lists the force's teams by name.
func teamsOf(org *domain.OrgState) []*domain.Unit {
	var out []*domain.Unit
	for _, u := range org.Units {
		if u.Kind == domain.UnitTeam {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// formMap is what a form held, to show it again: a repeated field (ticked
// boxes) as its values one a line.
func formMap(f url.Values) map[string]string {
	m := map[string]string{}
	for k, vs := range f {
		if k != "csrf" {
			m[k] = strings.Join(vs, "\n")
		}
	}
	return m
}

// offenceOpts are the offence codes a case may be recorded with, by their
// titles: the case's own first (a value recorded before classification
// too, so it can be seen and replaced), then every classification in
// force, in its order.
func offenceOpts(have []string) [][2]string {
	seen := map[string]bool{}
	var opts [][2]string
	for _, k := range have {
		if !seen[k] {
			seen[k] = true
			opts = append(opts, [2]string{k, domain.OffenceLabel(k)})
		}
	}
	for _, o := range offence.Current().All() {
		if !seen[o.Code] {
			seen[o.Code] = true
			opts = append(opts, [2]string{o.Code, o.Title})
		}
	}
	return opts
}

func splitList(s string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// acceptAllocates says what accepting a transfer does to the case: it is
// allocated to the officer chosen, and a referral opens as their case.
func acceptAllocates(c *domain.Case) string {
	if c.Status == domain.StatusReferral {
		return "Accepting allocates the referral to the officer you choose: it opens as their case, with your team."
	}
	return "Accepting allocates the case to the officer you choose, as its officer in charge with your team."
}
