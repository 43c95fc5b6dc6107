package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/gate"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
)

// closeJourney is Close case: the form, then the gate's checklist, then
// the proposal. Nothing is written until the officer proposes.
func (h *Handler) closeJourney(q *visit) error {
	ctx := q.r.Context()
	v, err := h.caseView(ctx, q, "close case journey", "decisions")
	if err != nil {
		return err
	}
	f := q.r.URL.Query()
	if q.r.Method == http.MethodPost {
		f = q.r.PostForm
	}
	p := page{Title: "Close case " + v.Case.Ref, Nav: "cases", Data: v, Form: formMap(f)}
	v.Form = &formView{Cmd: "propose-closure"}
	closeBack(v, f.Get("from"))
	if !v.Can("propose-closure") {
		v.Form.Refused = v.Why("propose-closure")
		if v.Form.Refused == "" {
			v.Form.Refused = "You cannot propose closing this case."
		}
		return h.render(q, http.StatusForbidden, "close", p)
	}
	prop, perr := proposal(f, v.Case)
	if ps, ok := domain.AsProblems(perr); ok {
		p.Errors = closeErrors(v, ps)
		return h.render(q, http.StatusUnprocessableEntity, "close", p)
	} else if perr != nil {
		return perr
	}
	if q.r.Method == http.MethodPost {
		checks, err := h.svc.CheckClosure(ctx, q.a, v.Case.Ref, prop)
		if err != nil {
			return err
		}
		checks = oneViewProblem(checks)
		v.Checks, v.Ready = checks, len(checks) == 0
		if f.Get("step") == "propose" && v.Ready {
			c, err := h.svc.ProposeClosure(ctx, q.a, v.Case.ID, prop)
			if err == nil {
				done := "Closure proposed. " + whoDecides(q.org, c, h.svc.Policy(), h.svc.Now())
				q.redirectDone(sectionPath(c.Ref, "decisions"), done)
				return nil
			}
			if errors.Is(err, service.ErrConflict) {
				// What was typed is kept (p.Form); the page says what changed.
				p.Errors = domain.Problems{{Rule: "stale", Message: staleMessage}}
				v.Form.Stale = true
				if evs, terr := h.svc.Timeline(ctx, q.a, v.Case.Ref); terr == nil {
					v.Form.Changes = v.changedSince(evs, prop.Version)
				}
				return h.render(q, http.StatusConflict, "close", p)
			}
			ps, ok := domain.AsProblems(err)
			if !ok {
				return err
			}
			p.Errors = closeErrors(v, oneViewProblem(ps))
			return h.render(q, http.StatusUnprocessableEntity, "close", p)
		}
		if !v.Ready {
			p.Errors = closeErrors(v, checks)
			return h.render(q, http.StatusUnprocessableEntity, "close", p)
		}
	}
	return h.render(q, http.StatusOK, "close", p)
}

// whoDecides tells the proposer who will decide the closure: the person
// the approval duty fell on and, only if anyone else may approve it at t
// (duty.MayApprove, the rule the approve command applies), that another
// may: "another inspector" when they and the person named are all
// inspectors, "another inspector or above" when any is more senior (a
// superintendent is not "another inspector").
func whoDecides(org *domain.OrgState, c *domain.Case, pol *policy.Policy, t time.Time) string {
	need := gate.RequiredRank(c, pol)
	rank := strings.TrimPrefix(strings.ToLower(domain.RankLabel(need)), "detective ")
	for _, d := range c.Duties {
		if d.Kind != duty.ClosureApproval || d.Status != domain.DutyOpen || org == nil {
			continue
		}
		u := org.Users[d.Accountable]
		if u == nil {
			break
		}
		if !u.Rank.AtLeast(need) {
			return fmt.Sprintf("It needs %s or above to approve it: %s holds it until one takes it up.",
				domain.RankNoun(need), domain.PersonName(u))
		}
		others, senior := 0, u.Rank.Above(need)
		for _, o := range org.Users {
			if o.ID != u.ID && o.Active && duty.MayApprove(org, c, pol, o, t) {
				others++
				senior = senior || o.Rank.Above(need)
			}
		}
		switch {
		case others == 0:
			return fmt.Sprintf("%s will decide: they have it on their work list and in their inbox.",
				domain.PersonName(u))
		case senior:
			rank += " or above"
		}
		return fmt.Sprintf("%s or another %s will decide: they have it on their work list and in their inbox.",
			domain.PersonName(u), rank)
	}
	return fmt.Sprintf("It now needs approval by %s or above.", domain.RankNoun(need))
}

// closeBack is where Close case's back link goes: the page it was opened
// from, named by a fixed word (never a path from the request, which would
// make an open redirect): a section of the case (its header's Close case
// button), My work (a closure sent back), or by default the case.
func closeBack(v *caseView, from string) {
	fv := v.Form
	switch {
	case from == "work":
		fv.Back, fv.From, fv.BackTo = "/work", from, "My work"
	case from != "" && sectionTitle(from) != "":
		fv.Back, fv.From, fv.BackTo = v.SectionPath(from), from, sectionTitle(from)
	default:
		fv.Back, fv.BackTo = v.Path, "the case"
	}
}

// closeErrors are the closure's problems as the error summary lists them,
// each a link to where it is put right (GOV.UK's error summary): a field
// of the form, the victims' views on this page, or the section of the
// case that puts a broken rule right (closureRemedies). To one who may
// not put it right there, the problem also says whom to ask. The
// checklist does not list them again.
func closeErrors(v *caseView, ps domain.Problems) domain.Problems {
	out := placeErrors(ps, plainFields(closeFields...))
	for i, p := range out {
		switch r, ok := closureRemedies[p.Rule]; {
		case p.Rule == "victim_view":
			out[i].Field = "victim_view"
		case ok:
			out[i].Field = v.SectionPath(r.section)
			if ask := closureAsk(v, p.Rule); ask != "" {
				out[i].Message += " " + ask
			}
		}
	}
	return out
}

