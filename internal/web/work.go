package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

func (h *Handler) workRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /{$}", h.signedIn(func(q *visit) error {
		http.Redirect(q.w, q.r, "/work", http.StatusSeeOther)
		return nil
	}))
	m.HandleFunc("GET /work", h.signedIn(h.myWork))
	m.HandleFunc("POST /liaison/contact", h.signedIn(h.recordContact))
	m.HandleFunc("GET /team", h.signedIn(h.teamBoard))
	m.HandleFunc("GET /inbox", h.signedIn(h.inbox))
	m.HandleFunc("POST /inbox/{seq}/acknowledge", h.signedIn(h.markAlert(true)))
	m.HandleFunc("POST /inbox/{seq}/done", h.signedIn(h.markAlert(false)))
}

// workPage is the team board, and the duties part of My work.
type workPage struct {
	Items    []service.WorkItem
	Open     int // open duties in all
	Unlisted int // of them, how many a limited board leaves out
	Overdue  int
	Today    int // due by the end of today (not overdue)
	Week     int // due within seven days (not today)
	Board    bool
	Backlog  bool // the team board from its long-dormant backlog
	Extra    *boardExtra
	// Next and Prev are the links to the pages either side ("" if none).
	Next, Prev string
}

type boardExtra struct {
	// Decisions are the transfers, closures and referrals waiting.
	Decisions *boardDecisions
	Orphaned  []store.CaseRow
	// Leavers are the cases on which people who have left still owe
	// duties, and LeaverDuties how many duties in all.
	Leavers      []service.LeaverDuties
	LeaverDuties int
	// Summary is the board by officer, and the long-dormant backlog.
	Summary *service.BoardSummary
}

// homePage is My work: what this person must do today, by role.
type homePage struct {
	workPage
	// Rows are the person's own duties (workPage.Items) as listed: the
	// duties of a kind done on a list page (the links to review) one row
	// per case and kind, with how many, so that 21 possible links of one
	// case do not bury the rest of the work.
	Rows []workRow
	// Decisions are the duties awaiting this person's decision (closures,
	// transfers, victims' reviews, finding responses), listed first.
	Decisions []service.WorkItem
	// Reviews are the audit reviews assigned to this person (auditors),
	// soonest due first, counted by when they are due as duties are.
	Reviews     []service.ReviewItem
	ShowReviews bool
	Audit       service.AuditHomeCounts // sign-offs waiting, cases to assign
	Due         dueCounts               // of the reviews
	// Victims due contact, for victim liaison (and the officers who
	// support victims); nil when the role has no such list.
	Victims []service.VictimDue
	// The list is of duties (a victim may owe several); these count
	// victims: those with a duty overdue, those with one due this week
	// and none overdue, and those of closed cases.
	VictimsOverdue int
	VictimsSoon    int
	VictimsClosed  int // of them, victims of closed cases still owed something
	ShowVictims    bool
	// Escalations in the person's command (supervisors and managers),
	// after their own duties: the first homeEscalations of the current
	// ones, and how many long-dormant ones there are (each list has its
	// own pages: escalations.go).
	Escalations     *service.EscalationList
	ShowEscalations bool
	Unread          int
	// Grants are the grants of powerful roles awaiting this
	// administrator's decision (the two-person rule: asked for by another).
	Grants []*domain.Grant
	// HandOn are the leavers whose open cases the person may hand on.
	HandOn []service.LeaverToHandOn
	// List, when set, makes the page a page of escalations instead
	// (escalations.go), with none of the rest.
	List *escalationsView
}

// homeEscalations is how many of this year's escalations My work lists.
const homeEscalations = 10

// workRow is one row of the person's own duties: a duty, or N duties of
// one kind on one case (the soonest due of them shown).
type workRow struct {
	service.WorkItem
	N int
}

// dueCounts counts things owed by when they are due.
type dueCounts struct{ Overdue, Today, Week int }

