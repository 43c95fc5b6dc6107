package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strings"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/service"
)

// casePages are the page templates of a case; each is parsed with the
// parts they share (the header and the sub-navigation).
var casePages = []string{"case", "case_form", "close"}

func (h *Handler) caseRoutes(m *http.ServeMux) {
	for _, name := range casePages {
		h.pages[name] = template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS,
			"templates/layout.html", "templates/"+name+".html", "templates/case_parts.html"))
	}
	m.HandleFunc("GET /cases/{ref}", h.signedIn(h.caseSection))
	m.HandleFunc("GET /cases/{ref}/{section}", h.signedIn(h.caseSection))
	m.HandleFunc("GET /cases/{ref}/do/{cmd}", h.signedIn(h.caseJourney))
	m.HandleFunc("POST /cases/{ref}/do/{cmd}", h.signedIn(h.caseJourney))
	m.HandleFunc("GET /cases/{ref}/close", h.signedIn(h.closeJourney))
	m.HandleFunc("POST /cases/{ref}/close", h.signedIn(h.closeJourney))
	m.HandleFunc("GET /cases/{ref}/close/checklist", h.signedIn(h.closeChecklist))
	// The reference as the screen shows it, CSE/2025/000507, typed or
	// pasted into the address bar: its slashes split it into segments.
	m.HandleFunc("GET /cases/{a}/{b}/{c}", h.signedIn(h.slashedRef))
	m.HandleFunc("GET /cases/{a}/{b}/{c}/{rest...}", h.signedIn(h.slashedRef))
}

// slashedRef redirects /cases/CSE/2025/000507[/section] to the case's
// canonical path, if the person may see it (CaseID checks, recording
// nothing).
func (h *Handler) slashedRef(q *visit) error {
	ref := q.r.PathValue("a") + "/" + q.r.PathValue("b") + "/" + q.r.PathValue("c")
	if _, err := h.svc.CaseID(q.r.Context(), q.a, strings.ToUpper(ref)); err != nil {
		return err
	}
	to := "/cases/" + request.PathRef(strings.ToUpper(ref))
	if rest := q.r.PathValue("rest"); rest != "" && sectionTitle(rest) != "" {
		to += "/" + rest
	}
	http.Redirect(q.w, q.r, to, http.StatusMovedPermanently)
	return nil
}

// caseSection shows one section of the case hub.
func (h *Handler) caseSection(q *visit) error {
	key := q.r.PathValue("section")
	if key != "" && sectionTitle(key) == "" || key == "" && strings.HasSuffix(q.r.URL.Path, "/") {
		return fmt.Errorf("no section %q: %w", key, service.ErrNotFound)
	}
	ctx := q.r.Context()
	purpose := "case page"
	if key != "" {
		purpose = "case page: " + sectionTitle(key)
	}
	var v *caseView
	var err error
	var refused domain.Problems // a history page that is not one
	if key == "history" {
		if _, bad := historyPageOf(q.r.URL.Query()); bad != nil {
			return h.noHistoryPage(q, bad)
		}
		// One read, of the events; the case is what they make.
		evs, err := h.svc.Timeline(ctx, q.a, request.RefOf(q.r))
		if err != nil {
			return err
		}
		c, rerr := replay(evs)
		if rerr != nil {
			c, err = h.svc.ViewCase(ctx, q.a, request.RefOf(q.r), purpose)
			if err != nil {
				return err
			}
		}
		if v, err = h.caseViewOf(ctx, q, c, key); err != nil {
			return err
		}
		v.History, refused = v.history(evs, q.r.URL.Query())
		if k := v.History.Kind; v.History.Missing == nil && (k == "" || k == "reads") {
			if v.History.Lists, err = h.listReadsOf(ctx, q, c.Ref); err != nil {
				return err
			}
		}
	} else if v, err = h.caseView(ctx, q, purpose, key); err != nil {
		return err
	}
	title := v.Case.Ref
	if key != "" {
		title = sectionTitle(key) + " – " + v.Case.Ref
	}
	status := http.StatusOK
	if len(refused) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return h.render(q, status, "case", page{Title: title, Nav: "cases", Data: v, Errors: refused})
}

