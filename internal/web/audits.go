package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/audit"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/offence"
	"github.com/holdfast/holdfast/internal/service"
)

// The audit team's pages: audits under way and the triage queue, planning
// an audit (from a preset or own criteria, checked before it is recorded),
// an audit's sample with assignment, a reviewer's reviews, the review form
// with findings, a second reviewer's sign-off or send-back — and, for
// whoever owes one, the answer to an audit finding.
func (h *Handler) auditRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /audits", h.signedIn(h.audits))
	m.HandleFunc("GET /audits/new", h.signedIn(h.auditNew))
	m.HandleFunc("POST /audits/new", h.signedIn(h.auditCheck))
	m.HandleFunc("POST /audits", h.signedIn(h.auditCreate))
	m.HandleFunc("GET /audits/reviews", h.signedIn(h.myReviews))
	m.HandleFunc("GET /audits/findings", h.signedIn(h.owedFindings))
	m.HandleFunc("GET /audits/findings/{ref}/{finding}", h.signedIn(h.findingPage))
	m.HandleFunc("POST /audits/findings/{ref}/{finding}", h.signedIn(h.findingAnswer))
	m.HandleFunc("GET /audits/{id}", h.signedIn(h.auditReport))
	m.HandleFunc("POST /audits/{id}/assign", h.signedIn(h.assignMany))
	m.HandleFunc("GET /audits/{id}/cases/{ref}/assign", h.signedIn(h.assignPage))
	m.HandleFunc("POST /audits/{id}/cases/{ref}/assign", h.signedIn(h.assign))
	m.HandleFunc("GET /audits/{id}/cases/{ref}/review", h.signedIn(h.reviewPage))
	m.HandleFunc("POST /audits/{id}/cases/{ref}/review", h.signedIn(h.review))
	m.HandleFunc("GET /audits/{id}/cases/{ref}/sign-off", h.signedIn(h.signOffPage))
	m.HandleFunc("POST /audits/{id}/cases/{ref}/sign-off", h.signedIn(h.signOff))
}

// triagePageSize is how many cases a page of the triage queue shows.
const triagePageSize = 25

type auditsPage struct {
	Audits  []service.AuditSummary
	Triage  *service.TriageResult
	Rows    []triageRow
	Preset  string
	Presets []string
	Pages   pagination
	Owed    int // audit findings the reader is to answer
	Auditor bool
	// Reviewed is how many cases meeting the rest of the criteria the
	// triage leaves out as already independently reviewed: with the
	// periods, why an audit's population differs from the triage's count.
	Reviewed int
}

// auditPeriod says which closures an audit counts: "closed from 1 January
// 2012 to 31 December 2022", or "closed at any time".
func auditPeriod(from, to string) string {
	day := func(s string) string {
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t.Format("2 January 2006")
		}
		return s
	}
	switch {
	case from != "" && to != "":
		return "closed from " + day(from) + " to " + day(to)
	case from != "":
		return "closed from " + day(from)
	case to != "":
		return "closed up to " + day(to)
	}
	return "closed at any time"
}

// triageRow is one case of the queue as the page shows it.
type triageRow struct {
	audit.Entry
	OutcomeTitle string
	Why          []whyLine
}

type whyLine struct{ Label, Detail string }

// pagination is the GOV.UK pagination component's model.
type pagination struct {
	Page, Pages int
	Prev, Next  string
	Items       []pageItem
	From, To    int
	Total       int
}

type pageItem struct {
	Number   int
	Href     string
	Current  bool
	Ellipsis bool
}

func newPagination(page, size, total int, href func(int) string) pagination {
	p := pagination{Page: page, Pages: (total + size - 1) / size, Total: total}
	if p.Pages == 0 {
		p.Pages = 1
	}
	p.From, p.To = (page-1)*size+1, min(page*size, total)
	if total == 0 {
		p.From = 0
	}
	if page > 1 {
		p.Prev = href(page - 1)
	}
	if page < p.Pages {
		p.Next = href(page + 1)
	}
	for n := 1; n <= p.Pages; n++ {
		near := n == 1 || n == p.Pages || (n >= page-1 && n <= page+1)
		if !near {
			if l := len(p.Items); l == 0 || !p.Items[l-1].Ellipsis {
				p.Items = append(p.Items, pageItem{Ellipsis: true})
			}
			continue
		}
		p.Items = append(p.Items, pageItem{Number: n, Href: href(n), Current: n == page})
	}
	return p
}

