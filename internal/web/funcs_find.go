package web

import (
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/service"
)

// findFuncs are the template functions of work lists, the inbox, search
// and case lists. Their names start with f so that no other area's table
// takes them.
var findFuncs = template.FuncMap{
	// fplural: "1 alert", "3 alerts".
	"fplural": func(n int, one, many string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %s", n, many)
	},
	"fdate": findDate,
	"ftime": findTime,
	"fdue":  dueWhen,
	// fduty names a duty kind.
	"fduty":    dutyLabel,
	"fcontact": contactLabel,
	"fcontactKinds": func() []string {
		return domain.ContactKinds()
	},
	// falert is an alert's text without the case reference it starts
	// with (the inbox shows the reference as a link).
	"falert": func(text, ref string) string {
		// Without its case reference the alert begins a sentence of its own.
		return domain.Capitalise(strings.TrimPrefix(text, ref+": "))
	},
	"fsummary": workSummary,
	// fjourney is the page on which a decision duty is made.
	"fjourney": journeyPath,
	// fdutyPage is the page on which a work duty is done, or "" for the
	// case's overview alone.
	"fdutyPage": dutyPage,
	// freviews is the reviewer's "My reviews" page.
	"freviews": func() string { return myReviewsPath },
	"fstatus":  statusLabel,
	"fpages":   findPageItems,
	"fperson":  findPerson,
	"falertKind": func(kind string) string {
		if l, ok := alertKindLabels[kind]; ok {
			return l
		}
		return humanWords(kind)
	},
	"flc": strings.ToLower,
	// fvrm is a vehicle registration mark as plates are written: AB12 CDE.
	"fvrm":   service.VehicleMark,
	"fminus": func(a, b int) int { return a - b },
	// fread says how a case was read (access report).
	"fread": func(how string) string {
		if l, ok := readHow[how]; ok {
			return l
		}
		if what, ok := strings.CutPrefix(how, "audit: "); ok {
			return "Shown in an audit's " + what
		}
		return humanWords(how)
	},
}

// myReviewsPath is where a reviewer's assigned reviews are listed (the
// audits area's page).
const myReviewsPath = "/audits/reviews"

// findDate is a date the GOV.UK way: 4 June 2026.
func findDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(clock.London).Format("2 January 2006")
}

// findTime is a date and time the GOV.UK way: 4 June 2026 at 2:15pm
// (midday, midnight).
func findTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return clock.GovUK(t)
}

// dueWhen says when something is due relative to now: "3 days overdue",
// "due today", "due tomorrow", "due in 4 days (9 June 2026)". Past eight
// weeks it counts whole months or years ("over 14 years overdue"): nobody
// reads "5390 days" (the walk of 7 December 2026 found imported 2012
// closures heading the escalation lists so).
func dueWhen(due, now time.Time) string {
	d, n := due.In(clock.London), now.In(clock.London)
	dd := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
	nd := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, time.UTC)
	days := int(dd.Sub(nd).Hours() / 24)
	switch {
	case !due.After(now) && days == 0:
		return "due today, " + clock.GovUKClock(d) + " (now overdue)"
	case !due.After(now) && days == -1:
		return "1 day overdue (due " + findDate(due) + ")"
	case !due.After(now) && -days >= 56:
		return "over " + longAgo(d, n) + " overdue (due " + findDate(due) + ")"
	case !due.After(now):
		return fmt.Sprintf("%d days overdue (due %s)", -days, findDate(due))
	case days == 0:
		return "due today by " + clock.GovUKClock(d)
	case days == 1:
		return "due tomorrow"
	}
	return fmt.Sprintf("due in %d days (%s)", days, findDate(due))
}

// longAgo counts the whole calendar months from then to now, in years
// past two of them: "5 months", "1 year", "14 years".
func longAgo(then, now time.Time) string {
	months := (now.Year()-then.Year())*12 + int(now.Month()) - int(then.Month())
	if now.Day() < then.Day() {
		months--
	}
	switch {
	case months >= 24:
		return fmt.Sprintf("%d years", months/12)
	case months >= 12:
		return "1 year"
	case months == 1:
		return "1 month"
	}
	return fmt.Sprintf("%d months", months)
}

// dutyLabel names a duty kind (domain.DutyKindLabel; an audit review's
// kinds by what they are).
func dutyLabel(kind string) string {
	if _, ok := domain.DutyKindLabels[kind]; !ok && strings.HasPrefix(kind, domain.AuditFindingPrefix) {
		return "Audit review due"
	}
	return domain.DutyKindLabel(kind)
}

func contactLabel(kind string) string { return domain.ContactKindLabel(kind) }

// statusLabel names a case status (a domain.Status or its string).
func statusLabel(s any) string { return domain.StatusLabel(domain.Status(fmt.Sprint(s))) }

// alertKindLabels name the kinds of alert in the inbox.
var alertKindLabels = map[string]string{
	"escalation":                "Escalation",
	"finding":                   "Finding",
	domain.AlertClosureSentBack: "Closure sent back",
	domain.AlertBreakGlass:      "Emergency access",
	domain.AlertDecision:        "Decision for you",
	domain.AlertLink:            "Link",
	domain.AlertLinkDecided:     "Link decided",
}

// findPerson names a user by rank and name (domain.PersonName), saying
// when they have left; the watchdog and importer are "Holdfast".
func findPerson(org *domain.OrgState, id string) string {
	if id == "" {
		return "—"
	}
	if org != nil {
		if u := org.Users[id]; u != nil {
			if !u.Active {
				return domain.PersonName(u) + " (left)"
			}
			return domain.PersonName(u)
		}
	}
	if strings.HasPrefix(id, "system:") {
		return "Holdfast"
	}
	return "someone no longer on the record"
}

// humanWords turns a code into words: "no_further_action" → "No further action".
func humanWords(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// workSummary says in a sentence what the person owes. It speaks of their
// own duties only ("Nothing of yours is overdue"): escalations in their
// command and audit reviews are counted beside it on the page.
func workSummary(overdue, today, week int) string {
	duties := func(n int) string {
		if n == 1 {
			return "1 duty"
		}
		return fmt.Sprintf("%d duties", n)
	}
	isAre := func(n int) string {
		if n == 1 {
			return "is"
		}
		return "are"
	}
	var parts []string
	if overdue > 0 {
		parts = append(parts, fmt.Sprintf("%s %s overdue", duties(overdue), isAre(overdue)))
	} else {
		parts = append(parts, "Nothing of yours is overdue")
	}
	if today > 0 {
		parts = append(parts, fmt.Sprintf("%s %s due today", duties(today), isAre(today)))
	}
	if week > 0 {
		parts = append(parts, fmt.Sprintf("%s %s due this week", duties(week), isAre(week)))
	}
	return strings.Join(parts, ". ") + "."
}

// findPageItem is one entry of the GOV.UK pagination component's list: a page
// number, or an ellipsis (Number 0).
type findPageItem struct {
	Number  int
	Current bool
}

// findPageItems lists the pages to offer around the current one: the first,
// the last, the current and its neighbours, with ellipses between.
func findPageItems(current, pages int) []findPageItem {
	var out []findPageItem
	last := 0
	for n := 1; n <= pages; n++ {
		if n == 1 || n == pages || (n >= current-1 && n <= current+1) {
			if last != 0 && n > last+1 {
				out = append(out, findPageItem{})
			}
			out = append(out, findPageItem{Number: n, Current: n == current})
			last = n
		}
	}
	return out
}