// formView is a write journey's page.
type formView struct {
	Cmd     string
	Title   string
	Button  string
	Warning bool
	Fields  []field
	Target  string      // the target's form field, if any
	TargetV string      // its value
	Targets [][2]string // choices, when opened without one
	Refused string      // why this person may not, instead of the form
	missing bool        // the form's target is not on the case: Refused says so, answered 404
	Changes []historyEntry
	Stale   bool
	// Check, on a check-your-answers page, is what was answered; Carry is
	// every value of the form, sent again with the confirmation.
	Check   []answer
	Carry   [][2]string
	Version string // the case version the answers were based on, if not the case's now
	// Back is where the journey returns when it was opened from another
	// page (recording a victim's view from Close case returns there; a
	// duty followed from My work returns to My work), or ""; From is the
	// word that names that page in the form, BackTo the back link's words.
	Back, From, BackTo string
	// More offers "Add another" on a form that takes a list.
	More bool
}

// setBack is where a journey opened from another page returns: Close
// case ("close") or My work ("work"), named by a fixed word, never a path
// taken from the request (which would make an open redirect).
func (fv *formView) setBack(v *caseView, from string) {
	switch {
	case from == "close" && v.Can("propose-closure"):
		fv.Back, fv.From, fv.BackTo = v.Path+"/close", from, "Close case"
	case from == "work":
		fv.Back, fv.From, fv.BackTo = "/work", from, "My work"
	}
}

// answer is one row of a check-your-answers page.
type answer struct {
	Field, Label, Value string
}

// caseJourney is a write journey: GET shows its form, POST runs its
// command and returns to the section with a banner. A refusal shows the
// form again with every reason and what was typed; a stale form (someone
// changed the case meanwhile) keeps what was typed and shows what changed.
func (h *Handler) caseJourney(q *visit) error {
	ctx := q.r.Context()
	name := q.r.PathValue("cmd")
	cf, ok := h.forms[name]
	if !ok {
		return fmt.Errorf("no such journey %q: %w", name, service.ErrNotFound)
	}
	vals := q.r.URL.Query()
	if q.r.Method == http.MethodPost && cf.check != "" && q.r.PostForm.Get("step") != "confirm" {
		return h.checkAnswers(q, name, cf)
	}
	if q.r.Method == http.MethodPost && cf.more && q.r.PostForm.Get("step") == "more" {
		return h.moreForm(q, name, cf)
	}
	if q.r.Method == http.MethodPost {
		id, err := h.svc.CaseID(ctx, q.a, request.RefOf(q.r))
		if err != nil {
			return err
		}
		c, err := cf.run(ctx, q.a, id, q.r.PostForm)
		if err == nil {
			to := sectionPath(c.Ref, cf.section)
			if q.r.PostForm.Get("from") == "close" {
				// Back to Close case, if this person may still close it.
				if perm, perr := h.svc.PermissionsOn(ctx, q.a, c); perr == nil && perm.Can("propose-closure") {
					to = sectionPath(c.Ref, "") + "/close"
				}
			}
			if q.r.PostForm.Get("from") == "work" {
				to = "/work" // the duty was followed from My work: back to the rest of it
			}
			done := cf.done
			if cf.said != nil {
				done = cf.said(c, q.org, q.r.PostForm)
			}
			q.redirectDone(to, done)
			return nil
		}
		return h.refusedForm(q, name, cf, err)
	}
	v, err := h.caseView(ctx, q, formPurpose(name), cf.section)
	if err != nil {
		return err
	}
	fv := h.formView(q, v, name, cf, vals.Get(cf.target))
	fv.setBack(v, vals.Get("from"))
	v.Form = fv
	p := page{Title: fv.Title + " – " + v.Case.Ref, Nav: "cases", Data: v, Form: formMap(vals)}
	for _, f := range fv.Fields {
		if _, typed := p.Form[f.Name]; !typed && f.Value != "" {
			p.Form[f.Name] = f.Value
		}
	}
	status := http.StatusOK
	switch {
	case fv.missing:
		status = http.StatusNotFound
	case fv.Refused != "":
		status = http.StatusForbidden
	}
	return h.render(q, status, "case_form", p)
}