// shortDetail keeps a reason's detail readable in a table cell: a long
// list of linked cases is cut, with how much was left out.
func shortDetail(s string) string {
	const max = 220
	if len(s) <= max {
		return s
	}
	cut := strings.LastIndexAny(s[:max], " ,;")
	if cut < max/2 {
		cut = max
	}
	return s[:cut] + " …"
}

// outcomeTitle names a triage row's outcome as every page does
// (policy.OutcomeLabel), or says there is none.
func (h *Handler) outcomeTitle(code string) string {
	if code == "" {
		return "No outcome recorded"
	}
	return h.svc.Policy().OutcomeLabel(code)
}

// audits is the audit team's page: audits under way, and a page of the
// triage queue of closed cases with the reasons for each one's place.
func (h *Handler) audits(q *visit) error {
	ctx := q.r.Context()
	list, err := h.svc.Audits(ctx, q.a)
	if err != nil {
		return err
	}
	qs := q.r.URL.Query()
	p := auditsPage{Audits: list, Preset: qs.Get("preset"), Auditor: q.a.User.HasRole(domain.RoleAuditor)}
	for _, c := range audit.Presets() {
		p.Presets = append(p.Presets, c.Name)
	}
	if p.Preset == "" {
		p.Preset = audit.PresetBeaconport
	}
	n, _ := strconv.Atoi(qs.Get("page"))
	if n < 1 {
		n = 1
	}
	if p.Triage, err = h.svc.Triage(ctx, q.a, service.TriageRequest{Preset: p.Preset, Limit: triagePageSize,
		Offset: (n - 1) * triagePageSize}); err != nil {
		return err
	}
	p.Reviewed = p.Triage.Summary.Excluded[audit.ExReviewed]
	for _, e := range p.Triage.Queue {
		row := triageRow{Entry: e, OutcomeTitle: h.outcomeTitle(e.Outcome)}
		for _, r := range e.Reasons {
			row.Why = append(row.Why, whyLine{Label: audit.ReasonLabel(r.Code), Detail: domain.Capitalise(shortDetail(r.Detail))})
		}
		p.Rows = append(p.Rows, row)
	}
	preset := p.Preset
	p.Pages = newPagination(n, triagePageSize, p.Triage.Total, func(n int) string {
		return "/audits?" + url.Values{"preset": {preset}, "page": {strconv.Itoa(n)}}.Encode() + "#triage"
	})
	if owed, err := h.svc.OwedFindingCount(ctx, q.a); err == nil {
		p.Owed = owed
	}
	return h.render(q, http.StatusOK, "audits", page{Title: "Audits", Nav: "audits", Data: p})
}

// planForm is the plan page's model.
type planForm struct {
	Presets  []string
	Margins  [][]string
	Outcomes [][]string
	Offences []offenceGroup
	Preview  *service.AuditPreview
	// Change is the plan form filled in as sent: the check page's Change
	// links return to it with nothing lost.
	Change string
}

// auditMargins are the margins of error a plan offers, narrowest first:
// the narrower the margin, the more cases to review.
var auditMargins = [][]string{
	{"0.03", "Within 3 percentage points (the most cases to review)"},
	{"0.05", "Within 5 percentage points"},
	{"0.1", "Within 10 percentage points (the fewest cases to review)"},
}

// offenceGroupLabels name the classification's groups (offence.Groups)
// on the plan form.
var offenceGroupLabels = map[string]string{
	offence.GroupRape:                "Rape",
	offence.GroupSexualAssault:       "Sexual assault",
	offence.GroupChildSexualActivity: "Sexual activity with a child",
	offence.GroupExploitation:        "Exploitation",
	offence.GroupOtherSexual:         "Other sexual offences",
	offence.GroupOther:               "Other offences",
	offence.GroupFlag:                "Crime flags",
}

// offenceGroup is one group of the plan form's offence checkboxes.
type offenceGroup struct {
	Key, Label string
	Offences   []offenceChoice
}

type offenceChoice struct {
	Code, Title string
	Checked     bool
}

