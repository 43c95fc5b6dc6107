package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
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

func (h *Handler) casePage(q *visit) error {
	v, err := h.caseView(q.r.Context(), q, "case page", true)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "case", page{Title: v.Case.Ref, Nav: "cases", Data: v})
}

// command is one form on the case page.
type command struct {
	done string
	run  func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error)
}

var caseCommands = map[string]command{
	"assign-owner": {"Owner assigned", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.AssignOwner(ctx, a, c.ID, service.AssignOwner{Version: v, OwnerID: f.Get("owner_id"), Reason: f.Get("reason")})
	}},
	"add-victim": {"Victim added", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.AddVictim(ctx, a, c.ID, service.NewVictim{Version: v, Name: f.Get("name"), DateOfBirth: f.Get("dob"), Contact: f.Get("contact"), Vulnerable: f.Get("vulnerable") == "yes"})
	}},
	"add-suspect": {"Suspect added", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.AddSuspect(ctx, a, c.ID, service.NewSuspect{Version: v, Name: f.Get("name"), Description: f.Get("description"), DateOfBirth: f.Get("dob"),
			Phone: f.Get("phone"), Vehicle: f.Get("vehicle"), Address: f.Get("address")})
	}},
	"raise-standard": {"Standard action raised", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.RaiseAction(ctx, a, c.ID, service.NewAction{Version: v, Standard: f.Get("standard")})
	}},
	"raise-action": {"Action raised", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.RaiseAction(ctx, a, c.ID, service.NewAction{Version: v, Title: f.Get("title"), Description: f.Get("description"), Priority: f.Get("priority")})
	}},
	"allocate-action": {"Action allocated", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.AllocateAction(ctx, a, c.ID, service.AllocateAction{Version: v, Action: f.Get("action"), To: f.Get("to"), Target: f.Get("target")})
	}},
	"result-action": {"Result recorded", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.ResultAction(ctx, a, c.ID, service.ResultAction{Version: v, Action: f.Get("action"), Result: f.Get("result")})
	}},
	"file-action": {"Action filed", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.FileAction(ctx, a, c.ID, service.FileAction{Version: v, Action: f.Get("action")})
	}},
	"refer-back-action": {"Action referred back", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.ReferBackAction(ctx, a, c.ID, service.ReferBackAction{Version: v, Action: f.Get("action"), Direction: f.Get("direction")})
	}},
	"cancel-action": {"Action cancelled", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.CancelAction(ctx, a, c.ID, service.CancelAction{Version: v, Action: f.Get("action"), Reason: f.Get("reason")})
	}},
	"add-note": {"Note added", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.AddNote(ctx, a, c.ID, service.NewNote{Version: v, Text: f.Get("text")})
	}},
	"contact-plan": {"Contact plan agreed", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		n, err := strconv.Atoi(f.Get("every_days"))
		if err != nil {
			return nil, domain.Problems{{Field: "every_days", Rule: "whole_number", Message: "Enter how often to contact the victim, in days, as a whole number"}}
		}
		return s.AgreeContactPlan(ctx, a, c.ID, service.AgreeContactPlan{Version: v, Victim: f.Get("victim"), EveryDays: n, Method: f.Get("method")})
	}},
	"record-contact": {"Contact recorded", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.RecordContact(ctx, a, c.ID, service.RecordContact{Version: v, Victim: f.Get("victim"), Kind: f.Get("kind"), Method: f.Get("method"), Note: f.Get("note")})
	}},
	"victim-view": {"Victim's view recorded", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.RecordVictimView(ctx, a, c.ID, service.RecordVictimView{Version: v, Victim: f.Get("victim"), View: f.Get("view")})
	}},
	"suspect-status": {"Suspect status recorded", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.SetSuspectStatus(ctx, a, c.ID, service.SetSuspectStatus{Version: v, Suspect: f.Get("suspect"), Status: domain.SuspectStatus(f.Get("status")), On: f.Get("on"), Explanation: f.Get("explanation")})
	}},
	"review": {"Review recorded", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.RecordReview(ctx, a, c.ID, service.RecordReview{Version: v, Summary: f.Get("summary"), Directions: splitLines(f.Get("directions"))})
	}},
	"plan": {"Investigation plan set", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.SetPlan(ctx, a, c.ID, service.SetPlan{Version: v, Plan: f.Get("plan")})
	}},
	"decision": {"Decision recorded", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.RecordDecision(ctx, a, c.ID, service.RecordDecision{Version: v, Decision: f.Get("decision"), Rationale: f.Get("rationale")})
	}},
	"transfer": {"Transfer proposed", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.ProposeTransfer(ctx, a, c.ID, service.ProposeTransfer{Version: v, ToTeam: f.Get("to_team"), Reason: f.Get("reason")})
	}},
	"accept-transfer": {"Transfer accepted", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.AcceptTransfer(ctx, a, c.ID, service.AcceptTransfer{Version: v, OwnerID: f.Get("owner_id")})
	}},
	"reject-transfer": {"Transfer rejected", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.RejectTransfer(ctx, a, c.ID, service.RejectTransfer{Version: v, Reason: f.Get("reason")})
	}},
	"approve-closure": {"Closure approved: the case is closed", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.ApproveClosure(ctx, a, c.ID, service.ApproveClosure{Version: v})
	}},
	"reject-closure": {"Closure sent back", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.RejectClosure(ctx, a, c.ID, service.RejectClosure{Version: v, Reason: f.Get("reason")})
	}},
	"reopen": {"Case reopened", func(ctx context.Context, s *service.Service, a *service.Actor, c *domain.Case, v int64, f url.Values) (*domain.Case, error) {
		return s.Reopen(ctx, a, c.ID, service.Reopen{Version: v, Reason: f.Get("reason")})
	}},
}

