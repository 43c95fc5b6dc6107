package web

import (
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// caseFuncs are the template functions of the case pages.
var caseFuncs = template.FuncMap{
	"caseStatus":    domain.StatusLabel,
	"actionState":   func(s domain.ActionState) string { return domain.Capitalise(domain.ActionStateLabel(s)) },
	"actionOutcome": domain.ActionOutcomeLabel,
	"suspectStatus": domain.SuspectStatusLabel,
	"contactKind":   domain.ContactKindLabel,
	"byMethod":      byMethod,                          // " by phone", " via the ISVA" (history.go)
	"contactOpts":   contactOpts,                       // the ways of contact on My work (work.go)
	"contactDate":   contactDate,                       // the day a contact happened, on My work (work.go)
	"contactErr":    contactErr,                        // a problem beside its field, on My work (work.go)
	"otherWay":      func() string { return otherWay }, // the choice revealing words of one's own
	"underLabel":    underLabel,
	"dutyKind":      domain.DutyKindLabel,
	"offence":       domain.OffenceLabel,
	"sourceLabel":   domain.SourceLabel,
	"sourceWords":   sourceWords,
	"personRole":    domain.PersonRoleLabel,
	"offences": func(ks []string) string {
		out := make([]string, len(ks))
		for i, k := range ks {
			out[i] = domain.OffenceLabel(k)
		}
		return strings.Join(out, ", ")
	},
	"hasPrefix": strings.HasPrefix,
	// dayOf is a recorded date (YYYY-MM-DD) the GOV.UK way.
	"dayOf": func(s string) string {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t.Format("2 January 2006")
		}
		return s
	},
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
	"possessive": possessive,
	"lower":      strings.ToLower,
	// closureFix is where a closure rule that is broken is put right, and
	// closureAsk, for one who may not put it right, who to ask.
	"closureFix":   closureFix,
	"closureAsk":   closureAsk,
	"errHref":      errHref, // an error summary entry's link (closeErrors)
	"dateErr":      dateErr,
	"dateParts":    dateParts,
	"sectionTitle": sectionTitle,
	"govDate":      govDate,
	"govTime":      govTime,
	// clip tells notes written in the same minute apart in a link's
	// hidden label by their first words.
	"clip":   clip,
	"plural": plural,
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
	// noticeDecisions lists what a victim is owed word of, each once
	// with its date.
	"noticeDecisions": noticeDecisions,
	// caseAcceptAllocates says, on the check step of accepting a
	// transfer, that the case is allocated to the officer chosen.
	"caseAcceptAllocates": acceptAllocates,
}

// importPrefix starts the source of a case imported from another system
// ("import:northshire-cis"; service/import.go).
const importPrefix = "import:"

// systemName is an imported system's code in words: "northshire-cis" is
// "Northshire CIS" (a short part is taken for an initialism).
func systemName(code string) string {
	parts := strings.FieldsFunc(code, func(r rune) bool { return r == '-' || r == '_' || r == ' ' })
	for i, w := range parts {
		if len(w) <= 3 {
			parts[i] = strings.ToUpper(w)
		} else {
			parts[i] = domain.Capitalise(w)
		}
	}
	return strings.Join(parts, " ")
}

// sourceWords says where a case came from: "Imported from Northshire CIS
// on 3 March 2024" (the date where it is known), or the referral's source
// by its label ("School").
func sourceWords(source string, importedAt time.Time) string {
	if sys, ok := strings.CutPrefix(source, importPrefix); ok && sys != "" {
		out := "Imported from " + systemName(sys)
		if !importedAt.IsZero() {
			out += " on " + govDate(importedAt)
		}
		return out
	}
	return domain.SourceLabel(source)
}

// importedOwner is the reason given for an owner of a case from source,
// with the system named in words where it is the one the case's import
// gives (service.ImportedOwnerReason): "as recorded in the system the case
// was imported from (Northshire CIS)". Any other reason is as given.
func importedOwner(reason, source string) string {
	if sys, ok := strings.CutPrefix(source, importPrefix); ok && sys != "" && reason == service.ImportedOwnerReason(sys) {
		return "as recorded in the system the case was imported from (" + systemName(sys) + ")"
	}
	return reason
}

// referralFrom is where a referral came from, for the history's "opened
// the case" sentence: "a referral from the school", or "its record in
// Northshire CIS" for an imported case.
func referralFrom(source string) string {
	if sys, ok := strings.CutPrefix(source, importPrefix); ok && sys != "" {
		return "its record in " + systemName(sys)
	}
	return "a referral from " + lowerFirst(domain.SourceLabel(source))
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
	return clock.GovUK(t)
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

// datePart is one field of a GOV.UK date input as the page shows it.
type datePart struct {
	Name, Label, Value string
	Width              int  // the input's width class, in characters
	Err                bool // highlighted: this part is what is wrong
}

// onDate reports whether a problem is about the date input called name:
// the whole date (the service's check) or one of its parts (the decoder's).
func onDate(p domain.Problem, name string) bool {
	return p.Field == name || strings.HasPrefix(p.Field, name+"-")
}

// dateErr is the message of the first problem with the date input called
// name, or "".
func dateErr(ps domain.Problems, name string) string {
	for _, p := range ps {
		if onDate(p, name) {
			return p.Message
		}
	}
	return ""
}

// dateParts are the Day, Month and Year fields of the date input called
// name, holding what was typed (or the recorded ISO date the form starts
// with), each highlighted as the design system asks: the parts missing
// from an incomplete date, the part that is wrong, or all three when the
// date as a whole is refused.
func dateParts(name string, ps domain.Problems, form map[string]string) []datePart {
	iso := request.ISODateParts(form[name])
	out := make([]datePart, 3)
	for i, part := range request.DateParts {
		field := request.DatePart(name, part)
		val, typed := form[field]
		if !typed {
			val = iso[i]
		}
		dp := datePart{Name: field, Label: domain.Capitalise(part), Value: val, Width: 2}
		if part == "year" {
			dp.Width = 4
		}
		for _, p := range ps {
			switch {
			case !onDate(p, name):
			case p.Field == name, p.Field == field:
				dp.Err = true
			case p.Rule == "date_incomplete":
				dp.Err = dp.Err || strings.TrimSpace(val) == ""
			}
		}
		out[i] = dp
	}
	return out
}

// noticeDecisions are the decisions a victim is owed word of, each once
// with the date it was first made: a decision made twice (a suspect
// released without charge again) is still one thing to tell. A notice
// kept before each decision's date was (domain.Notice.Each) has only the
// first date, for all of them.
func noticeDecisions(n *domain.Notice) []domain.Owed {
	each := n.Each
	if len(each) == 0 {
		for _, d := range strings.Split(n.Decision, "; ") {
			each = append(each, domain.Owed{Decision: d, At: n.At})
		}
	}
	var out []domain.Owed
	for _, o := range each {
		o.Decision = strings.TrimSpace(o.Decision)
		if o.Decision != "" && !slices.ContainsFunc(out, func(x domain.Owed) bool { return x.Decision == o.Decision }) {
			out = append(out, o)
		}
	}
	return out
}

// underLabel is an answer shown beside its question, without the question
// typed again at its start ("Lines of enquiry considered: 1 ..." under
// "Lines of enquiry considered" read the words twice).
func underLabel(label, answer string) string {
	if len(answer) > len(label) && strings.EqualFold(answer[:len(label)], label) {
		if rest, ok := strings.CutPrefix(answer[len(label):], ":"); ok {
			return strings.TrimSpace(rest)
		}
	}
	return answer
}
