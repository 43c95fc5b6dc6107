package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/event"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
)

// caseView is everything the case page shows.
type caseView struct {
	Case     *domain.Case
	Timeline []*event.Event
	Teams    []*domain.Unit
	Officers []*domain.User // of the case's team, for allocation
	Outcomes []outcomeOpt
	Statuses []domain.SuspectStatus
	Contacts []string
	Checks   domain.Problems // the closure checklist
	Ready    bool
	Open     []domain.Action  // lines of enquiry not yet ended
	Findings []domain.Finding // unresolved watchdog findings
	Offered  []policy.StandardAction
}

type outcomeOpt struct{ Code, Title string }

func (h *Handler) caseView(ctx context.Context, q *visit, purpose string, withTimeline bool) (*caseView, error) {
	c, err := h.svc.ViewCase(ctx, q.a, request.RefOf(q.r), purpose)
	if err != nil {
		return nil, err
	}
	var tl []*event.Event
	if withTimeline {
		if tl, err = h.svc.Timeline(ctx, q.a, c.Ref); err != nil {
			return nil, err
		}
	}
	// Newest first, and the reads after the changes they followed.
	sort.SliceStable(tl, func(i, j int) bool { return tl[i].Seq > tl[j].Seq })
	v := &caseView{Case: c, Timeline: tl, Teams: h.teams(q.org),
		Statuses: domain.SuspectStatuses()[1:], // a suspect becomes unidentified only by being recorded so
		Contacts: domain.ContactKinds()}
	for _, u := range q.org.Users {
		if u.Active && u.UnitID == c.TeamID {
			v.Officers = append(v.Officers, u)
		}
	}
	sort.Slice(v.Officers, func(i, j int) bool { return v.Officers[i].Name < v.Officers[j].Name })
	for _, o := range h.svc.Policy().Outcomes {
		v.Outcomes = append(v.Outcomes, outcomeOpt{o.Code, o.Title})
	}
	v.Offered = h.svc.OfferedActions(c)
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
	return v, nil
}

func (h *Handler) caseRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /cases/{ref}", h.signedIn(h.casePage))
	m.HandleFunc("POST /cases/{ref}/do/{cmd}", h.signedIn(h.caseCommand))
	m.HandleFunc("GET /cases/{ref}/close", h.signedIn(h.closeJourney))
	m.HandleFunc("POST /cases/{ref}/close", h.signedIn(h.closeJourney))
	m.HandleFunc("GET /cases/{ref}/close/checklist", h.signedIn(h.closeChecklist))
}

func (h *Handler) casePage(q *visit) error {
	v, err := h.caseView(q.r.Context(), q, "case page", true)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "case", page{Title: v.Case.Ref, Nav: "cases", Data: v})
}

// caseForm is one form on the case page: what to say once it is done, and
// its command, which decodes the form into the service's own input struct.
type caseForm struct {
	done string
	run  func(ctx context.Context, a *service.Actor, caseID string, f url.Values) (*domain.Case, error)
}

// form is the case form of a service command: the form's fields are named
// by the struct's json tags (request.DecodeForm), the version included.
func form[In any](done string, fn func(context.Context, *service.Actor, string, In) (*domain.Case, error)) caseForm {
	return caseForm{
		done,
		func(ctx context.Context, a *service.Actor, caseID string, f url.Values) (*domain.Case, error) {
			var in In
			if err := request.DecodeForm(f, &in); err != nil {
				return nil, err
			}
			return fn(ctx, a, caseID, in)
		},
	}
}

// caseForms are the forms of the case page, by the name in their URL
// (POST /cases/{ref}/do/{name}).
func caseForms(s *service.Service) map[string]caseForm {
	return map[string]caseForm{
		"assign-owner":      form("Owner assigned", s.AssignOwner),
		"add-victim":        form("Victim added", s.AddVictim),
		"add-suspect":       form("Suspect added", s.AddSuspect),
		"raise-standard":    form("Standard action raised", s.RaiseAction),
		"raise-action":      form("Action raised", s.RaiseAction),
		"allocate-action":   form("Action allocated", s.AllocateAction),
		"result-action":     form("Result recorded", s.ResultAction),
		"file-action":       form("Action filed", s.FileAction),
		"refer-back-action": form("Action referred back", s.ReferBackAction),
		"cancel-action":     form("Action cancelled", s.CancelAction),
		"add-note":          form("Note added", s.AddNote),
		"contact-plan":      form("Contact plan agreed", s.AgreeContactPlan),
		"record-contact":    form("Contact recorded", s.RecordContact),
		"victim-view":       form("Victim's view recorded", s.RecordVictimView),
		"suspect-status":    form("Suspect status recorded", s.SetSuspectStatus),
		"review":            form("Review recorded", s.RecordReview),
		"plan":              form("Investigation plan set", s.SetPlan),
		"decision":          form("Decision recorded", s.RecordDecision),
		"transfer":          form("Transfer proposed", s.ProposeTransfer),
		"accept-transfer":   form("Transfer accepted", s.AcceptTransfer),
		"reject-transfer":   form("Transfer rejected", s.RejectTransfer),
		"approve-closure":   form("Closure approved: the case is closed", s.ApproveClosure),
		"reject-closure":    form("Closure sent back", s.RejectClosure),
		"reopen":            form("Case reopened", s.Reopen),
	}
}