// errHref is where an error summary's entry links: a page's field
// ("#f-outcome"), or a path of its own for a problem put right on
// another page (closeErrors).
func errHref(field string) string {
	if strings.HasPrefix(field, "/") {
		return field
	}
	return "#f-" + field
}

// ClosureDecider is who decides the closure waiting on the case, by rank
// and name: the officer its approval duty falls on; "" when none does.
func (v *caseView) ClosureDecider() string {
	if !v.Case.Closure.Open() {
		return ""
	}
	for _, d := range v.Case.Duties {
		if d.Kind == duty.ClosureApproval && d.Status == domain.DutyOpen && d.Accountable != "" {
			return v.Person(d.Accountable)
		}
	}
	return ""
}

// closeChecklist is the checklist alone, as the officer fills the form in.
func (h *Handler) closeChecklist(q *visit) error {
	ctx := q.r.Context()
	v, err := h.caseView(ctx, q, "closure checklist", "decisions")
	if err != nil {
		return err
	}
	f := q.r.URL.Query()
	if f.Get("outcome") != "" {
		prop, err := proposal(f, v.Case)
		if err != nil {
			return err
		}
		if v.Checks, err = h.svc.CheckClosure(ctx, q.a, v.Case.Ref, prop); err != nil {
			return err
		}
		v.Checks = oneViewProblem(v.Checks)
		v.Ready = len(v.Checks) == 0
	}
	return h.fragment(q, "close", "checklist", page{Data: v, Form: formMap(f)})
}

// closeFields are the close-case page's fields in the order of the page;
// "victim_view" is the list of the victims' views as recorded, which the
// officer does not type, above the form.
var closeFields = []string{"victim_view", "outcome", "lines_considered", "why_none_remain", "suspects_status"}

// proposal reads the close-case form through the one decoder (its limits
// and its checks of the version). The page names the rationale's parts
// plainly; the decoder names a nested struct's fields "rationale.x". The
// victim's view is not typed here: it is each victim's view as recorded on
// the case (one source of truth), whatever the form sent.
func proposal(f url.Values, c *domain.Case) (service.ClosureProposal, error) {
	named := url.Values{"outcome": f["outcome"], "version": f["version"],
		"rationale.victim_view": {recordedViews(c)}}
	for _, k := range []string{"lines_considered", "why_none_remain", "suspects_status"} {
		named["rationale."+k] = f[k]
	}
	var in service.ClosureProposal
	err := request.DecodeForm(named, &in)
	return in, err
}

// recordedViews is the closure's "victim's view": each victim's view as
// recorded on the case, one a line ("Child A: Does not want to go to
// court"); a victim whose view is not recorded is left out, and the
// closure rules refuse the closure until it is.
func recordedViews(c *domain.Case) string {
	if len(c.Victims) == 0 {
		return "No victim is recorded on this case."
	}
	var out []string
	for _, v := range c.Victims {
		if v.View != "" {
			out = append(out, v.Name+": "+v.View)
		}
	}
	return strings.Join(out, "\n")
}

// oneViewProblem drops the rationale's "say what the victim thinks" when
// the closure rules already name each victim whose view is not recorded:
// the page has no field to say it in, and one thing to do (record it).
func oneViewProblem(ps domain.Problems) domain.Problems {
	named := false
	for _, p := range ps {
		named = named || p.Rule == "victim_view"
	}
	if !named {
		return ps
	}
	out := domain.Problems{}
	for _, p := range ps {
		if p.Field != "rationale.victim_view" {
			out = append(out, p)
		}
	}
	return out
}

// closureRemedy is how one broken closure rule is put right: the case
// section where, the commands that do it there (none: anyone who may
// propose the closure may), and what the person who may not asks another
// to do.
type closureRemedy struct {
	section string
	cmds    []string
	ask     string
}

var closureRemedies = map[string]closureRemedy{
	"actions_filed": {"actions", []string{"result-action", "file-action", "cancel-action"},
		"to result and file the open actions, or cancel them"},
	"suspects_pursued": {"people", nil, ""},
	"victim_account":   {"victims", nil, ""},
	"victim_contact":   {"victims", nil, ""},
	"victim_view":      {"victims", nil, ""},
	"supervised":       {"decisions", []string{"review"}, "to record a supervisory review"},
}

// closureFix is the link to where a broken closure rule is put right, or
// "" when the person looking cannot put it right there (closureAsk).
func closureFix(v *caseView, rule string) string {
	r, ok := closureRemedies[rule]
	if !ok || closureAsk(v, rule) != "" {
		return ""
	}
	return v.SectionPath(r.section)
}

// closureAsk is, when the person looking may not put a broken closure
// rule right, who may, by rank and name ("Ask DS Jack Hughes to record a
// supervisory review."), by the rule the service refuses them with
// (Permissions.WhoMay); "" when they may, or nobody may now.
func closureAsk(v *caseView, rule string) string {
	r := closureRemedies[rule]
	if len(r.cmds) == 0 || v.CanAny(r.cmds...) {
		return ""
	}
	var ids []string
	for _, cmd := range r.cmds {
		for _, id := range v.Perm.WhoMay(cmd) {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) == 0 {
		return ""
	}
	// Nearest first: the least senior who may is the team's own
	// supervisor, not the head of the command.
	slices.Reverse(ids)
	return "Ask " + domain.JoinOr(service.NamesUpTo(v.Org, ids, 3)) + " " + r.ask + "."
}
