package web

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
)

// The training-needs page (issue 21, item 4; docs/training.md): per team,
// officers lacking what their current work requires, accreditations
// lapsing soon, and the share of work done by accredited officers — as a
// chart with a table, and as CSV. The service decides who may see what.

func (h *Handler) trainingRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /training", h.signedIn(h.training))
	m.HandleFunc("GET /training/{table}", h.signedIn(h.trainingCSV))
}

type trainingView struct {
	N     *service.TrainingNeeds
	Share chart
	// GapsURL and ExpURL link a page of each table, but for its number.
	GapsURL, ExpURL string
	CSV             string // the downloads' query (the team chosen)
}

// trainingQuery reads the page's query. A page number that is not one (an
// edited or mistyped link) is refused, as the API refuses it, with every
// such problem; the tables then show their first pages.
func trainingQuery(r *http.Request) (service.TrainingNeedsQuery, domain.Problems) {
	q := r.URL.Query()
	var ps domain.Problems
	gp := pageNumber(&ps, q.Get("gaps_page"), "gaps_page", "gaps table")
	ep := pageNumber(&ps, q.Get("expiries_page"), "expiries_page", "expiries table")
	return service.TrainingNeedsQuery{Team: q.Get("team"), GapsPage: gp, ExpiriesPage: ep}, ps
}

// pageNumber is v as a page number from 1 (0 when v is empty: the first
// page), adding to ps when it is not one.
func pageNumber(ps *domain.Problems, v, field, of string) int {
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		ps.Add(field, "page", fmt.Sprintf("The page of the %s must be a number from 1, not %q.", of, v))
		return 0
	}
	return n
}

func (h *Handler) training(q *visit) error {
	in, refused := trainingQuery(q.r)
	n, err := h.svc.TrainingNeeds(q.r.Context(), q.a, in)
	if ps, ok := domain.AsProblems(err); ok && in.Team != "" {
		// A team outside the reader's command (a stale or edited link):
		// the page of the teams they do answer for, with the reason in
		// the error summary, rather than a bare error page.
		refused = append(refused, ps...)
		in.Team = ""
		n, err = h.svc.TrainingNeeds(q.r.Context(), q.a, in)
	}
	if err != nil {
		return err
	}
	v := trainingView{N: n, Share: shareChart(n)}
	// A page's link keeps the team and the other table's page; the
	// template appends the page number.
	pageLink := func(param, other string, otherPage int) string {
		u := url.Values{}
		if n.Team != "" {
			u.Set("team", n.Team)
		}
		u.Set(other, strconv.Itoa(otherPage))
		return "/training?" + u.Encode() + "&" + param + "="
	}
	v.GapsURL = pageLink("gaps_page", "expiries_page", n.ExpiriesPage)
	v.ExpURL = pageLink("expiries_page", "gaps_page", n.GapsPage)
	if n.Team != "" {
		v.CSV = "?team=" + url.QueryEscape(n.Team)
	}
	status := http.StatusOK
	if len(refused) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return h.render(q, status, "training", page{Title: "Training needs", Nav: "training", Data: v,
		Form: map[string]string{"team": n.Team}, Errors: refused})
}

// shareChart draws, per accreditation kind the policy requires, the share
// of each month's work done by officers holding it.
func shareChart(n *service.TrainingNeeds) chart {
	c := chart{ID: "share", Title: "Work done by accredited officers, by month",
		Summary: "Of the cases worked each month that the policy says need an accreditation of their owner, " +
			"the share whose owner held it at the month's end (or when the case closed).",
		Head: []string{"Month"}}
	var ss []series
	for _, sh := range n.Share {
		c.Head = append(c.Head, sh.KindLabel)
		pct := make([]float64, len(n.Months))
		for m := range n.Months {
			if sh.Worked[m] > 0 {
				pct[m] = float64(int(1000*float64(sh.Accredited[m])/float64(sh.Worked[m]))) / 10
			}
		}
		ss = append(ss, series{Name: sh.KindLabel, Values: pct})
	}
	labels := make([]string, len(n.Months))
	for m, month := range n.Months {
		labels[m] = monthLabel(month)
		row := []string{labels[m]}
		for _, sh := range n.Share {
			row = append(row, shareCell(sh.Accredited[m], sh.Worked[m]))
		}
		c.Rows = append(c.Rows, row)
	}
	c.SVG = barsUpTo("Share of work done by accredited officers, per cent", labels, ss, "%", 100)
	return c
}