// add counts one thing due at due (overdue says whether it is).
func (c *dueCounts) add(due time.Time, overdue bool, now time.Time) {
	// Today ends when tomorrow starts: duties fall due at the last
	// nanosecond of their day, after 23:59:59.
	l := now.In(clock.London)
	tomorrow := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, clock.London)
	switch {
	case overdue:
		c.Overdue++
	case due.Before(tomorrow):
		c.Today++
	case !due.After(now.AddDate(0, 0, 7)):
		c.Week++
	}
}

// Summary says in a sentence what the person owes: their own duties
// (decisions among them, each by its due time) and their audit reviews.
// Escalations in their command are counted beside it on the page.
func (p homePage) Summary() string {
	var texts []string
	for _, s := range p.SummaryParts() {
		texts = append(texts, s.Text)
	}
	return strings.Join(texts, ". ") + "."
}

// summaryPart is one sentence of the summary (without its full stop), and
// the list on the page it counts, if it is a link.
type summaryPart struct{ Text, Href string }

// SummaryParts are the sentences of Summary: the overdue one links to the
// first list on the page holding what it counts (the decisions, the
// person's duties, or their audit reviews).
func (p homePage) SummaryParts() []summaryPart {
	duties := dueCounts{p.Overdue, p.Today, p.Week}
	var parts []summaryPart
	for _, b := range []struct {
		duties, reviews int
		what            string
	}{{duties.Overdue, p.Due.Overdue, "overdue"}, {duties.Today, p.Due.Today, "due today"},
		{duties.Week, p.Due.Week, "due this week"}} {
		var things []string
		if b.duties > 0 {
			things = append(things, plural(b.duties, "duty", "duties"))
		}
		if b.reviews > 0 {
			things = append(things, plural(b.reviews, "audit review", "audit reviews"))
		}
		switch {
		case len(things) > 0:
			verb := "are"
			if b.duties+b.reviews == 1 {
				verb = "is"
			}
			s := summaryPart{Text: strings.Join(things, " and ") + " " + verb + " " + b.what}
			if b.what == "overdue" {
				s.Href = p.overdueList()
			}
			parts = append(parts, s)
		case b.what == "overdue":
			parts = append(parts, summaryPart{Text: "Nothing of yours is overdue"})
		}
	}
	return parts
}

// overdueList is the anchor of the first list on My work that holds an
// overdue duty or review of the person's: "" if none does.
func (p homePage) overdueList() string {
	for _, l := range []struct {
		items []service.WorkItem
		id    string
	}{{p.Decisions, "#decisions"}, {p.Items, "#your-duties"}} {
		for _, it := range l.items {
			if it.Overdue {
				return l.id
			}
		}
	}
	if p.Due.Overdue > 0 {
		return "#work-reviews"
	}
	return ""
}

// groupRows makes the rows of the person's own duties: those of a kind
// done on a list page (dutyPages) one row per case and kind, in the place
// of the first (items come overdue first, then soonest due).
func groupRows(items []service.WorkItem) []workRow {
	out := make([]workRow, 0, len(items))
	at := map[[2]string]int{}
	for _, it := range items {
		k := [2]string{it.CaseID, it.Kind}
		if p, listed := dutyPages[it.Kind]; listed && !p.one {
			if i, ok := at[k]; ok {
				out[i].N++
				continue
			}
			at[k] = len(out)
		}
		out = append(out, workRow{WorkItem: it, N: 1})
	}
	return out
}

// decisionKinds are the duties that ask for a decision rather than work
// (domain.DecisionKinds, and answering an audit finding).
var decisionKinds = map[string]bool{"closure_approval": true, "transfer_accept": true, "vrr_acknowledge": true,
	"vrr_review": true, "finding_response": true}

// decisionJourneys are the pages on which each decision is made.
var decisionJourneys = map[string]string{"closure_approval": "approve-closure", "transfer_accept": "accept-transfer",
	"vrr_acknowledge": "acknowledge-vrr", "vrr_review": "decide-vrr"}

