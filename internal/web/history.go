package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// The history of a case as sentences: who did what, when, with the detail
// that matters ("DC Amy Lloyd recorded a contact with Child A by phone").
// Reads are collapsed ("Viewed 8 times by 3 people"), and expand.

// historyEntry is one line of the history, or one run of reads.
type historyEntry struct {
	At     time.Time
	Who    string // rank and name, or Holdfast
	Text   string // what they did, after their name
	Detail string // what they wrote, where it matters
	Kind   string // the filter it belongs to
	// Also is a second filter it belongs to: an audit finding answered
	// is a note too, as the case page's Notes section shows it.
	Also   string
	Reads  []historyRead
	NoteID string // a note's id, to correct it from the history
	// Contacted is the victim a contact recorded was with, to list one
	// victim's contacts (the victims' section links there).
	Contacted string
}

type historyRead struct {
	At      time.Time
	Who     string
	Purpose string
}

// historyKinds are the history's filters.
var historyKinds = [][2]string{
	{"", "Everything"}, {"changes", "Changes only"}, {"actions", "Lines of enquiry"}, {"victims", "Victims"},
	{"people", "Suspects and other people"}, {"decisions", "Decisions and reviews"}, {"notes", "Notes"},
	{"duties", "Duties and findings"}, {"reads", "Who read the case"},
}

// historyPage is how many entries a page of history shows.
const historyPage = 25

// history is the history section: a page of entries, filtered.
type history struct {
	Lists *listReads // the case seen in lists (listreads.go)
	// Contacts names the victim whose contacts alone are listed
	// (?contacts=victim id), or is "".
	Contacts string
	Entries  []historyEntry
	Kinds    [][2]string
	Kind     string
	Page     int
	Pages    int
	Total    int
	// Empty says there is nothing to list, fitting the filter.
	Empty string
	Links []pageLink
	Prev  string
	Next  string
	// Missing, when the page asked for is past the last, says so and
	// where to go instead; the history then lists nothing.
	Missing *missingPage
}

// missingPage is what the history offers for a page past its last: the
// last page (when there is more than one) and the first.
type missingPage struct {
	Message string
	Last    string
	LastN   int
	First   string
}

// historyKind is the history's filter from the query; one it does not
// know is the whole history (the select then shows "Everything").
func historyKind(query url.Values) string {
	kind := query.Get("kind")
	for _, k := range historyKinds {
		if k[0] == kind {
			return kind
		}
	}
	return ""
}

// historyLink is the path of page n of a case's history, filtered.
func historyLink(path, kind, contacts string, n int) string {
	q := url.Values{}
	if kind != "" {
		q.Set("kind", kind)
	}
	if contacts != "" {
		q.Set("contacts", contacts)
	}
	if n > 1 {
		q.Set("page", strconv.Itoa(n))
	}
	if len(q) == 0 {
		return path + "/history"
	}
	return path + "/history?" + q.Encode()
}

// historyPageOf is the page of the history the query asks for (0 when it
// asks for none: the first), or why it is no page. It needs nothing of the
// case, so a link that names no page is refused before the case is read
// and no read is recorded for it. Digits too many for a number are a page
// past any history's last; the value is clipped, as it is echoed.
func historyPageOf(query url.Values) (int, domain.Problems) {
	v := query.Get("page")
	if v == "" {
		return 0, nil
	}
	var ps domain.Problems
	digits := strings.Trim(v, "0123456789") == ""
	n, err := strconv.Atoi(v)
	if r := []rune(v); len(r) > 20 {
		v = string(r[:20]) + "…"
	}
	switch {
	case digits && err != nil:
		ps.Add("page", "page", "There is no page "+v+" of the history.")
	case !digits || n < 1:
		ps.Add("page", "page", fmt.Sprintf("The page of the history must be a number from 1, not %q.", v))
	}
	return n, ps
}

type pageLink struct {
	N       int
	URL     string
	Current bool
	Gap     bool
}

// SummaryOf says how a run of reads reads: "Viewed 8 times by 3 people".
func (e historyEntry) Summary() string {
	people := map[string]bool{}
	for _, r := range e.Reads {
		people[r.Who] = true
	}
	by := "1 person"
	if len(people) != 1 {
		by = strconv.Itoa(len(people)) + " people"
	}
	return "Viewed " + times(len(e.Reads)) + " by " + by
}

