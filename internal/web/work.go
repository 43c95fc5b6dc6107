package web

import (
	"net/http"
	"net/url"
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
	Extra    *boardExtra
	// Next and Prev are the links to the pages either side ("" if none).
	Next, Prev string
}

type boardExtra struct {
	Closures, Transfers, Referrals, Orphaned []store.CaseRow
}

// homePage is My work: what this person must do today, by role.
type homePage struct {
	workPage
	// Decisions are the duties awaiting this person's decision (closures,
	// transfers, victims' reviews, finding responses), listed first.
	Decisions []service.WorkItem
	// Victims due contact, for victim liaison (and the officers who
	// support victims); nil when the role has no such list.
	Victims        []service.VictimDue
	VictimsOverdue int
	VictimsClosed  int // of them, victims of closed cases still owed something
	ShowVictims    bool
	// Escalations in the person's command (supervisors and managers).
	Escalations     []service.WorkItem
	ShowEscalations bool
	Unread          int
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
		return "/cases/" + request.PathRef(ref) + "/do/" + j
	}
	if kind == "finding_response" {
		if subject != "" {
			return "/audits/findings/" + request.PathRef(ref) + "/" + url.PathEscape(subject)
		}
		return "/audits/findings"
	}
	return "/cases/" + request.PathRef(ref)
}

// dutyPages are the case pages on which work duties are done.
var dutyPages = map[string]string{domain.DutyLinkRev: "links"}

// dutyPage is the page on which a duty of kind on case ref is done, or ""
// when the case's overview is the place.
func dutyPage(kind, ref string) string {
	if p, ok := dutyPages[kind]; ok {
		return "/cases/" + request.PathRef(ref) + "/" + p
	}
	return ""
}

// counts fills the overdue, today and this week counts of items.
func (p *workPage) counts(items []service.WorkItem, now time.Time) {
	l := now.In(clock.London)
	endOfDay := time.Date(l.Year(), l.Month(), l.Day(), 23, 59, 59, 0, clock.London)
	week := now.AddDate(0, 0, 7)
	for _, it := range items {
		switch {
		case it.Overdue:
			p.Overdue++
		case !it.Due.After(endOfDay):
			p.Today++
		case !it.Due.After(week):
			p.Week++
		}
	}
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
	p.counts(p.Items, h.svc.Now())
	// A decision waiting for this person is for today, whenever it is
	// due: someone else's work waits on it.
	for _, it := range p.Decisions {
		if it.Overdue {
			p.Overdue++
		} else {
			p.Today++
		}
	}
	u := q.a.User
	if u.HasRole(domain.RoleVictimLiaison) {
		p.ShowVictims = true
		if p.Victims, err = h.svc.VictimsDue(ctx, q.a); err != nil {
			return p, err
		}
		for _, v := range p.Victims {
			if v.Overdue {
				p.VictimsOverdue++
			}
			if v.CaseClosed {
				p.VictimsClosed++
			}
		}
	}
	if u.HasRole(domain.RoleSupervisor) || u.HasRole(domain.RoleManager) {
		p.ShowEscalations = true
		if p.Escalations, err = h.svc.Escalations(ctx, q.a); err != nil {
			return p, err
		}
	}
	p.Unread, err = h.svc.UnreadAlerts(ctx, q.a)
	return p, err
}

// recordContact records a contact with a victim from the list of victims
// due one: the case page's record-contact command, in one step.
func (h *Handler) recordContact(q *visit) error {
	f := q.r.PostForm
	ref, _ := request.ParseRef(f.Get("case"))
	var in service.RecordContact
	var c *domain.Case
	err := request.DecodeForm(f, &in)
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
	q.redirectDone("/work", "Contact with "+who+" recorded on "+c.Ref)
	return nil
}

func (h *Handler) teamBoard(q *visit) error {
	ctx := q.r.Context()
	qs := q.r.URL.Query()
	pg, err := h.svc.TeamBoardPage(ctx, q.a, service.BoardPageIn{After: qs.Get("after"), Before: qs.Get("before")})
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
	closures, err := h.svc.ListCases(ctx, q.a, store.CaseFilter{Status: []domain.Status{domain.StatusClosureProposed},
		Limit: service.EscalationsLimit})
	if err != nil {
		return err
	}
	x.Closures = closures
	referrals, err := h.svc.ListCases(ctx, q.a, store.CaseFilter{Status: []domain.Status{domain.StatusReferral},
		Limit: service.EscalationsLimit})
	if err != nil {
		return err
	}
	for _, r := range referrals {
		if r.OwnerID == "" {
			x.Referrals = append(x.Referrals, r)
		}
	}
	if x.Orphaned, err = h.svc.OrphanedCases(ctx, q.a); err != nil {
		return err
	}
	if x.Transfers, err = h.svc.TransfersToAccept(ctx, q.a); err != nil {
		return err
	}
	d := workPage{Items: pg.Items, Open: open, Overdue: overdue, Board: true, Extra: x}
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
	Alerts     []service.InboxAlert
	Done       bool // the list of alerts marked done
	Total      int
	Prev, Next string
}

func (h *Handler) inbox(q *visit) error {
	qs := q.r.URL.Query()
	in := service.InboxPageIn{Done: qs.Get("show") == "done", Before: qs.Get("before"), After: qs.Get("after")}
	out, err := h.svc.InboxPage(q.r.Context(), q.a, in)
	status, ps := http.StatusOK, domain.Problems(nil)
	if p, ok := domain.AsProblems(err); ok { // a damaged cursor: the first page, saying so
		status, ps = http.StatusBadRequest, p
		out, err = h.svc.InboxPage(q.r.Context(), q.a, service.InboxPageIn{Done: in.Done})
	}
	if err != nil {
		return err
	}
	p := inboxPage{Alerts: out.Alerts, Done: in.Done, Total: out.Total}
	link := func(key, cursor string) string {
		v := url.Values{key: {cursor}}
		if in.Done {
			v.Set("show", "done")
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
				Data: inboxPage{Alerts: out.Alerts, Total: out.Total}, Errors: ps})
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