// offenceGroups are the classification's offences by group, in its order,
// those chosen ticked: an auditor picks offences by name, and the plan
// records their codes.
func offenceGroups(chosen []string) []offenceGroup {
	all := offence.Current().All()
	var out []offenceGroup
	for _, g := range offence.Groups() {
		og := offenceGroup{Key: g, Label: offenceGroupLabels[g]}
		for _, o := range all {
			if o.Group == g {
				og.Offences = append(og.Offences, offenceChoice{Code: o.Code, Title: o.Title,
					Checked: slices.Contains(chosen, o.Code)})
			}
		}
		if len(og.Offences) > 0 {
			out = append(out, og)
		}
	}
	return out
}

// planFields are the plan form's fields a problem may be put on (each
// with an element of id f-<field> for the error summary to link to).
var planFields = []string{"name", "preset", "reported_from", "reported_to", "offence_types", "min_suspects",
	"closed_from", "closed_to", "margin", "risk_top", "seed"}

// planProblems puts the service's problems with own criteria on the plan
// form's fields ("criteria.min_suspects" is the field min_suspects):
// every offence the service refuses is a problem with the offences
// chosen, and a problem with criteria the form does not ask (outcomes,
// victims) is one with the choice of closed cases.
func planProblems(ps domain.Problems) domain.Problems {
	out := make(domain.Problems, 0, len(ps))
	for _, p := range ps {
		f := strings.TrimPrefix(p.Field, "criteria.")
		if i := strings.IndexByte(f, '['); i >= 0 {
			f = f[:i]
		}
		base, _, _ := strings.Cut(f, "-") // a part of a date: closed_from-day
		switch {
		case slices.Contains(planFields, base):
			p.Field = f
		case p.Field != "":
			p.Field = "preset"
		}
		out = append(out, p)
	}
	return out
}

func (h *Handler) planForm(prev *service.AuditPreview, form map[string]string) planForm {
	f := planForm{Preview: prev, Margins: auditMargins, Offences: offenceGroups(splitList(form["offence_types"]))}
	for _, c := range audit.Presets() {
		f.Presets = append(f.Presets, c.Name)
	}
	pol := h.svc.Policy()
	for _, o := range pol.Outcomes {
		f.Outcomes = append(f.Outcomes, []string{o.Code, pol.OutcomeLabel(o.Code)})
	}
	return f
}

func (h *Handler) auditNew(q *visit) error {
	if !q.a.User.HasRole(domain.RoleAuditor) {
		return fmt.Errorf("planning an audit is for auditors: %w", service.ErrForbidden)
	}
	form := map[string]string{"preset": audit.PresetBeaconport, "margin": "0.05", "risk_top": "10"}
	if qs := q.r.URL.Query(); qs.Get("preset") != "" { // back from Check the audit plan, to change it
		form = formMap(qs)
		form["outcomes"] = strings.Join(qs["outcomes"], ",")
		form["offence_types"] = strings.Join(qs["offence_types"], ",")
	}
	return h.render(q, http.StatusOK, "audit_plan", page{Title: "Plan an audit", Nav: "audits",
		Data: h.planForm(nil, form), Form: form})
}

// planInput reads the plan form: a preset, or own criteria.
func planInput(f url.Values) (service.NewAudit, domain.Problems) {
	var p domain.Problems
	date := func(name, label string) string {
		if !request.HasDateInput(f, name) {
			return f.Get(name) // an ISO date, as the API takes it
		}
		iso, bad := request.DateInput(f, name, label)
		if bad != nil {
			p = append(p, *bad)
		}
		return iso
	}
	in := service.NewAudit{Name: f.Get("name"), ClosedFrom: date("closed_from", "Closed from"),
		ClosedTo: date("closed_to", "Closed to"), Seed: strings.TrimSpace(f.Get("seed"))}
	in.Margin, _ = strconv.ParseFloat(f.Get("margin"), 64)
	if v := strings.TrimSpace(f.Get("risk_top")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			p.Add("risk_top", "whole_number", "Give the number of riskiest cases to add as a whole number")
		}
		in.RiskTop = n
	}
	if f.Get("preset") == "own" {
		cr := &domain.AuditCriteria{Name: "own", ReportedFrom: date("reported_from", "Reported from"),
			ReportedTo: date("reported_to", "Reported to"), Outcomes: f["outcomes"], LivingSuspect: f.Get("living_suspect") != "",
			NotIndependentlyReviewed: f.Get("not_reviewed") != ""}
		if v := strings.TrimSpace(f.Get("min_suspects")); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				p.Add("min_suspects", "whole_number", "Give the least number of suspects as a whole number")
			}
			cr.MinSuspects = n
		}
		// Ticked offences come one a value; the check page sends them
		// back joined.
		for _, v := range f["offence_types"] {
			cr.OffenceTypes = append(cr.OffenceTypes, splitList(v)...)
		}
		in.Criteria = cr
	} else {
		in.Preset = f.Get("preset")
	}
	return in, p
}