// history builds the history section from the case's events, filtered and
// paged by the query (kind, page: already read by historyPageOf). A page
// past the last (an old link) is refused with no entries at all, never
// another page's in its place, offering the last and the first instead.
func (v *caseView) history(evs []*event.Event, query url.Values) (*history, domain.Problems) {
	v.noteOpened(evs)
	kind := historyKind(query)
	var ps domain.Problems
	contacts := query.Get("contacts")
	if contacts != "" {
		if v.Case.Victim(contacts) == nil {
			ps.Add("", "victim", "The link to a victim's contacts names no victim of this case: the whole history is shown.")
			contacts = ""
		} else {
			kind = "victims"
		}
	}
	sorted := append([]*event.Event(nil), evs...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Seq > sorted[j].Seq }) // newest first
	var all []historyEntry
	for _, e := range sorted {
		en := v.entry(e)
		if kind != "" && !(kind == "changes" && en.Kind != "reads") && en.Kind != kind && en.Also != kind ||
			contacts != "" && en.Contacted != contacts {
			continue
		}
		if en.Kind == "reads" && len(all) > 0 && all[len(all)-1].Kind == "reads" {
			last := &all[len(all)-1]
			last.Reads = append(last.Reads, en.Reads...)
			continue
		}
		all = append(all, en)
	}
	h := &history{Kinds: historyKinds, Kind: kind, Total: len(all), Page: 1, Empty: historyEmpty(kind)}
	if contacts != "" {
		h.Contacts = v.VictimName(contacts)
	}
	h.Pages = (len(all) + historyPage - 1) / historyPage
	if h.Pages == 0 {
		h.Pages = 1
	}
	link := func(n int) string { return historyLink(v.Path, kind, contacts, n) }
	if n, _ := historyPageOf(query); n > h.Pages {
		msg := fmt.Sprintf("There is no page %d of the history: it has %s.", n, plural(h.Pages, "page", "pages"))
		ps.Add("page", "page", msg)
		h.Missing = &missingPage{Message: msg, First: link(1)}
		if h.Pages > 1 {
			h.Missing.Last, h.Missing.LastN = link(h.Pages), h.Pages
		}
		return h, ps
	} else if n > 0 {
		h.Page = n
	}
	lo := (h.Page - 1) * historyPage
	hi := min(lo+historyPage, len(all))
	h.Entries = all[lo:hi]
	if h.Page > 1 {
		h.Prev = link(h.Page - 1)
	}
	if h.Page < h.Pages {
		h.Next = link(h.Page + 1)
	}
	if h.Pages > 1 {
		gap := false
		for n := 1; n <= h.Pages; n++ {
			if n == 1 || n == h.Pages || (n >= h.Page-1 && n <= h.Page+1) {
				h.Links = append(h.Links, pageLink{N: n, URL: link(n), Current: n == h.Page})
				gap = false
			} else if !gap {
				h.Links = append(h.Links, pageLink{Gap: true})
				gap = true
			}
		}
	}
	return h, ps
}

// changedSince lists what changed on the case after version, oldest first:
// what a stale form's sender did not see.
func (v *caseView) changedSince(evs []*event.Event, version int64) []historyEntry {
	v.noteOpened(evs)
	var out []historyEntry
	for _, e := range evs {
		if e.CaseVersion > version && domain.ChangesCase(e.Type) {
			out = append(out, v.entry(e))
		}
	}
	if len(out) > 20 {
		out = out[len(out)-20:]
	}
	return out
}

// noteOpened keeps the duties evs open, by id, to name a duty closed
// later: met or cancelled, it is no longer in the case's document, and the
// log the page is showing holds it as it was opened.
func (v *caseView) noteOpened(evs []*event.Event) {
	if v.opened != nil {
		return
	}
	v.opened = map[string]domain.Duty{}
	for _, e := range evs {
		if e.Type != domain.EvDutyOpened {
			continue
		}
		var p domain.DutyOpened
		if json.Unmarshal(e.Payload, &p) == nil {
			v.opened[p.Duty.ID] = p.Duty
		}
	}
}