func (h *Handler) formView(q *visit, v *caseView, name string, cf caseForm, target string) *formView {
	perm := cf.permName(name)
	if cf.caseloads && v.Can(perm) {
		// What each officer holds, beside the choice: a supervisor
		// balances the work. A page without it still works.
		// Accepting a transfer allocates to an officer of the receiving
		// team: theirs are the caseloads to balance.
		v.CaseloadTeam = v.Case.TeamID
		if name == "accept-transfer" {
			v.CaseloadTeam = v.transferTeam()
		}
		if cl, err := h.svc.Caseloads(q.r.Context(), q.a, v.CaseloadTeam); err == nil {
			v.Caseloads = cl
		}
	}
	if cf.more && q.r.Method == http.MethodPost {
		v.Slots = directionSlots(q.r.PostForm)
		if q.r.PostForm.Get("step") == "more" {
			v.Slots++
		}
	}
	fv := &formView{Cmd: name, Title: cf.title(v, target), Button: cf.button, Warning: cf.warning,
		Fields: cf.fields(v, target), Target: cf.target, TargetV: target, More: cf.more}
	switch {
	// A form for one target (File A2) says why for that target: the
	// command's own reason is its first target's (A1), WhyOn's is A2's.
	case !v.Can(perm) && (cf.target == "" || target == "" || cf.target == "corrects"):
		fv.Refused = v.Why(perm)
	case cf.target == "corrects" && target != "" && v.Note(target) == nil:
		// Not found (404), not forbidden: the person may correct notes.
		fv.Refused, fv.missing = "There is no such note on this case.", true
	case cf.target != "" && target != "" && !v.CanOn(perm, target):
		fv.Refused = v.Perm.WhyOn(perm, target)
	case cf.target != "" && target == "":
		fv.Targets = v.targetOpts(perm, cf.target)
	}
	if fv.Refused == "" && (!v.Can(perm) || (cf.target != "" && target != "" && !v.CanOn(perm, target))) {
		fv.Refused = "You cannot do this on this case."
	}
	return fv
}

// moreForm shows a list form again, as typed, with room for one more
// entry ("Add another direction"): nothing is written.
func (h *Handler) moreForm(q *visit, name string, cf caseForm) error {
	v, err := h.caseView(q.r.Context(), q, formPurpose(name), cf.section)
	if err != nil {
		return err
	}
	fv := h.formView(q, v, name, cf, q.r.PostForm.Get(cf.target))
	fv.Version = q.r.PostForm.Get("version")
	v.Form = fv
	p := page{Title: fv.Title + " – " + v.Case.Ref, Nav: "cases", Data: v, Form: formMap(q.r.PostForm)}
	for _, f := range fv.Fields {
		if _, typed := p.Form[f.Name]; !typed && f.Value != "" {
			p.Form[f.Name] = f.Value
		}
	}
	status := http.StatusOK
	if fv.Refused != "" {
		status = http.StatusForbidden
	}
	return h.render(q, status, "case_form", p)
}

// refusedForm shows the journey's form again after a refusal, keeping
// what was typed. A stale version also shows what changed meanwhile.
func (h *Handler) refusedForm(q *visit, name string, cf caseForm, err error) error {
	status := response.StatusOf(err)
	if status >= 500 || status == http.StatusNotFound {
		return err
	}
	ctx := q.r.Context()
	ps, ok := domain.AsProblems(err)
	switch {
	case ok:
		status = http.StatusUnprocessableEntity // a form that could not be read is refused like any other
	case errors.Is(err, service.ErrConflict):
		ps = domain.Problems{{Rule: "stale", Message: staleMessage}}
	case errors.Is(err, service.ErrForbidden):
		ps = domain.Problems{{Rule: "forbidden", Message: "You cannot do this on this case."}}
	default:
		ps = domain.Problems{{Rule: "refused", Message: err.Error()}}
	}
	v, verr := h.caseView(ctx, q, "case page after a refused form", cf.section)
	if verr != nil {
		return verr
	}
	fv := h.formView(q, v, name, cf, q.r.PostForm.Get(cf.target))
	fv.setBack(v, q.r.PostForm.Get("from"))
	if errors.Is(err, service.ErrConflict) {
		fv.Stale = true
		ps[0].Message = fmt.Sprintf("%s Your form was based on version %d of the case; it is now at version %d.",
			staleMessage, formVersion(q.r.PostForm.Get("version")), v.Case.Version)
		if evs, terr := h.svc.Timeline(ctx, q.a, v.Case.Ref); terr == nil {
			fv.Changes = v.changedSince(evs, formVersion(q.r.PostForm.Get("version")))
		}
	}
	if errors.Is(err, service.ErrForbidden) && fv.Refused == "" {
		if why := v.Why(cf.permName(name)); why != "" {
			ps[0].Message = why
		}
	}
	v.Form = fv
	return h.render(q, status, "case_form", page{Title: fv.Title + " – " + v.Case.Ref, Nav: "cases",
		Errors: placeErrors(ps, fv.errFields()), Data: v, Form: formMap(q.r.PostForm)})
}

