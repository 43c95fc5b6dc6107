package web

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
)

// The case is a hub: a header, then sections with their own URLs. Each
// section is /cases/{ref}/{key}; the overview is /cases/{ref}.
type caseSection struct{ Key, Title string }

var caseSections = []caseSection{
	{"", "Overview"},
	{"actions", "Lines of enquiry"},
	{"victims", "Victims"},
	{"people", "Suspects and other people"},
	{"decisions", "Decisions and reviews"},
	{"history", "History"},
}

func sectionTitle(key string) string {
	for _, s := range caseSections {
		if s.Key == key {
			return s.Title
		}
	}
	return ""
}

// caseView is everything a case page shows.
type caseView struct {
	Case     *domain.Case
	Perm     *service.Permissions
	Section  string // the section shown, or that a form returns to
	Sections []caseSection
	Path     string // /cases/CSE-2026-000001
	Org      *domain.OrgState
	Now      time.Time

	Duties   []dutyRow // open, overdue first
	Overdue  []dutyRow
	Open     []domain.Action  // lines of enquiry not yet ended
	Findings []domain.Finding // unresolved watchdog findings
	Offered  []policy.StandardAction
	// Outcomes are the closure form's choices, those the closure gate
	// accepts for this case (service.ClosureOutcomes), each named as every
	// page names it (policy.OutcomeLabel).
	Outcomes [][]string

	History *history  // the history section
	Form    *formView // a write journey's page
	Checks  domain.Problems
	Ready   bool // the closure checklist is clear
	// Caseloads are what the officers of the case's team hold, by user
	// id, on a page where a supervisor chooses among them; else nil.
	Caseloads map[string]service.Caseload
	// CaseloadTeam is the team whose caseloads were read: the case's,
	// or the receiving team's when accepting a transfer.
	CaseloadTeam string
	// Slots is how many entries a list form was sent with (a review's
	// directions), to offer them all again.
	Slots int

	policy *policy.Policy // its outcomes' titles
	// opened are the case's duties as the log opened them, by id: those
	// met or cancelled are no longer in its document (history.go).
	opened map[string]domain.Duty
}

// dutyRow is an open duty as a person reads it: what, for whom, when.
type dutyRow struct {
	domain.Duty
	Label   string // "Update the victim"
	For     string // "Child A", "A3: Download the phone", or ""
	Overdue bool
}

// Name is "Update the victim – Child A".
func (d dutyRow) Name() string {
	if d.For == "" {
		return d.Label
	}
	return d.Label + " – " + d.For
}

// caseView reads the case (the read is recorded, with purpose) and what
// this person may do on it.
func (h *Handler) caseView(ctx context.Context, q *visit, purpose, section string) (*caseView, error) {
	c, err := h.svc.ViewCase(ctx, q.a, request.RefOf(q.r), purpose)
	if err != nil {
		return nil, err
	}
	return h.caseViewOf(ctx, q, c, section)
}

// caseViewOf is caseView of a case already read.
func (h *Handler) caseViewOf(ctx context.Context, q *visit, c *domain.Case, section string) (*caseView, error) {
	perm, err := h.svc.PermissionsOn(ctx, q.a, c)
	if err != nil {
		return nil, err
	}
	v := &caseView{Case: c, Perm: perm, Section: section, Sections: caseSections,
		Path: "/cases/" + request.PathRef(c.Ref), Org: q.org, Now: h.svc.Now(), policy: h.svc.Policy()}
	v.Outcomes = [][]string{{"", "Choose an outcome"}}
	for _, o := range h.svc.ClosureOutcomes(c) { // only those that can apply to the case
		v.Outcomes = append(v.Outcomes, []string{o.Code, v.Outcome(o.Code)})
	}
	if c.Status.IsOpen() {
		v.Offered = h.svc.OfferedActions(c)
	}
	for _, f := range c.Findings {
		if f.Resolved.IsZero() {
			v.Findings = append(v.Findings, f)
		}
	}
	for _, a := range c.Actions {
		if !a.Ended() {
			v.Open = append(v.Open, a)
		}
	}
	for _, d := range c.OpenDuties() {
		r := dutyRow{Duty: d, Label: domain.DutyKindLabel(d.Kind), For: v.subject(d.Subject),
			Overdue: !d.Due.After(v.Now)}
		v.Duties = append(v.Duties, r)
	}
	sort.SliceStable(v.Duties, func(i, j int) bool { return v.Duties[i].Due.Before(v.Duties[j].Due) })
	for _, d := range v.Duties {
		if d.Overdue {
			v.Overdue = append(v.Overdue, d)
		}
	}
	return v, nil
}