// auditCheck is the "check your answers" step: what the plan would
// sample, before anything is recorded.
func (h *Handler) auditCheck(q *visit) error {
	in, p := planInput(q.r.PostForm)
	var prev *service.AuditPreview
	var err error = p.Err()
	if err == nil {
		prev, err = h.svc.PreviewAudit(q.r.Context(), q.a, in)
	}
	form := formMap(q.r.PostForm)
	form["outcomes"] = strings.Join(q.r.PostForm["outcomes"], ",")
	form["offence_types"] = strings.Join(q.r.PostForm["offence_types"], ",")
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(q, http.StatusUnprocessableEntity, "audit_plan", page{Title: "Plan an audit",
			Nav: "audits", Errors: planProblems(ps), Data: h.planForm(nil, form), Form: form})
	}
	if err != nil {
		return err
	}
	sent := url.Values{}
	for k, v := range q.r.PostForm {
		if k != "csrf" {
			sent[k] = v
		}
	}
	pf := h.planForm(prev, form)
	pf.Change = "/audits/new?" + sent.Encode()
	return h.render(q, http.StatusOK, "audit_plan", page{Title: "Check the audit plan", Nav: "audits",
		Data: pf, Form: form})
}

func (h *Handler) auditCreate(q *visit) error {
	f := q.r.PostForm
	// The check page sends the outcomes joined, and none as one empty
	// value: that is no outcome, not an outcome "" to be refused.
	f["outcomes"] = splitList(strings.Join(f["outcomes"], ","))
	in, p := planInput(f)
	var au *domain.Audit
	var err error = p.Err()
	if err == nil {
		au, err = h.svc.CreateAudit(q.r.Context(), q.a, in)
	}
	if ps, ok := domain.AsProblems(err); ok {
		form := formMap(f)
		form["offence_types"] = strings.Join(f["offence_types"], ",")
		return h.render(q, http.StatusUnprocessableEntity, "audit_plan", page{Title: "Plan an audit",
			Nav: "audits", Errors: planProblems(ps), Data: h.planForm(nil, form), Form: form})
	}
	if err != nil {
		return err
	}
	q.redirectDone("/audits/"+url.PathEscape(au.ID), fmt.Sprintf("Audit planned: %d cases sampled from %d, "+
		"seed %s. Assign each to a reviewer", len(au.Cases), au.Population, au.Seed))
	return nil
}

// auditView is an audit's page: its report and its sample, with (for an
// auditor) the form assigning the cases ticked to one reviewer.
type auditView struct {
	Audit   *domain.Audit
	Report  *service.AuditReport
	Auditor bool
	Me      string
	// Reviewers are the force's auditors to choose from, by rank and name.
	Reviewers [][]string
	// Ticked are the references of the cases ticked to assign.
	Ticked map[string]bool
	// Assignable counts the cases still to be reviewed: unassigned or
	// assigned, not yet submitted.
	Assignable int
}

// assignable says whether a sampled case may still be (re)assigned.
func assignable(ac domain.AuditCase) bool {
	return ac.Status == domain.AuditCaseUnassigned || ac.Status == domain.AuditCaseAssigned
}

func (h *Handler) auditReport(q *visit) error {
	v, err := h.auditView(q)
	if err != nil {
		return err
	}
	if q.r.URL.Query().Get("select") == "unassigned" { // "Select all unassigned", without a script
		for _, ac := range v.Audit.Cases {
			if ac.Status == domain.AuditCaseUnassigned {
				v.Ticked[ac.Ref] = true
			}
		}
	}
	return h.render(q, http.StatusOK, "audit", page{Title: "Audit " + v.Audit.Name, Nav: "audits", Data: v,
		Form: map[string]string{}})
}