// checkAnswers is the step between a consequential decision's form and
// its command (GOV.UK's "check answers" pattern): the form sent without
// step=confirm is read as the command would read it and, where the service
// exposes the rules, checked against them; then its answers are shown
// with Change buttons (step=change shows the form again, as typed) and a
// confirmation that sends the very same values with step=confirm. Nothing
// is written until then. The answers travel in the form, never in a URL:
// reasons are personal data.
func (h *Handler) checkAnswers(q *visit, name string, cf caseForm) error {
	ctx := q.r.Context()
	f := q.r.PostForm
	v, err := h.caseView(ctx, q, formPurpose(name), cf.section)
	if err != nil {
		return err
	}
	fv := h.formView(q, v, name, cf, f.Get(cf.target))
	v.Form = fv
	p := page{Title: fv.Title + " – " + v.Case.Ref, Nav: "cases", Data: v, Form: formMap(f)}
	if fv.Refused != "" {
		return h.render(q, http.StatusForbidden, "case_form", p)
	}
	if f.Get("step") == "change" {
		// The form again, still based on the version first read: a change
		// made meanwhile by someone else is caught when it is sent.
		fv.Version = f.Get("version")
		return h.render(q, http.StatusOK, "case_form", p)
	}
	var ps domain.Problems
	if err := cf.decode(f); err != nil {
		var ok bool
		if ps, ok = domain.AsProblems(err); !ok {
			return err
		}
	} else if cf.precheck != nil {
		ps = cf.precheck(v, f)
	}
	if len(ps) > 0 {
		p.Errors = placeErrors(ps, fv.errFields())
		return h.render(q, http.StatusUnprocessableEntity, "case_form", p)
	}
	fv.Title, fv.Button, fv.Version = cf.check, cf.confirm, f.Get("version")
	for _, fd := range fv.Fields {
		fv.Check = append(fv.Check, answer{Field: fd.Name, Label: fd.Label, Value: fd.shows(f[fd.Name])})
	}
	for k, vs := range f {
		if k != "csrf" && k != "step" && k != "version" {
			for _, x := range vs {
				fv.Carry = append(fv.Carry, [2]string{k, x})
			}
		}
	}
	sort.Slice(fv.Carry, func(i, j int) bool { return fv.Carry[i][0] < fv.Carry[j][0] })
	p.Title = fv.Title + " – " + v.Case.Ref
	return h.render(q, http.StatusOK, "case_form", p)
}

// shows is what an answer reads as: a choice by its label (or as the
// field's Answer says it), text as typed.
func (fd field) shows(vals []string) string {
	var out []string
	for _, x := range vals {
		label := x
		for _, o := range fd.Options {
			if o[0] == x {
				label = o[1]
				if fd.Answer != nil && x != "" {
					label = fd.Answer(x)
				}
			}
		}
		if strings.TrimSpace(label) != "" {
			out = append(out, strings.TrimSpace(label))
		}
	}
	return strings.Join(out, "\n")
}

// staleMessage answers a form based on an older version of the case.
const staleMessage = "Someone changed this case after you opened the form. What you typed is kept below: " +
	"check what changed, then send it again."

func sectionPath(ref, section string) string {
	p := "/cases/" + request.PathRef(ref)
	if section != "" {
		p += "/" + section
	}
	return p
}

func formVersion(s string) int64 {
	var n int64
	fmt.Sscan(s, &n)
	return n
}

// formPurpose is the recorded purpose of reading a case for one of its
// forms, in words: the history shows it ("case page: the form to assign
// owner"), not the journey's code name.
func formPurpose(name string) string {
	if c := service.CaseCommandNamed(name); c != nil && c.What != "" {
		return "case page: the form to " + c.What
	}
	return "case page: " + strings.ReplaceAll(name, "-", " ")
}