// dutyGroup is open duties that read alike on the overview (what, who is
// accountable, due the same day): a case with 38 possible links to review
// shows one row saying so, not 38 identical rows.
type dutyGroup struct {
	dutyRow
	N int // how many
}

// DutyGroups are the open duties, soonest first, those that read alike
// as one row.
func (v *caseView) DutyGroups() []dutyGroup {
	var out []dutyGroup
	at := map[[3]string]int{}
	for _, d := range v.Duties {
		k := [3]string{d.Name(), d.Accountable, govDate(d.Due)}
		if i, ok := at[k]; ok && out[i].Overdue == d.Overdue {
			out[i].N++
			continue
		}
		at[k] = len(out)
		out = append(out, dutyGroup{dutyRow: d, N: 1})
	}
	return out
}

// ActionOverdue is the overdue open duty on a line of enquiry (its target,
// or the review of its result), the soonest due, or nil: the actions list
// tags it as the duties are tagged, from the same due time.
func (v *caseView) ActionOverdue(id string) *dutyRow {
	for i := range v.Overdue { // soonest due first
		if v.Overdue[i].Subject == id {
			return &v.Overdue[i]
		}
	}
	return nil
}

// replay is the case its events make: the history page reads the events
// (one read recorded) and shows the case they make, rather than reading
// the case a second time.
func replay(evs []*event.Event) (*domain.Case, error) {
	var c *domain.Case
	var err error
	for _, e := range evs {
		if !domain.ChangesProjection(e.Type) {
			continue
		}
		if c, err = domain.ApplyCase(c, e); err != nil {
			return nil, err
		}
	}
	if c == nil {
		return nil, fmt.Errorf("no events: %w", service.ErrNotFound)
	}
	return c, nil
}

// Can reports whether this person may run cmd on the case now.
func (v *caseView) Can(cmd string) bool { return v.Perm.Can(cmd) }

// CanOn reports whether this person may run cmd on one target.
func (v *caseView) CanOn(cmd, target string) bool { return v.Perm.CanOn(cmd, target) }

// Why is the plain sentence saying why cmd is not allowed, and who may.
func (v *caseView) Why(cmd string) string { return v.Perm.Why(cmd) }

// CanAny reports whether any of cmds may be run: a section shows its
// controls' heading only then.
func (v *caseView) CanAny(cmds ...string) bool {
	for _, c := range cmds {
		if v.Perm.Can(c) {
			return true
		}
	}
	return false
}

// Do is the path of a write journey's page, for one target if given
// ("victim", id).
func (v *caseView) Do(cmd string, target ...string) string {
	p := v.Path + "/do/" + cmd
	if len(target) == 2 {
		p += "?" + target[0] + "=" + urlEscape(target[1])
	}
	return p
}

// SectionPath is the path of a section.
func (v *caseView) SectionPath(key string) string {
	if key == "" {
		return v.Path
	}
	return v.Path + "/" + key
}

// Outcome names a Home Office outcome: "Outcome 15: Named suspect…".
func (v *caseView) Outcome(code string) string { return v.policy.OutcomeLabel(code) }

// OutcomeInText names an outcome within a sentence, with the same title:
// "outcome 15 (Named suspect…)".
func (v *caseView) OutcomeInText(code string) string {
	if o := v.policy.Outcome(code); o != nil {
		return "outcome " + code + " (" + o.Title + ")"
	}
	return "outcome " + code
}

// Person names a user by rank and name.
func (v *caseView) Person(id string) string { return personName(v.Org, id) }

// VictimName is a victim's name, or "a victim no longer on the case".
func (v *caseView) VictimName(id string) string {
	if vi := v.Case.Victim(id); vi != nil {
		return vi.Name
	}
	return "a victim"
}