func (h *Handler) auditView(q *visit) (*auditView, error) {
	ctx := q.r.Context()
	au, rep, err := h.svc.AuditWithReport(ctx, q.a, q.r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	v := &auditView{Audit: au, Report: rep, Auditor: q.a.User.HasRole(domain.RoleAuditor), Me: q.a.ID(),
		Ticked: map[string]bool{}}
	for _, ac := range au.Cases {
		if assignable(ac) {
			v.Assignable++
		}
	}
	if v.Auditor && v.Assignable > 0 {
		// The force's auditors are the same for every case: those of the
		// first case to assign, conflicts aside (the command refuses them
		// case by case).
		for _, ac := range au.Cases {
			if !assignable(ac) {
				continue
			}
			opts, err := h.svc.ReviewerOptions(ctx, q.a, au.ID, ac.CaseID)
			if err != nil {
				return nil, err
			}
			v.Reviewers = [][]string{{"", "Choose a reviewer"}}
			for _, o := range opts {
				v.Reviewers = append(v.Reviewers, []string{o.User.ID, fmt.Sprintf("%s (%d %s in hand)",
					rankedName(o.User), o.Assigned, audWord(o.Assigned, "review", "reviews"))})
			}
			break
		}
	}
	return v, nil
}

// assignMany assigns the cases ticked on the audit's page to one
// reviewer, all or none (docs/audits.md): refused, the page lists every
// refused case with its reasons, each linked to its box, still ticked.
func (h *Handler) assignMany(q *visit) error {
	v, err := h.auditView(q)
	if err != nil {
		return err
	}
	f := q.r.PostForm
	in := service.AssignReviews{Audit: v.Audit.ID, Cases: f["cases"], Reviewer: f.Get("reviewer")}
	acs, err := h.svc.AssignReviews(q.r.Context(), q.a, in)
	if ps, ok := domain.AsProblems(err); ok {
		for i := range ps {
			var n int
			if _, e := fmt.Sscanf(ps[i].Field, "cases[%d]", &n); e == nil {
				ps[i].Field = "cases" // a case not of the sample has no box of its own
				if n >= 0 && n < len(in.Cases) && slices.ContainsFunc(v.Audit.Cases, func(ac domain.AuditCase) bool {
					return ac.Ref == in.Cases[n]
				}) {
					ps[i].Field = "cases-" + request.PathRef(in.Cases[n])
				}
			}
		}
		for _, ref := range in.Cases {
			v.Ticked[ref] = true
		}
		return h.render(q, http.StatusUnprocessableEntity, "audit", page{Title: "Audit " + v.Audit.Name,
			Nav: "audits", Errors: ps, Data: v, Form: map[string]string{"reviewer": in.Reviewer}})
	}
	if err != nil {
		return err
	}
	name := in.Reviewer
	if u := q.org.Users[in.Reviewer]; u != nil {
		name = rankedName(u)
	}
	q.redirectDone("/audits/"+url.PathEscape(v.Audit.ID)+"#sample", fmt.Sprintf("%d %s assigned to %s",
		len(acs), audWord(len(acs), "case", "cases"), name))
	return nil
}

// sampledCase finds the audit and its sampled case named by the path.
func (h *Handler) sampledCase(q *visit) (*domain.Audit, *domain.AuditCase, error) {
	ctx := q.r.Context()
	id, err := h.svc.CaseID(ctx, q.a, request.RefOf(q.r))
	if err != nil {
		return nil, nil, err
	}
	au, err := h.svc.Audit(ctx, q.a, q.r.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	ac := au.Case(id)
	if ac == nil {
		return nil, nil, service.ErrNotFound
	}
	return au, ac, nil
}

type assignView struct {
	Audit   *domain.Audit
	Case    *domain.AuditCase
	Options []service.ReviewerOption
}

func (h *Handler) assignView(q *visit) (*assignView, error) {
	au, ac, err := h.sampledCase(q)
	if err != nil {
		return nil, err
	}
	opts, err := h.svc.ReviewerOptions(q.r.Context(), q.a, au.ID, ac.CaseID)
	if err != nil {
		return nil, err
	}
	return &assignView{Audit: au, Case: ac, Options: opts}, nil
}

func (h *Handler) assignPage(q *visit) error {
	v, err := h.assignView(q)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "audit_assign", page{Title: "Assign " + v.Case.Ref, Nav: "audits", Data: v,
		Form: map[string]string{"reviewer": v.Case.Reviewer}})
}

func (h *Handler) assign(q *visit) error {
	v, err := h.assignView(q)
	if err != nil {
		return err
	}
	in := service.AssignReview{Audit: v.Audit.ID, Case: v.Case.CaseID, Reviewer: q.r.PostForm.Get("reviewer")}
	if in.Reviewer == "" {
		err = domain.Problems{{Field: "reviewer", Rule: "required", Message: "Choose a reviewer"}}
	} else {
		_, err = h.svc.AssignReview(q.r.Context(), q.a, in)
	}
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(q, http.StatusUnprocessableEntity, "audit_assign", page{Title: "Assign " + v.Case.Ref,
			Nav: "audits", Errors: ps, Data: v, Form: formMap(q.r.PostForm)})
	}
	if err != nil {
		return err
	}
	name := in.Reviewer
	if u := q.org.Users[in.Reviewer]; u != nil {
		name = rankedName(u)
	}
	q.redirectDone("/audits/"+url.PathEscape(v.Audit.ID), v.Case.Ref+" assigned to "+name)
	return nil
}