// entry turns one event into a sentence.
func (v *caseView) entry(e *event.Event) historyEntry {
	en := historyEntry{At: e.At, Who: personName(v.Org, e.Actor), Kind: "changes"}
	say := func(kind, text string, detail ...string) historyEntry {
		en.Kind, en.Text = kind, text
		if len(detail) > 0 {
			en.Detail = strings.TrimSpace(detail[0])
		}
		return en
	}
	dec := func(p any) bool { return json.Unmarshal(e.Payload, p) == nil }
	switch e.Type {
	case domain.EvCaseViewed:
		var p domain.CaseViewed
		dec(&p)
		en.Kind = "reads"
		en.Reads = []historyRead{{At: e.At, Who: en.Who, Purpose: p.Purpose}}
		return en
	case domain.EvCaseOpened:
		var p domain.CaseOpened
		if dec(&p) && p.Source != "" {
			return say("decisions", "opened the case: "+referralFrom(p.Source), p.Summary)
		}
		return say("decisions", "opened the case", p.Summary)
	case domain.EvCaseUpdated:
		return say("decisions", "corrected the case details")
	case domain.EvOffencesClassified:
		var p domain.OffencesClassified
		dec(&p)
		titles := make([]string, len(p.To))
		for i, code := range p.To {
			titles[i] = domain.OffenceLabel(code)
		}
		return say("decisions", "classified the offences as "+domain.JoinAnd(titles), strings.Join(p.Assumed, " "))
	case domain.EvOwnerAssigned:
		var p domain.OwnerAssigned
		dec(&p)
		return say("decisions", "made "+personName(v.Org, p.OwnerID)+" the officer in charge", importedOwner(p.Reason, v.Case.Source))
	case domain.EvVictimAdded:
		var p domain.VictimAdded
		dec(&p)
		return say("victims", "added a victim, "+p.Victim.Name)
	case domain.EvSuspectAdded:
		var p domain.SuspectAdded
		dec(&p)
		return say("people", "added a suspect, "+p.Suspect.Label(40))
	case domain.EvPersonAdded:
		var p domain.PersonAdded
		dec(&p)
		return say("people", "added "+p.Person.Name+" ("+strings.ToLower(domain.PersonRoleLabel(p.Person.Role))+")")
	case domain.EvActionRaised:
		var p domain.ActionRaised
		dec(&p)
		return say("actions", fmt.Sprintf("raised line of enquiry A%d: %s", p.Action.Number, p.Action.Title))
	case domain.EvNoteAdded:
		var p domain.NoteAdded
		dec(&p)
		en.NoteID = p.Note.ID
		if p.Note.Corrects != "" {
			if n := v.Note(p.Note.Corrects); n != nil {
				return say("notes", "corrected the note of "+govTime(n.At), p.Note.Text)
			}
			return say("notes", "corrected a note", p.Note.Text)
		}
		return say("notes", "added a note", p.Note.Text)
	case domain.EvDutyOpened:
		var p domain.DutyOpened
		dec(&p)
		en.Who = "Holdfast" // a duty follows from what someone did; Holdfast opens it
		return say("duties", "opened a duty: "+v.dutyName(p.Duty)+", due "+govDate(p.Duty.Due)+
			" ("+personName(v.Org, p.Duty.Accountable)+" is accountable)")
	case domain.EvDutyClosed:
		var p domain.DutyClosed
		dec(&p)
		name := "a duty"
		if d := v.Case.Duty(p.ID); d != nil {
			name = v.dutyName(*d)
		} else if d, ok := v.opened[p.ID]; ok {
			name = v.dutyName(d)
		}
		switch p.Status {
		case domain.DutyMet:
			en.Who = "Holdfast"
			return say("duties", "recorded a duty as met: "+name)
		case domain.DutyWaived:
			return say("duties", "waived a duty: "+name, p.Reason)
		}
		en.Who = "Holdfast"
		return say("duties", "closed a duty that is no longer owed: "+name, p.Reason)
	case domain.EvDutyEscalated:
		var p domain.DutyEscalated
		dec(&p)
		return say("duties", "escalated an overdue duty to "+personName(v.Org, p.To), p.Text)
	case domain.EvFindingRaised:
		var p domain.FindingRaised
		dec(&p)
		return say("duties", "recorded a finding", p.Finding.Detail)
	case domain.EvFindingResolved:
		return say("duties", "recorded that a finding was put right")
	case domain.EvActionAllocated:
		var p domain.ActionAllocated
		dec(&p)
		s := "allocated " + v.ActionName(p.ActionID) + " to " + personName(v.Org, p.To)
		if !p.Target.IsZero() {
			s += ", target " + govDate(p.Target)
		}
		return say("actions", s)
	case domain.EvActionResulted:
		var p domain.ActionResulted
		dec(&p)
		return say("actions", "recorded the result of "+v.ActionName(p.ActionID), resultDetail(p))
	case domain.EvActionFiled:
		var p domain.ActionFiled
		dec(&p)
		return say("actions", "filed "+v.ActionName(p.ActionID))
	case domain.EvActionReferredBack:
		var p domain.ActionReferredBack
		dec(&p)
		return say("actions", "referred back "+v.ActionName(p.ActionID), p.Direction)
	case domain.EvActionCancelled:
		var p domain.ActionCancelled
		dec(&p)
		return say("actions", "cancelled "+v.ActionName(p.ActionID), p.Reason)
	case domain.EvPlanSet:
		var p domain.PlanSet
		dec(&p)
		return say("actions", "set the investigation plan", p.Plan)
	case domain.EvContactPlanAgreed:
		var p domain.ContactPlanAgreed
		dec(&p)
		s := "agreed a contact plan for " + v.VictimName(p.VictimID) + ": " + planWords(p.EveryDays, p.Method)
		if p.AgreedWith != "" {
			s += ", agreed with " + p.AgreedWith
		}
		return say("victims", s)
	case domain.EvVictimContacted:
		var p domain.VictimContacted
		dec(&p)
		s := "recorded a contact with " + v.VictimName(p.VictimID)
		s += byMethod(p.Contact.Method)
		if ct := p.Contact; !ct.RecordedAt.IsZero() && govDate(ct.At) != govDate(ct.RecordedAt) {
			s += " on " + govDate(ct.At) // recorded on a later day than it happened
		}
		if p.Contact.Kind != domain.ContactUpdate {
			s += " (" + strings.ToLower(domain.ContactKindLabel(p.Contact.Kind)) + ")"
		}
		en.Contacted = p.VictimID
		return say("victims", s, p.Contact.Note)
	case domain.EvPersonCorrected:
		var p domain.PersonCorrected
		dec(&p)
		return say("people", p.Describe(), p.Reason)
	case domain.EvVictimView:
		var p domain.VictimView
		dec(&p)
		return say("victims", "recorded "+possessive(v.VictimName(p.VictimID))+" view of the outcome", p.View)
	case domain.EvSuspectStatus:
		var p domain.SuspectStatusChanged
		dec(&p)
		s := "recorded " + v.SuspectName(p.SuspectID) + " as " +
			strings.ToLower(domain.SuspectStatusLabel(p.Status))
		if t, err := time.Parse("2006-01-02", p.On); err == nil {
			s += " on " + t.Format("2 January 2006")
		}
		return say("people", s, p.Explanation)
	case domain.EvReviewRecorded:
		var p domain.ReviewRecorded
		dec(&p)
		s := "recorded a supervisory review"
		if n := len(p.Review.Directions); n > 0 {
			s += " with " + plural(n, "direction", "directions")
		}
		return say("decisions", s, p.Review.Summary)
	case domain.EvDecisionRecorded:
		var p domain.DecisionRecorded
		dec(&p)
		return say("decisions", fmt.Sprintf("recorded decision %d: %s", p.Decision.Number, p.Decision.Decision),
			p.Decision.Rationale)
	case domain.EvTransferProposed:
		var p domain.TransferProposed
		dec(&p)
		return say("decisions", "proposed transferring the case to "+unitName(v.Org, p.Transfer.ToTeam),
			p.Transfer.Reason)
	case domain.EvTransferAccepted:
		var p domain.TransferDecided
		dec(&p)
		return say("decisions", "accepted the transfer and made "+personName(v.Org, p.OwnerID)+
			" the officer in charge")
	case domain.EvTransferRejected:
		var p domain.TransferDecided
		dec(&p)
		return say("decisions", "refused the transfer", p.Reason)
	case domain.EvClosureProposed:
		var p domain.ClosureProposed
		dec(&p)
		return say("decisions", "proposed closing the case with "+v.OutcomeInText(p.Closure.Outcome),
			p.Closure.Rationale.WhyNoneRemain)
	case domain.EvClosureApproved:
		return say("decisions", "approved the closure: the case is closed")
	case domain.EvClosureRejected:
		var p domain.ClosureRejected
		dec(&p)
		return say("decisions", "sent the closure back", p.Reason)
	case domain.EvVRRRequested:
		var p domain.VRRRequested
		dec(&p)
		s := "recorded " + possessive(v.VictimName(p.VRR.VictimID)) + " request for a review of the closure"
		if p.VRR.Late {
			s += " (late)"
		}
		return say("victims", s, strings.TrimSpace(p.VRR.Grounds+"\n"+p.VRR.LateReason))
	case domain.EvVRRAcknowledged:
		var p domain.VRRAcknowledged
		dec(&p)
		return say("decisions", "acknowledged the request for a review and named "+
			personName(v.Org, p.Reviewer)+" to decide it")
	case domain.EvVRRDecided:
		var p domain.VRRDecided
		dec(&p)
		return say("decisions", "decided the request for a review: "+
			strings.ToLower(domain.VRRDecisionLabels[p.Decision]), p.Reasons)
	case domain.EvCaseReopened:
		var p domain.CaseReopened
		dec(&p)
		return say("decisions", "reopened the case", p.Reason)
	case domain.EvBreakGlass:
		var p domain.BreakGlassed
		dec(&p)
		return say("reads", "opened the case in an emergency, outside their need to know (read-only until "+
			govTime(p.Until)+")", p.Reason)
	case domain.EvBreakGlassReviewed:
		var p domain.BreakGlassReviewed
		dec(&p)
		return say("decisions", "reviewed an emergency access to the case", p.Note)
	case domain.EvTrainingOverride:
		var p domain.TrainingOverride
		dec(&p)
		p.At = e.At
		return say("decisions", service.OverrideSummary(v.Case, v.Org, p), p.Reason)
	case domain.EvAuditFinding:
		return say("duties", "recorded an audit finding")
	case domain.EvAuditFindingAnswered:
		var p domain.AuditFindingAnswered
		dec(&p)
		en.NoteID, en.Also = p.Note.ID, "notes"
		return say("duties", "answered an audit finding", p.Note.Text)
	}
	return say("changes", domain.EventLabel(e.Type))
}