// journeyPath is the page on which a decision duty of kind on case ref is
// made: the case's journey, or the finding (subject) to answer — the list
// of findings only when the duty does not name one.
func journeyPath(kind, ref, subject string) string {
	if j, ok := decisionJourneys[kind]; ok {
		return "/cases/" + request.PathRef(ref) + "/do/" + j + "?from=work"
	}
	if kind == "finding_response" {
		if subject != "" {
			return "/audits/findings/" + request.PathRef(ref) + "/" + url.PathEscape(subject)
		}
		return "/audits/findings"
	}
	return "/cases/" + request.PathRef(ref)
}

// dutyLink is where a work duty is done: a page of the case (under
// /cases/{ref}/), the query field naming the duty's subject (the victim)
// on it, the kind of contact its form starts at, and whether each duty of
// the kind is a row of its own.
type dutyLink struct {
	page, field, contact string
	// one: each duty its own row, not one per case and kind — each line
	// of enquiry, or closure, is its own piece of work with its own words.
	one bool
}

// dutyPages are the case pages on which work duties are done. Each is a
// page its owner may act on: contact with a victim on record-contact
// (Victims' Code duties are the officer in charge's, or with none the
// supervisor's, all of whom may record it — on a closed case too), the
// lines of enquiry where each action's Allocate and Record result are
// offered to whoever may do them (the action's officer, the officer in
// charge), the action under review itself — its result, with File and
// Refer back — for the supervisor who reviews it, and Close case for a
// closure sent back to the officer in charge.
var dutyPages = map[string]dutyLink{
	domain.DutyLinkRev:     {page: "links"},
	"allocate_referral":    {page: "do/assign-owner"},
	"investigation_plan":   {page: "do/plan"},
	"supervisory_review":   {page: "do/review"},
	"first_victim_contact": {page: "do/record-contact", field: "victim"},
	"victim_update":        {page: "do/record-contact", field: "victim"},
	"contact_plan":         {page: "do/contact-plan", field: "victim"},
	"support_referral": {page: "do/record-contact", field: "victim",
		contact: domain.ContactSupportReferral},
	"decision_notice":   {page: "do/record-contact", field: "victim", contact: domain.ContactDecision},
	"action_target":     {page: "actions", one: true},
	"action_review":     {page: "do/file-action", field: "action", one: true},
	"closure_sent_back": {page: "close", one: true},
}

// dutyPage is the page on which a duty of kind on case ref about subject
// is done (a decision's journey too), or "" when the case's overview is
// the place.
func dutyPage(kind, ref, subject string) string {
	if p, ok := dutyPages[kind]; ok {
		u := "/cases/" + request.PathRef(ref) + "/" + p.page
		q := url.Values{}
		if p.field != "" && subject != "" {
			q.Set(p.field, subject)
		}
		if p.contact != "" {
			q.Set("kind", p.contact)
		}
		if strings.HasPrefix(p.page, "do/") || p.page == "close" {
			q.Set("from", "work") // the form's back link and its return go to My work
		}
		if len(q) > 0 {
			u += "?" + q.Encode()
		}
		return u
	}
	if j, ok := decisionJourneys[kind]; ok {
		return "/cases/" + request.PathRef(ref) + "/do/" + j + "?from=work"
	}
	return ""
}

// counts fills the overdue, today and this week counts of items.
func (p *workPage) counts(items []service.WorkItem, now time.Time) {
	var c dueCounts
	for _, it := range items {
		c.add(it.Due, it.Overdue, now)
	}
	p.Overdue, p.Today, p.Week = p.Overdue+c.Overdue, p.Today+c.Today, p.Week+c.Week
}

func (h *Handler) myWork(q *visit) error {
	p, err := h.home(q)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "work", page{Title: "My work", Nav: "work", Data: p, Unread: p.Unread,
		UnreadKnown: true})
}