func (h *Handler) myReviews(q *visit) error {
	r, err := h.svc.MyReviews(q.r.Context(), q.a)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "audit_reviews", page{Title: "My reviews", Nav: "reviews", Data: r})
}

// reviewView is the review form beside the sampled case, read-only.
type reviewView struct {
	SignOff  bool // the second reviewer's page: the review beside the case
	Audit    *domain.Audit
	AC       *domain.AuditCase
	Case     *domain.Case
	Outcome  string
	Kinds    []string
	Slots    []int
	Accounts [][]string
	Pursued  [][]string
	Justify  [][]string
	Actions  [][]string
}

func (h *Handler) reviewView(q *visit, purpose string) (*reviewView, error) {
	au, ac, err := h.sampledCase(q)
	if err != nil {
		return nil, err
	}
	c, err := h.svc.ViewCase(q.r.Context(), q.a, ac.Ref, purpose)
	if err != nil {
		return nil, err
	}
	return &reviewView{Audit: au, AC: ac, Case: c, Outcome: h.outcomeTitle(c.Outcome),
		Kinds: domain.AuditFindingKinds, Slots: []int{0, 1, 2},
		Accounts: [][]string{{domain.AccountBestPractice, "Taken to best practice"},
			{domain.AccountBelowBest, "Taken, below best practice"}, {domain.AccountNotTaken, "Not taken"},
			{domain.AccountNotApplicable, "Not applicable"}},
		Pursued: [][]string{{domain.PursuedAll, "All of them"}, {domain.PursuedSome, "Some of them"},
			{domain.PursuedNone, "None of them"}, {domain.PursuedNoSuspects, "The case has no suspect"}},
		Justify: [][]string{{domain.JustifiedYes, "Yes"}, {domain.JustifiedPartly, "Partly"},
			{domain.JustifiedNo, "No"}},
		Actions: [][]string{{domain.ActionNone, "Nothing more"}, {domain.ActionReopen, "Reopen the case"},
			{domain.ActionProfessionalStandards, "Refer to professional standards"},
			{domain.ActionVictimContact, "Contact the victim"}},
	}, nil
}

func (h *Handler) reviewPage(q *visit) error {
	v, err := h.reviewView(q, "audit review")
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "audit_review", page{Title: "Review " + v.AC.Ref, Nav: "reviews", Data: v,
		Form: map[string]string{}})
}