// ActionName is "A3: Download the phone".
func (v *caseView) ActionName(id string) string {
	if a := v.Case.Action(id); a != nil {
		return "A" + strconv.Itoa(a.Number) + ": " + a.Title
	}
	return "a line of enquiry"
}

// SuspectName is a suspect's name or the start of their description.
func (v *caseView) SuspectName(id string) string {
	if s := v.Case.Suspect(id); s != nil {
		return s.Label(40)
	}
	return "a suspect"
}

// subject says whom or what a duty is for.
func (v *caseView) subject(id string) string {
	if id == "" {
		return ""
	}
	if vi := v.Case.Victim(id); vi != nil {
		return vi.Name
	}
	if a := v.Case.Action(id); a != nil {
		return "A" + strconv.Itoa(a.Number) + ": " + a.Title
	}
	if s := v.Case.Suspect(id); s != nil {
		return s.Label(40)
	}
	return ""
}

// LinesSummary is "3 lines of enquiry: 2 open", or "None raised".
func (v *caseView) LinesSummary() string {
	n := len(v.Case.Actions)
	if n == 0 {
		return "None raised"
	}
	open := "none open"
	if len(v.Open) > 0 {
		open = strconv.Itoa(len(v.Open)) + " open"
	}
	return plural(n, "line of enquiry", "lines of enquiry") + ": " + open
}

// LatestNotes are the case's last n notes, newest first.
func (v *caseView) LatestNotes(n int) []domain.Note {
	var out []domain.Note
	for i := len(v.Case.Notes) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, v.Case.Notes[i])
	}
	return out
}

// Note is the case's note with that id, or nil.
func (v *caseView) Note(id string) *domain.Note {
	for i := range v.Case.Notes {
		if id != "" && v.Case.Notes[i].ID == id {
			return &v.Case.Notes[i]
		}
	}
	return nil
}

// CorrectedBy is the latest note correcting note id, or nil: the page
// marks a note corrected and shows the correction with it.
func (v *caseView) CorrectedBy(id string) *domain.Note {
	for i := len(v.Case.Notes) - 1; i >= 0; i-- {
		if v.Case.Notes[i].Corrects == id {
			return &v.Case.Notes[i]
		}
	}
	return nil
}

// LatestContacts are a victim's last n contacts, newest first by when
// they happened: one recorded a day late (a visit recorded next morning)
// takes its place among them, not the top.
func (v *caseView) LatestContacts(victim string, n int) []domain.Contact {
	vi := v.Case.Victim(victim)
	if vi == nil {
		return nil
	}
	out := make([]domain.Contact, 0, len(vi.Contacts))
	for i := len(vi.Contacts) - 1; i >= 0; i-- {
		out = append(out, vi.Contacts[i])
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.After(out[j].At) })
	return out[:min(n, len(out))]
}

// SectionCount is how many things a section lists ("" for none or for a
// section that does not count): the sub-navigation shows it.
func (v *caseView) SectionCount(key string) string {
	n := 0
	switch key {
	case "actions":
		n = len(v.Case.Actions)
	case "victims":
		n = len(v.Case.Victims)
	case "people":
		n = len(v.Case.Suspects) + len(v.Case.People)
	}
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// SentBack is the last closure proposed, when it was sent back and nothing
// has been proposed since: the reason is what to act on.
func (v *caseView) SentBack() *domain.Closure {
	cs := v.Case.Closures
	if len(cs) == 0 || !v.Case.Status.IsOpen() || v.Case.Closure.Open() {
		return nil
	}
	if last := cs[len(cs)-1]; last.Rejected != "" {
		return &last
	}
	return nil
}

// Closed reports whether the case is closed.
func (v *caseView) Closed() bool { return v.Case.Status == domain.StatusClosed }

// personName is a user by rank and name ("DS Jack Hughes"); someone who
// has left says so; the system is Holdfast.
func personName(org *domain.OrgState, id string) string {
	if id == "" {
		return "nobody"
	}
	if org != nil {
		if u := org.Users[id]; u != nil {
			if !u.Active {
				return domain.PersonName(u) + " (left)"
			}
			return domain.PersonName(u)
		}
	}
	if len(id) > 7 && id[:7] == "system:" {
		return "Holdfast"
	}
	return "someone no longer on record"
}