// home gathers My work for the reader's roles.
func (h *Handler) home(q *visit) (homePage, error) {
	ctx := q.r.Context()
	items, err := h.svc.MyWork(ctx, q.a)
	if err != nil {
		return homePage{}, err
	}
	p := homePage{workPage: workPage{Open: len(items)}}
	for _, it := range items {
		if decisionKinds[it.Kind] {
			p.Decisions = append(p.Decisions, it)
		} else {
			p.Items = append(p.Items, it)
		}
	}
	// Decisions are counted by their due time as the rest are: they are
	// listed first, and saying one due in a month is due today was false.
	now := h.svc.Now()
	p.counts(items, now)
	p.Rows = groupRows(p.Items)
	u := q.a.User
	if u.HasRole(domain.RoleAuditor) {
		p.ShowReviews = true
		// Only the reviews to do are shown here, so only they are read.
		if p.Reviews, err = h.svc.MyReviewsToDo(ctx, q.a); err != nil {
			return p, err
		}
		for _, it := range p.Reviews {
			p.Due.add(it.Due, it.Overdue, now)
		}
		if p.Audit, err = h.svc.AuditHome(ctx, q.a); err != nil {
			return p, err
		}
	}
	if u.HasRole(domain.RoleVictimLiaison) {
		p.ShowVictims = true
		if p.Victims, err = h.svc.VictimsDue(ctx, q.a); err != nil {
			return p, err
		}
		p.VictimsOverdue, p.VictimsSoon, p.VictimsClosed = countVictims(p.Victims)
	}
	if u.HasRole(domain.RoleSupervisor) || u.HasRole(domain.RoleManager) {
		p.ShowEscalations = true
		// The first few of this year's, and the long-dormant counted: each
		// list has its own pages (escalations.go), so that the person's own
		// duties are not below a command's worth of others'.
		if p.Escalations, err = h.svc.EscalationPage(ctx, q.a,
			service.EscalationPageIn{Size: homeEscalations}); err != nil {
			return p, err
		}
		if p.HandOn, err = h.svc.LeaversToHandOn(ctx, q.a); err != nil {
			return p, err
		}
	}
	if p.Grants, err = h.svc.GrantsToDecide(ctx, q.a); err != nil {
		return p, err
	}
	p.Unread, err = h.svc.UnreadAlerts(ctx, q.a)
	return p, err
}

// countVictims counts the victims of rows (one row a duty): those with a
// duty overdue, those due this week with none overdue, and those of
// closed cases. "23 victims are overdue contact" was said of 23 duties
// owed to 20 victims.
func countVictims(rows []service.VictimDue) (overdue, soon, closed int) {
	late, seen, shut := map[string]bool{}, map[string]bool{}, map[string]bool{}
	for _, v := range rows {
		k := v.CaseID + "/" + v.VictimID
		seen[k] = true
		if v.Overdue {
			late[k] = true
		}
		if v.CaseClosed {
			shut[k] = true
		}
	}
	return len(late), len(seen) - len(late), len(shut)
}

// contactOpts are the ways of contact the one-step form on My work
// offers for a victim with this plan: the case page's own (methodOpts),
// the plan's words first when agreed in words of its own. A way sent in
// other words (the service takes any, as API clients send them) is added
// last on a form sent back with problems, so that what was sent is kept.
func contactOpts(plan *domain.ContactPlan, sent string) [][2]string {
	planned := ""
	if plan != nil {
		planned = plan.Method
	}
	opts := methodOpts(planned)
	if sent == "" {
		return opts
	}
	for _, o := range opts {
		if o[0] == sent {
			return opts
		}
	}
	return append(slices.Clip(opts), [2]string{sent, domain.Capitalise(sent)})
}

