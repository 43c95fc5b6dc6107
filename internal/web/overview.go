package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/service"
)

func (h *Handler) overviewRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /dashboard", h.signedIn(h.dashboard))
	m.HandleFunc("GET /ledger", h.signedIn(h.ledger))
	m.HandleFunc("GET /ledger/check", h.signedIn(h.ledgerCheck))
	m.HandleFunc("GET /access", h.signedIn(h.access))
}

func (h *Handler) dashboard(q *visit) error {
	d, err := h.svc.Dashboard(q.r.Context(), q.a, service.DashboardMonths)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "dashboard", page{Title: "Dashboard", Nav: "dashboard", Data: dashboardView(d)})
}

// ledgerView is the ledger page: its figures and, once asked for, the
// outcome of a check of the record against the signed checkpoints. The
// latest checkpoint's figures are those of its verified signed text
// (ledger.Status), never the columns stored beside it.
type ledgerView struct {
	*ledger.Status
	Check *service.LedgerCheck
}

func (h *Handler) ledger(q *visit) error {
	l := h.svc.Ledger()
	if l == nil {
		return service.ErrNoLedger
	}
	st, err := l.Status(q.r.Context(), q.a)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "ledger", page{Title: "Ledger", Nav: "ledger", Data: ledgerView{Status: st},
		Form: map[string]string{}})
}

// ledgerCheck checks the record in the browser as `holdfast ledger check`
// does from outside: the latest checkpoint's signature, its consistency
// with an earlier one, and the inclusion of a case's events or one event.
// It changes nothing; looking at a case's events is recorded as a read.
func (h *Handler) ledgerCheck(q *visit) error {
	l := h.svc.Ledger()
	if l == nil {
		return service.ErrNoLedger
	}
	ctx := q.r.Context()
	st, err := l.Status(ctx, q.a)
	if err != nil {
		return err
	}
	qs := q.r.URL.Query()
	in := service.LedgerCheckRequest{Earlier: qs.Get("earlier"), Case: strings.TrimSpace(qs.Get("case")),
		Event: strings.TrimSpace(qs.Get("event"))}
	p := page{Title: "Ledger", Nav: "ledger", Form: map[string]string{"earlier": in.Earlier, "case": in.Case,
		"event": in.Event}}
	v := ledgerView{Status: st}
	v.Check, err = l.Check(ctx, q.a, in)
	if ps, ok := domain.AsProblems(err); ok {
		p.Errors, p.Data = ps, v
		return h.render(q, http.StatusUnprocessableEntity, "ledger", p)
	}
	if err != nil {
		return err
	}
	p.Title, p.Data = "Ledger checked", v
	return h.render(q, http.StatusOK, "ledger", p)
}

// accessPage is the force-wide access report.
type accessPage struct {
	Report *service.AccessReport
	People []*domain.User
	Next   string
}

// readHow names how a case was read, for the access report.
var readHow = map[string]string{
	"case":              "Opened the case",
	service.ReadSearch:  "Shown in search results",
	service.ReadLinks:   "Shown in links between cases",
	service.ReadInbox:   "Shown in the inbox",
	service.ReadWork:    "Shown in My work",
	service.ReadLiaison: "Shown in victims due contact",
	service.ReadTeam:    "Shown on the team board",
	service.ReadAccess:  "Shown in the access report",
	// The ledger check proves a case's events are in the signed record.
	service.ReadLedgerCheck: "Its events checked against the ledger",
	// The audit pages' reads.
	"audits.triage":        "Shown in the audit triage",
	"audits.preview":       "Shown in an audit plan's preview",
	"audits.my_reviews":    "Shown in My reviews",
	"audits.findings_owed": "Shown in audit findings owed",
	// My work lists only the audit reviews assigned to the reader.
	service.ReadWorkReviews: "Shown in My work's audit reviews",
}

// access is the access report: who read which case, filterable by
// person, case and date, for the audit team and inspectors.
func (h *Handler) access(q *visit) error {
	raw := q.r.URL.Query()
	form := map[string]string{"user_id": raw.Get("user_id"), "case": strings.TrimSpace(raw.Get("case")),
		"from": raw.Get("from"), "to": raw.Get("to")}
	v, ps := filterDates(raw, form, [2]string{"from", "From"}, [2]string{"to", "To"})
	p := accessPage{}
	for _, u := range q.org.Users {
		p.People = append(p.People, u)
	}
	sort.Slice(p.People, func(i, j int) bool { return p.People[i].Name < p.People[j].Name })
	in := service.AccessQuery{UserID: form["user_id"], Case: form["case"]}
	in.Before, _ = strconv.ParseInt(v.Get("before"), 10, 64)
	day := func(field string) time.Time {
		if form[field] == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, form[field], clock.London)
		if err != nil {
			ps.Add(field, "not_a_date", "Enter the date as day, month and year, for example 4 6 2026")
		}
		return t
	}
	in.From = day("from")
	if in.To = day("to"); !in.To.IsZero() {
		in.To = in.To.AddDate(0, 0, 1) // the whole of the last day
	}
	render := func(status int, errs domain.Problems) error {
		return h.render(q, status, "access", page{Title: "Who read which case", Nav: "access", Data: p, Form: form,
			Errors: errs})
	}
	if len(ps) > 0 {
		return render(http.StatusUnprocessableEntity, ps)
	}
	rep, err := h.svc.AccessReport(q.r.Context(), q.a, in)
	if errs, ok := domain.AsProblems(err); ok {
		return render(http.StatusUnprocessableEntity, errs)
	}
	if err != nil {
		return err
	}
	p.Report = rep
	if rep.Next != 0 {
		u := url.Values{}
		for _, k := range []string{"user_id", "case", "from", "to"} { // the dates as ISO, not as typed
			if val := form[k]; val != "" {
				u.Set(k, val)
			}
		}
		u.Set("before", strconv.FormatInt(rep.Next, 10))
		p.Next = "/access?" + u.Encode()
	}
	return render(http.StatusOK, nil)
}

// ledgerFuncs are the ledger page's words: a time as "7 December 2026 at
// 2:03pm" and a count of events in words, "1,042 events", whatever
// integer type the ledger keeps it in.
var ledgerFuncs = template.FuncMap{
	"ledgerTime": govTime,
	"ledgerEvents": func(n any) string {
		switch n := n.(type) {
		case int64:
			return service.EventCount(uint64(max(n, 0)))
		case int:
			return service.EventCount(uint64(max(n, 0)))
		case uint64:
			return service.EventCount(n)
		}
		return fmt.Sprint(n)
	},
}