// caseCommand runs one form's command. A refusal re-renders the case page
// with a GOV.UK error summary of every reason and changes nothing.
func (h *Handler) caseCommand(q *visit) error {
	ctx := q.r.Context()
	cmd, ok := h.forms[q.r.PathValue("cmd")]
	if !ok {
		return fmt.Errorf("no such command %q: %w", q.r.PathValue("cmd"), service.ErrNotFound)
	}
	id, err := h.svc.CaseID(ctx, q.a, request.RefOf(q.r))
	if err != nil {
		return err
	}
	c, err := cmd.run(ctx, q.a, id, q.r.PostForm)
	if err != nil {
		return h.refused(q, err)
	}
	q.redirectDone("/cases/"+request.PathRef(c.Ref), cmd.done)
	return nil
}

// refused shows the case again with every reason the command was refused.
func (h *Handler) refused(q *visit, err error) error {
	status := response.StatusOf(err)
	if status >= 500 || status == http.StatusNotFound {
		return err
	}
	ps, ok := domain.AsProblems(err)
	if ok {
		status = http.StatusUnprocessableEntity // a form that could not be read is refused like any other
	} else {
		ps = domain.Problems{{Rule: "refused", Message: err.Error()}}
	}
	v, verr := h.caseView(q.r.Context(), q, "case page after a refused command", true)
	if verr != nil {
		return verr
	}
	return h.render(q, status, "case", page{Title: v.Case.Ref, Nav: "cases", Errors: ps, Data: v,
		Form: formMap(q.r.PostForm)})
}

// closeJourney is Close case: the form, then the gate's checklist, then
// the proposal. Nothing is written until the officer proposes.
func (h *Handler) closeJourney(q *visit) error {
	ctx := q.r.Context()
	v, err := h.caseView(ctx, q, "close case journey", false)
	if err != nil {
		return err
	}
	f := q.r.URL.Query()
	if q.r.Method == http.MethodPost {
		f = q.r.PostForm
	}
	prop, perr := proposal(f)
	p := page{Title: "Close case " + v.Case.Ref, Nav: "cases", Data: v, Form: formMap(f)}
	if ps, ok := domain.AsProblems(perr); ok {
		p.Errors = ps
		return h.render(q, http.StatusUnprocessableEntity, "close", p)
	} else if perr != nil {
		return perr
	}
	if q.r.Method == http.MethodPost {
		checks, err := h.svc.CheckClosure(ctx, q.a, v.Case.Ref, prop)
		if err != nil {
			return err
		}
		v.Checks, v.Ready = checks, len(checks) == 0
		if f.Get("step") == "propose" && v.Ready {
			c, err := h.svc.ProposeClosure(ctx, q.a, v.Case.ID, prop)
			if err == nil {
				done := "Closure proposed: it now needs a second officer's approval"
				q.redirectDone("/cases/"+request.PathRef(c.Ref), done)
				return nil
			}
			ps, ok := domain.AsProblems(err)
			if !ok {
				return err
			}
			p.Errors = ps
			return h.render(q, http.StatusUnprocessableEntity, "close", p)
		}
		if !v.Ready {
			p.Errors = checks
			return h.render(q, http.StatusUnprocessableEntity, "close", p)
		}
	}
	return h.render(q, http.StatusOK, "close", p)
}

// closeChecklist is the checklist alone, as the officer fills the form in.
func (h *Handler) closeChecklist(q *visit) error {
	ctx := q.r.Context()
	v, err := h.caseView(ctx, q, "closure checklist", false)
	if err != nil {
		return err
	}
	f := q.r.URL.Query()
	if f.Get("outcome") != "" {
		prop, err := proposal(f)
		if err != nil {
			return err
		}
		if v.Checks, err = h.svc.CheckClosure(ctx, q.a, v.Case.Ref, prop); err != nil {
			return err
		}
		v.Ready = len(v.Checks) == 0
	}
	return h.fragment(q, "close", "checklist", page{Data: v, Form: formMap(f)})
}

// proposal reads the close-case form through the one decoder (its limits
// and its checks of the version). The page names the rationale's parts
// plainly; the decoder names a nested struct's fields "rationale.x".
func proposal(f url.Values) (service.ClosureProposal, error) {
	named := url.Values{"outcome": f["outcome"], "version": f["version"]}
	for _, k := range []string{"lines_considered", "why_none_remain", "suspects_status", "victim_view"} {
		named["rationale."+k] = f[k]
	}
	var in service.ClosureProposal
	err := request.DecodeForm(named, &in)
	return in, err
}

func formMap(f url.Values) map[string]string {
	m := map[string]string{}
	for k := range f {
		if k != "csrf" {
			m[k] = f.Get(k)
		}
	}
	return m
}

func splitList(s string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