// dutyName is "Victim update due for Child A".
func (v *caseView) dutyName(d domain.Duty) string {
	return dutyRow{Label: domain.DutyKindLabel(d.Kind), For: v.subject(d.Subject)}.Name()
}

// planWords is "every 14 days by phone".
func planWords(every int, method string) string {
	s := "every " + plural(every, "day", "days")
	if every == 1 {
		s = "every day"
	}
	return s + byMethod(method)
}

// byMethod is " by phone" for a method typed as "phone", and the method as
// typed where it already says how ("via the ISVA", "in person"): methods
// are free text, and "by via the ISVA" reads as a mistake.
func byMethod(method string) string {
	m := strings.TrimSpace(method)
	if m == "" {
		return ""
	}
	for _, lead := range []string{"by ", "via ", "in ", "at ", "through ", "with ", "on "} {
		if strings.HasPrefix(strings.ToLower(m), lead) {
			return " " + m
		}
	}
	return " by " + m
}

func unitName(org *domain.OrgState, id string) string {
	if org != nil {
		if u := org.Units[id]; u != nil {
			return u.Name
		}
	}
	return "another team"
}

// lowerFirst puts a label mid-sentence: "Children's social care" becomes
// "children's social care"; an acronym ("CEOP") is left as it is.
func lowerFirst(s string) string {
	r := []rune(s)
	if len(r) == 0 || (len(r) > 1 && unicode.IsUpper(r[1])) {
		return s
	}
	r[0] = unicode.ToLower(r[0])
	return string(r)
}