// caseCommand runs one form's command. A refusal re-renders the case page
// with a GOV.UK error summary of every reason and changes nothing.
func (h *Handler) caseCommand(q *visit) error {
	ctx := q.r.Context()
	cmd, ok := caseCommands[q.r.PathValue("cmd")]
	if !ok {
		return fmt.Errorf("no such command %q: %w", q.r.PathValue("cmd"), service.ErrNotFound)
	}
	id, err := h.svc.CaseID(ctx, q.a, request.RefOf(q.r))
	if err != nil {
		return err
	}
	v, err := strconv.ParseInt(q.r.PostForm.Get("version"), 10, 64)
	if err != nil {
		return domain.Problems{{Field: "version", Rule: "required", Message: "The form did not say which version of the case it was based on: reload the page"}}
	}
	c, err := cmd.run(ctx, h.svc, q.a, &domain.Case{ID: id}, v, q.r.PostForm)
	if err != nil {
		return h.refused(q, err)
	}
	q.redirectDone("/cases/"+request.PathRef(c.Ref), cmd.done)
	return nil
}

// refused shows the case again with every reason the command was refused.
func (h *Handler) refused(q *visit, err error) error {
	ps, ok := domain.AsProblems(err)
	status := http.StatusUnprocessableEntity
	if !ok {
		status = response.StatusOf(err)
		if status >= 500 || status == http.StatusNotFound {
			return err
		}
		ps = domain.Problems{{Rule: "refused", Message: err.Error()}}
	}
	v, verr := h.caseView(q.r.Context(), q, "case page after a refused command", true)
	if verr != nil {
		return verr
	}
	return h.render(q, status, "case", page{Title: v.Case.Ref, Nav: "cases", Errors: ps, Data: v, Form: formMap(q.r.PostForm)})
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
	prop := proposal(f)
	p := page{Title: "Close case " + v.Case.Ref, Nav: "cases", Data: v, Form: formMap(f)}
	if q.r.Method == http.MethodPost {
		checks, err := h.svc.CheckClosure(ctx, q.a, v.Case.Ref, prop)
		if err != nil {
			return err
		}
		v.Checks, v.Ready = checks, len(checks) == 0
		if f.Get("step") == "propose" && v.Ready {
			prop.Version, _ = strconv.ParseInt(f.Get("version"), 10, 64)
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
		if v.Checks, err = h.svc.CheckClosure(ctx, q.a, v.Case.Ref, proposal(f)); err != nil {
			return err
		}
		v.Ready = len(v.Checks) == 0
	}
	return h.fragment(q, "close", "checklist", page{Data: v, Form: formMap(f)})
}

// proposal reads the close-case form.
func proposal(f url.Values) service.ClosureProposal {
	return service.ClosureProposal{Outcome: f.Get("outcome"), Rationale: domain.Rationale{
		LinesConsidered: f.Get("lines_considered"), WhyNoneRemain: f.Get("why_none_remain"),
		SuspectsStatus: f.Get("suspects_status"), VictimView: f.Get("victim_view")}}
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

func splitLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
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