func (h *Handler) review(q *visit) error {
	v, err := h.reviewView(q, "audit review")
	if err != nil {
		return err
	}
	f := q.r.PostForm
	var in service.ReviewSubmission
	err = request.DecodeForm(f, &in)
	in.Audit, in.Case = v.Audit.ID, v.AC.CaseID
	for _, i := range v.Slots {
		pre := fmt.Sprintf("findings[%d].", i)
		if f.Get(pre+"kind") == "" && strings.TrimSpace(f.Get(pre+"detail")) == "" {
			continue
		}
		in.Findings = append(in.Findings, service.NewAuditFinding{Kind: f.Get(pre + "kind"),
			Severity: f.Get(pre + "severity"), Detail: f.Get(pre + "detail"), Action: f.Get(pre + "action")})
	}
	if err == nil {
		_, err = h.svc.SubmitReview(q.r.Context(), q.a, in)
	}
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(q, http.StatusUnprocessableEntity, "audit_review", page{Title: "Review " + v.AC.Ref,
			Nav: "reviews", Errors: ps, Data: v, Form: formMap(f)})
	}
	if err != nil {
		return err
	}
	msg := "Review of " + v.AC.Ref + " submitted"
	if len(in.Findings) > 0 {
		msg += fmt.Sprintf(" with %d %s", len(in.Findings), audWord(len(in.Findings), "finding", "findings"))
	} else if v.AC.HighRisk {
		msg += ": a second reviewer will sign it off"
	}
	q.redirectDone("/audits/reviews", msg)
	return nil
}

func audWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func (h *Handler) signOffPage(q *visit) error {
	v, err := h.reviewView(q, "audit sign-off")
	if err != nil {
		return err
	}
	v.SignOff = true
	return h.render(q, http.StatusOK, "audit_review", page{Title: "Sign off the review of " + v.AC.Ref,
		Nav: "reviews", Data: v, Form: map[string]string{}})
}

func (h *Handler) signOff(q *visit) error {
	v, err := h.reviewView(q, "audit sign-off")
	if err != nil {
		return err
	}
	v.SignOff = true
	f := q.r.PostForm
	in := service.SignOff{Audit: v.Audit.ID, Case: v.AC.CaseID, Note: f.Get("note")}
	switch f.Get("agree") {
	case "yes":
		in.Agree = true
	case "no":
	default:
		err = domain.Problems{{Field: "agree", Rule: "required", Message: "Choose whether you agree with the review"}}
	}
	if err == nil {
		_, err = h.svc.SignOff(q.r.Context(), q.a, in)
	}
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(q, http.StatusUnprocessableEntity, "audit_review", page{
			Title: "Sign off the review of " + v.AC.Ref, Nav: "reviews", Errors: ps, Data: v, Form: formMap(f)})
	}
	if err != nil {
		return err
	}
	msg := "Review of " + v.AC.Ref + " signed off: it is complete"
	if !in.Agree {
		msg = "Review of " + v.AC.Ref + " sent back to its reviewer with your note"
	}
	q.redirectDone("/audits/reviews", msg)
	return nil
}

func (h *Handler) owedFindings(q *visit) error {
	fs, err := h.svc.OwedFindings(q.r.Context(), q.a)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "audit_findings", page{Title: "Audit findings to answer", Nav: "audits",
		Data: fs})
}

func (h *Handler) findingPage(q *visit) error {
	f, err := h.svc.AuditFindingOn(q.r.Context(), q.a, request.RefOf(q.r), q.r.PathValue("finding"))
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "audit_finding", page{Title: "Answer the audit finding on " + f.Ref,
		Nav: "audits", Data: f, Form: map[string]string{}})
}

func (h *Handler) findingAnswer(q *visit) error {
	ctx := q.r.Context()
	f, err := h.svc.AuditFindingOn(ctx, q.a, request.RefOf(q.r), q.r.PathValue("finding"))
	if err != nil {
		return err
	}
	var in service.AnswerFinding
	err = request.DecodeForm(q.r.PostForm, &in)
	in.Finding = f.Finding.ID
	if err == nil {
		_, err = h.svc.AnswerFinding(ctx, q.a, f.CaseID, in)
	}
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(q, http.StatusUnprocessableEntity, "audit_finding", page{
			Title: "Answer the audit finding on " + f.Ref, Nav: "audits", Errors: ps, Data: f,
			Form: formMap(q.r.PostForm)})
	}
	if err != nil {
		return err
	}
	q.redirectDone("/audits/findings", "Your answer to the audit finding on "+f.Ref+" is recorded")
	return nil
}