// historyEmpty is what the history says when its filter lists nothing.
func historyEmpty(kind string) string {
	switch kind {
	case "":
		return "There is nothing in this case's history."
	case "notes":
		return "There are no notes on this case."
	case "reads":
		return "Nobody has read this case yet."
	}
	for _, k := range historyKinds {
		if k[0] == kind {
			return "There is nothing in this case's history under " + strings.ToLower(k[1]) + "."
		}
	}
	return "There is nothing in this case's history of this kind."
}

// noHistoryPage answers a link to the history that names no page (not a
// number from 1): the reason and the first page, and nothing of the case,
// since nothing of it was read. CaseID checks the reader may see the case,
// recording nothing, so that a bad page tells an outsider no more than a
// good one.
func (h *Handler) noHistoryPage(q *visit, bad domain.Problems) error {
	ref := request.RefOf(q.r)
	if _, err := h.svc.CaseID(q.r.Context(), q.a, ref); err != nil {
		return err
	}
	first := historyLink("/cases/"+request.PathRef(ref), historyKind(q.r.URL.Query()), q.r.URL.Query().Get("contacts"), 1)
	return h.render(q, http.StatusUnprocessableEntity, "error", page{Title: "There is no such page", Nav: "cases",
		Errors: bad, Data: errorPage{Status: http.StatusUnprocessableEntity,
			Message: "The link to this case's history may be old or mistyped.",
			Offer:   &pageOffer{URL: first, Text: "Go to the first page of the history"}}})
}

// resultDetail is a result as the history tells it: how it ended and its
// reference, then what was done; a result recorded before outcomes were
// asked is what was done alone.
func resultDetail(p domain.ActionResulted) string {
	var head []string
	if p.Outcome != "" {
		head = append(head, domain.ActionOutcomeLabel(p.Outcome))
	}
	if p.Reference != "" {
		head = append(head, "reference "+p.Reference)
	}
	if len(head) == 0 {
		return p.Result
	}
	return strings.Join(head, ", ") + ". " + p.Result
}