// shareCell is "3 of 4 (75%)", or "no such work".
func shareCell(acc, worked int) string {
	if worked == 0 {
		return "no such work"
	}
	return fmt.Sprintf("%d of %d (%s%%)", acc, worked, num(float64(int(1000*float64(acc)/float64(worked)))/10))
}

// monthLabel is "Mar 2026" for "2026-03".
func monthLabel(ym string) string {
	t, err := time.Parse("2006-01", ym)
	if err != nil {
		return ym
	}
	return t.Format("Jan 2006")
}

// roleLabels say what the officer was given, in a sentence's middle.
var roleLabels = map[string]string{
	policy.NeedOwner:    "officer in charge",
	policy.NeedAction:   "line of enquiry",
	policy.NeedApprover: "closure approval",
}

// trainingCSV downloads one table of the page whole: gaps, expiries or
// share. Cells are made safe from spreadsheet formulas.
func (h *Handler) trainingCSV(q *visit) error {
	table := q.r.PathValue("table")
	in, _ := trainingQuery(q.r) // the downloads are whole: no page is read
	in.All = true
	var head []string
	switch table {
	case "gaps.csv":
		head = []string{"team", "officer", "lacks", "kind", "as", "cases", "under override"}
	case "expiries.csv":
		head = []string{"team", "officer", "accreditation", "kind", "last day", "needed by current work"}
	case "share.csv":
		head = []string{"month", "kind", "accreditation", "cases worked", "by accredited owner", "per cent"}
	default:
		return fmt.Errorf("no training table %q: %w", table, service.ErrNotFound)
	}
	n, err := h.svc.TrainingNeeds(q.r.Context(), q.a, in)
	if err != nil {
		return err
	}
	rows := [][]string{head}
	switch table {
	case "gaps.csv":
		for _, g := range n.Gaps {
			rows = append(rows, []string{g.Team, g.Person, g.KindLabel, g.Kind, roleLabels[g.As],
				strings.Join(g.Cases, " "), strconv.Itoa(g.Overridden)})
		}
	case "expiries.csv":
		for _, e := range n.Expiring {
			rows = append(rows, []string{e.Team, e.Person, e.KindLabel, e.Kind,
				e.Expires.In(clock.London).Format(time.DateOnly), yesNo(e.Needed)})
		}
	default:
		for m, month := range n.Months {
			for _, sh := range n.Share {
				pct := ""
				if sh.Worked[m] > 0 {
					pct = num(float64(int(1000*float64(sh.Accredited[m])/float64(sh.Worked[m]))) / 10)
				}
				rows = append(rows, []string{month, sh.Kind, sh.KindLabel, strconv.Itoa(sh.Worked[m]),
					strconv.Itoa(sh.Accredited[m]), pct})
			}
		}
	}
	w := q.w
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="training-`+table+`"`)
	cw := csv.NewWriter(w)
	for _, r := range rows {
		for i := range r {
			r[i] = cellSafe(r[i])
		}
		if err := cw.Write(r); err != nil {
			return nil // the client went away; nothing to tell it
		}
	}
	cw.Flush()
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// cellSafe stops a spreadsheet reading a cell as a formula (OWASP CSV
// injection): a name or a force's label could start with = + - or @.
func cellSafe(v string) string {
	if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
		return "'" + v
	}
	return v
}
