package web

import (
	"fmt"
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
)

// caseFuncs are the template functions of the case pages.
var caseFuncs = template.FuncMap{
	"caseStatus":    func(s domain.Status) string { return label(caseStatusWords, string(s)) },
	"actionState":   func(s domain.ActionState) string { return label(actionStateLabels, string(s)) },
	"suspectStatus": func(s domain.SuspectStatus) string { return label(suspectStatusLabels, string(s)) },
	"contactKind":   func(k string) string { return label(contactKindLabels, k) },
	"dutyKind":      func(k string) string { return label(dutyKindWords, k) },
	"offence":       func(k string) string { return label(offenceWords, k) },
	"personRole":    func(k string) string { return label(nil, k) },
	"offences": func(ks []string) string {
		out := make([]string, len(ks))
		for i, k := range ks {
			out[i] = label(offenceWords, k)
		}
		return strings.Join(out, ", ")
	},
	"hasPrefix": strings.HasPrefix,
	// inLines reports whether one of s's lines is x (ticked boxes).
	"inLines": func(s, x string) bool {
		for _, l := range strings.Split(s, "\n") {
			if l == x {
				return true
			}
		}
		return false
	},
	"targetField": func(f *formView) field {
		opts := append([][2]string{{"", "Choose one"}}, f.Targets...)
		return field{Name: f.Target, Label: "Which one", Kind: "select", Options: opts}
	},
	// victimViews reminds the closing officer of the views recorded.
	"victimViews": func(c *domain.Case) string {
		var out []string
		for _, v := range c.Victims {
			if v.View != "" {
				out = append(out, v.Name+" said: "+v.View)
			} else {
				out = append(out, v.Name+"'s view is not recorded yet")
			}
		}
		return strings.Join(out, ". ")
	},
	// closureFix is where a closure rule that is broken is put right.
	"closureFix": func(v *caseView, rule string) string {
		switch rule {
		case "actions_filed":
			return v.SectionPath("actions")
		case "suspects_pursued":
			return v.SectionPath("people")
		case "victim_account", "victim_contact", "victim_view":
			return v.SectionPath("victims")
		case "supervised":
			return v.SectionPath("decisions")
		}
		return ""
	},
	"sectionTitle": sectionTitle,
	"govDate":      govDate,
	"govTime":      govTime,
	"plural":       plural,
	"statusTag": func(s domain.Status) string {
		switch s {
		case domain.StatusReferral:
			return "govuk-tag--yellow"
		case domain.StatusClosureProposed:
			return "govuk-tag--purple"
		case domain.StatusClosed:
			return "govuk-tag--grey"
		}
		return "govuk-tag--blue"
	},
}

// Labels for the codes the case pages show. Until internal/domain's labels
// (issue 15, item 7) land these are the case pages' own; an unknown code is
// shown as words, never as snake_case.
var (
	caseStatusWords = map[string]string{
		"referral": "Referral, not yet allocated", "open": "Open", "closure_proposed": "Awaiting closure approval",
		"closed": "Closed",
	}
	actionStateLabels = map[string]string{
		"raised": "Raised", "allocated": "Allocated", "resulted": "Resulted, awaiting review",
		"referred": "Referred back", "filed": "Filed", "cancelled": "Cancelled",
	}
	suspectStatusLabels = map[string]string{
		"unidentified": "Not identified", "identified": "Identified", "located": "Located", "arrested": "Arrested",
		"interviewed": "Interviewed", "charged": "Charged", "no_further_action": "No further action",
		"deceased": "Deceased",
	}
	contactKindLabels = map[string]string{
		"update": "Update", "decision_notification": "Told of a decision", "support_referral": "Support referral",
		"needs_assessment": "Needs assessment", "account_taken": "Account taken",
	}
	dutyKindWords = map[string]string{
		"allocate_referral": "Allocate the referral", "investigation_plan": "Investigation plan due",
		"first_victim_contact": "First contact with the victim", "contact_plan": "Agree a contact plan",
		"support_referral": "Support referral due", "victim_update": "Victim update due",
		"decision_notice": "Tell the victim of a decision", "supervisory_review": "Supervisory review due",
		"action_target": "Line of enquiry due", "action_review": "Review a resulted line of enquiry",
		"transfer_accept": "Accept or refuse a transfer", "closure_approval": "Decide a proposed closure",
		"vrr_acknowledge": "Acknowledge a Right to Review request", "vrr_review": "Decide a Right to Review request",
		"finding_response": "Answer an audit finding",
	}
	offenceWords = map[string]string{
		"child_sexual_exploitation": "Child sexual exploitation", "rape_of_a_child": "Rape of a child under 13",
		"rape_of_a_child_under_13":                  "Rape of a child under 13",
		"sexual_activity_with_a_child":              "Sexual activity with a child",
		"sexual_assault_of_a_child":                 "Sexual assault of a child",
		"causing_or_inciting_child_sexual_activity": "Causing or inciting a child to engage in sexual activity",
		"trafficking_for_sexual_exploitation":       "Trafficking for sexual exploitation",
		"meeting_a_child_following_sexual_grooming": "Meeting a child following sexual grooming",
		"indecent_images_of_children":               "Indecent images of children",
		"sexual_communication_with_a_child":         "Sexual communication with a child",
	}
	vrrDecisionLabels = map[string]string{"upheld": "Upheld: the case is reopened", "not_upheld": "Not upheld"}
)

// offenceCodes are the offence types offered when correcting a case.
var offenceCodes = func() []string {
	var out []string
	for k := range offenceWords {
		if k != "rape_of_a_child_under_13" {
			out = append(out, k)
		}
	}
	return out
}()

// label is a code's label from m, or the code as a sentence's words.
func label(m map[string]string, code string) string {
	if l, ok := m[code]; ok {
		return l
	}
	s := strings.TrimSpace(strings.ReplaceAll(code, "_", " "))
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// govDate is a date the GOV.UK way: 4 June 2026.
func govDate(t time.Time) string {
	if t.IsZero() {
		return "not recorded"
	}
	return t.In(clock.London).Format("2 January 2006")
}

// govTime is a time the GOV.UK way: 4 June 2026 at 2:15pm (midday, midnight).
func govTime(t time.Time) string {
	if t.IsZero() {
		return "not recorded"
	}
	t = t.In(clock.London)
	var clk string
	switch {
	case t.Hour() == 12 && t.Minute() == 0:
		clk = "midday"
	case t.Hour() == 0 && t.Minute() == 0:
		clk = "midnight"
	case t.Minute() == 0:
		clk = t.Format("3pm")
	default:
		clk = t.Format("3:04pm")
	}
	return t.Format("2 January 2006") + " at " + clk
}

// plural is n with the word for one or for many: "1 line of enquiry",
// "2 lines of enquiry", "no victims" (many is used for 0).
func plural(n int, one, many string) string {
	switch n {
	case 0:
		return "no " + many
	case 1:
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// times says how often: once, twice, 3 times.
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return fmt.Sprintf("%d times", n)
}