// contactDate is the day, month and year of the "When did the contact
// happen?" input of a row of the one-step form on My work: as typed in the
// row sent back with problems (mine), highlighted as they say, and today
// in every other row.
func contactDate(mine bool, ps any, form map[string]string, now time.Time) []datePart {
	if probs, _ := ps.(domain.Problems); mine && request.HasDateInput(formValues(form), "contacted_on") {
		return dateParts("contacted_on", probs, form)
	}
	return dateParts("contacted_on", nil, map[string]string{"contacted_on": now.In(clock.London).Format(time.DateOnly)})
}

// contactErr is the message of the problem with a field (or, for the
// date, any of its parts) of the row of the one-step form sent back, for
// beside the field; "" for none, or for a form refused as stale, which is
// no problem with the field. ps is false for the other rows.
func contactErr(ps any, field string) string {
	probs, _ := ps.(domain.Problems)
	for _, p := range probs {
		if onDate(p, field) && p.Rule != "stale" {
			return p.Message
		}
	}
	return ""
}

// formValues is a page's form as the decoder's url.Values.
func formValues(form map[string]string) url.Values {
	vals := url.Values{}
	for k, v := range form {
		vals.Set(k, v)
	}
	return vals
}

// recordContact records a contact with a victim from the list of victims
// due one: the case page's record-contact command, in one step.
func (h *Handler) recordContact(q *visit) error {
	f := q.r.PostForm
	ref, _ := request.ParseRef(f.Get("case"))
	var in service.RecordContact
	var c *domain.Case
	err := request.DecodeForm(f, &in, request.Labels(dateLabels))
	if err == nil {
		if in.Kind == "" {
			in.Kind = domain.ContactUpdate
		}
		var id string
		if id, err = h.svc.CaseID(q.r.Context(), q.a, ref); err == nil {
			c, err = h.svc.RecordContact(q.r.Context(), q.a, id, in)
		}
	}
	ps, ok := domain.AsProblems(err)
	if !ok && response.StatusOf(err) == http.StatusConflict {
		// The case changed since the list was shown (another contact, a
		// note): the list is shown again with the case's new version and
		// what was typed kept, to be checked and sent again.
		ps, ok = domain.Problems{{Field: "note", Rule: "stale", Message: ref + " changed since you opened " +
			"this page. What you typed is kept below: check it and select Record contact again."}}, true
	}
	if ok {
		p, herr := h.home(q)
		if herr != nil {
			return herr
		}
		form := map[string]string{"victim": f.Get("victim"), "method": f.Get("method"), "note": f.Get("note"),
			"kind": f.Get("kind"), "kind_for": f.Get("kind_for")}
		for _, part := range request.DateParts {
			if k := request.DatePart("contacted_on", part); f.Has(k) {
				form[k] = f.Get(k)
			}
		}
		return h.render(q, http.StatusUnprocessableEntity, "work",
			page{Title: "My work", Nav: "work", Data: p, Errors: ps, Form: form})
	}
	if err != nil {
		return err
	}
	// The banner names the victim as the case records them, not as the
	// form's hidden field says: the server chooses the message.
	who := "the victim"
	if v := c.Victim(in.Victim); v != nil && v.Name != "" {
		who = v.Name
	}
	q.redirectDone("/work", "Contact with "+who+" recorded on "+c.Ref+nextUpdate(c, in.Victim))
	return nil
}

// teamBoard is the team board: each officer's overdue duties, then the
// duties soonest due, a page at a time, from those overdue by less than
// service.DormantAfter — the long-dormant backlog (most of it inherited
// from imported records) summarised apart, and listed on its own pages
// (?backlog=1), oldest first, so that it does not lead today's work.
func (h *Handler) teamBoard(q *visit) error {
	ctx := q.r.Context()
	qs := q.r.URL.Query()
	in := service.BoardPageIn{After: qs.Get("after"), Before: qs.Get("before")}
	backlog := qs.Get("backlog") == "1"
	first := in.After == "" && in.Before == "" && !backlog
	if first {
		in.After = service.FormatBoardCursor(store.DutyCursor{Due: h.svc.Now().Add(-service.DormantAfter), ID: "0"})
	}
	pg, err := h.svc.TeamBoardPage(ctx, q.a, in)
	if first && err == nil {
		pg.Prev = "" // the backlog before it has its own link
	}
	if ps, ok := domain.AsProblems(err); ok {
		// A damaged cursor: the first page, saying so.
		if pg, err = h.svc.TeamBoardPage(ctx, q.a, service.BoardPageIn{}); err == nil {
			return h.renderBoard(q, http.StatusBadRequest, pg, ps)
		}
	}
	if err != nil {
		return err
	}
	return h.renderBoard(q, http.StatusOK, pg, nil)
}

func (h *Handler) renderBoard(q *visit, status int, pg *service.BoardPage, ps domain.Problems) error {
	ctx := q.r.Context()
	open, overdue, err := h.svc.TeamBoardCounts(ctx, q.a)
	if err != nil {
		return err
	}
	x := &boardExtra{}
	if x.Decisions, err = h.boardDecisionRows(ctx, q); err != nil {
		return err
	}
	if x.Orphaned, err = h.svc.OrphanedCases(ctx, q.a); err != nil {
		return err
	}
	if x.Leavers, err = h.svc.DutiesOfLeavers(ctx, q.a); err != nil {
		return err
	}
	for _, l := range x.Leavers {
		x.LeaverDuties += l.Duties
	}
	if x.Summary, err = h.svc.TeamBoardSummary(ctx, q.a); err != nil {
		return err
	}
	d := workPage{Items: pg.Items, Open: open, Overdue: overdue, Board: true, Extra: x,
		Backlog: q.r.URL.Query().Get("backlog") == "1"}
	if pg.Next != "" {
		d.Next = "/team?after=" + url.QueryEscape(pg.Next)
	}
	if pg.Prev != "" {
		d.Prev = "/team?before=" + url.QueryEscape(pg.Prev)
	}
	return h.render(q, status, "team", page{Title: "Team board", Nav: "team", Data: d, Errors: ps})
}

// inboxPage is the inbox: a page of current alerts, or of those marked
// done, with the links to the pages either side.
type inboxPage struct {
	Alerts     []inboxRow
	Done       bool // the list of alerts marked done
	Total      int
	Prev, Next string
	Kind       string              // the kind shown, "" for all
	Kinds      []service.InboxKind // the list's alerts by kind
	All        int                 // the list's alerts of every kind
}

func (h *Handler) inbox(q *visit) error {
	qs := q.r.URL.Query()
	in := service.InboxPageIn{Done: qs.Get("show") == "done", Before: qs.Get("before"), After: qs.Get("after"),
		Kind: qs.Get("kind")}
	out, err := h.svc.InboxPage(q.r.Context(), q.a, in)
	status, ps := http.StatusOK, domain.Problems(nil)
	if p, ok := domain.AsProblems(err); ok { // a damaged cursor: the first page, saying so
		status, ps = http.StatusBadRequest, p
		out, err = h.svc.InboxPage(q.r.Context(), q.a, service.InboxPageIn{Done: in.Done, Kind: in.Kind})
	}
	if err != nil {
		return err
	}
	p := inboxPage{Alerts: inboxRows(out.Alerts), Done: in.Done, Total: out.Total, Kind: in.Kind, Kinds: out.Kinds}
	for _, k := range out.Kinds {
		p.All += k.Count
	}
	link := func(key, cursor string) string {
		v := url.Values{key: {cursor}}
		if in.Done {
			v.Set("show", "done")
		}
		if in.Kind != "" {
			v.Set("kind", in.Kind)
		}
		return "/inbox?" + v.Encode()
	}
	if out.Newer != "" {
		p.Prev = link("after", out.Newer)
	}
	if out.Older != "" {
		p.Next = link("before", out.Older)
	}
	pg := page{Title: "Inbox", Nav: "inbox", Data: p, Errors: ps}
	if !in.Done { // the inbox counts its own new alerts
		pg.UnreadKnown, pg.Unread = true, out.New
	}
	return h.render(q, status, "inbox", pg)
}

// inboxRow is an alert as the inbox lists it, with the page where what it
// asks is done (Act, named by ActText), if it asks anything of the reader.
type inboxRow struct {
	service.InboxAlert
	Act, ActText string
}

// inboxRows are the rows of alerts: each that asks for something links
// the page where it is done, as My work's duties do (dutyPage) — a
// closure sent back to its Close case page, an escalated duty to its
// form, a decision to its journey, a case's possible links to its links
// page.
func inboxRows(alerts []service.InboxAlert) []inboxRow {
	out := make([]inboxRow, 0, len(alerts))
	for _, al := range alerts {
		r := inboxRow{InboxAlert: al}
		if al.CaseRef != "" {
			r.Act, r.ActText = alertAct(al)
		}
		out = append(out, r)
	}
	return out
}

// alertAct is the page where what al asks of its reader is done, and the
// words of the link: "" when it asks nothing, or nothing more.
func alertAct(al service.InboxAlert) (href, words string) {
	switch al.Kind {
	case domain.AlertLink:
		href, words = dutyPage(domain.DutyLinkRev, al.CaseRef, ""), "Review the links"
		if al.Count == 1 {
			words = "Review the link"
			if al.About != "" {
				href += "#link-" + al.About
			}
		}
		return href, words
	case domain.AlertClosureSentBack:
		if al.DutyOpen {
			return dutyPage(al.DutyKind, al.CaseRef, al.DutySubject), "Act on the closure sent back"
		}
	case domain.AlertDecision:
		switch {
		case al.DutyOpen:
			return journeyPath(al.DutyKind, al.CaseRef, al.DutySubject), "Go to the decision"
		case al.About == "": // an alert from before decisions were named
			return "/cases/" + request.PathRef(al.CaseRef) + "/decisions", "Go to the decision"
		}
	case "escalation":
		if al.DutyOpen {
			if href = dutyPage(al.DutyKind, al.CaseRef, al.DutySubject); href == "" {
				href = "/cases/" + request.PathRef(al.CaseRef) + "#duties"
			}
			return href, "Go to the duty"
		}
	}
	return "", ""
}

// markAlert acknowledges an alert (ack) or marks it done.
func (h *Handler) markAlert(ack bool) func(q *visit) error {
	return func(q *visit) error {
		in := service.MarkAlert{Seq: q.r.PathValue("seq")}
		var al *service.InboxAlert
		var err error
		msg := "Alert acknowledged"
		if ack {
			al, err = h.svc.AcknowledgeAlert(q.r.Context(), q.a, in)
		} else {
			msg = "Alert marked as done"
			al, err = h.svc.AlertDone(q.r.Context(), q.a, in)
		}
		if ps, ok := domain.AsProblems(err); ok {
			out, ierr := h.svc.InboxPage(q.r.Context(), q.a, service.InboxPageIn{})
			if ierr != nil {
				return ierr
			}
			return h.render(q, http.StatusUnprocessableEntity, "inbox", page{Title: "Inbox", Nav: "inbox",
				Data: inboxPage{Alerts: inboxRows(out.Alerts), Total: out.Total}, Errors: ps})
		}
		if err != nil {
			return err
		}
		if al.CaseRef != "" {
			msg += ": " + al.CaseRef
		}
		q.redirectDone("/inbox", msg)
		return nil
	}
}

// unread counts the reader's new alerts for the navigation; a failure
// leaves the count out rather than the page.
func (h *Handler) unread(q *visit) int {
	if q.a == nil || q.a.System {
		return 0
	}
	n, err := h.svc.UnreadAlerts(q.r.Context(), q.a)
	if err != nil {
		return 0
	}
	return n
}
