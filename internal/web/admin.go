package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/duty"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
)

// The administrator's pages: people (add, change roles, rank and team under
// the two-person rule, mark a leaver), grants waiting for a second
// administrator, units, and the watchdog run by hand. Each write is a page
// of its own that returns to the user's page (or the overview) with a
// success banner. Password reset is the sign-in area's page, linked from
// the user's page.
func (h *Handler) adminRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /admin", h.signedIn(h.admin))
	m.HandleFunc("GET /admin/users/new", h.signedIn(h.adminNewUser))
	m.HandleFunc("POST /admin/users", h.signedIn(h.adminCreateUser))
	m.HandleFunc("GET /admin/users/{id}", h.signedIn(h.adminUser))
	m.HandleFunc("GET /admin/users/{id}/roles", h.signedIn(h.adminRolesForm))
	m.HandleFunc("POST /admin/users/{id}/roles", h.signedIn(h.adminChangeRoles))
	m.HandleFunc("GET /admin/users/{id}/leave", h.signedIn(h.adminLeaverForm))
	m.HandleFunc("POST /admin/users/{id}/leave", h.signedIn(h.adminLeave))
	m.HandleFunc("POST /admin/users/{id}/accreditations", h.signedIn(h.adminAward))
	m.HandleFunc("POST /admin/users/{id}/accreditations/withdraw", h.signedIn(h.adminWithdraw))
	m.HandleFunc("GET /admin/grants/{id}", h.signedIn(h.adminGrant))
	m.HandleFunc("POST /admin/grants/{id}", h.signedIn(h.adminDecideGrant))
	m.HandleFunc("GET /admin/units/new", h.signedIn(h.adminNewUnit))
	m.HandleFunc("POST /admin/units", h.signedIn(h.adminCreateUnit))
	m.HandleFunc("GET /admin/sweep", h.signedIn(h.adminSweep))
	m.HandleFunc("POST /admin/sweep", h.signedIn(h.adminSweepRun))
}

type adminPage struct {
	Units   []*domain.Unit
	Users   []*domain.User
	Pending []pendingGrant
	Policy  string
	Left    int
}

// sortedUsers are the organisation's users by name.
func sortedUsers(org *domain.OrgState, keep func(*domain.User) bool) []*domain.User {
	var out []*domain.User
	for _, u := range org.Users {
		if keep == nil || keep(u) {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// sortedUnits are the organisation's units in hierarchy order: each force,
// then its departments each followed by their teams.
func sortedUnits(org *domain.OrgState) []*domain.Unit {
	children := map[string][]*domain.Unit{}
	for _, u := range org.Units {
		children[u.ParentID] = append(children[u.ParentID], u)
	}
	for _, cs := range children {
		sort.Slice(cs, func(i, j int) bool { return cs[i].Name < cs[j].Name })
	}
	var out []*domain.Unit
	var walk func(id string, depth int)
	walk = func(id string, depth int) {
		if depth > 16 {
			return
		}
		for _, u := range children[id] {
			out = append(out, u)
			walk(u.ID, depth+1)
		}
	}
	walk("", 0)
	return out
}

func (h *Handler) admin(q *visit) error {
	pol, err := h.svc.PolicyText(q.a)
	if err != nil {
		return err
	}
	gs, err := h.svc.Grants(q.r.Context(), q.a)
	if err != nil {
		return err
	}
	p := adminPage{Policy: string(pol), Units: sortedUnits(q.org)}
	p.Users = sortedUsers(q.org, func(u *domain.User) bool { return u.Active })
	p.Left = len(q.org.Users) - len(p.Users)
	for _, g := range gs {
		if g.Status == domain.GrantPending {
			p.Pending = append(p.Pending, h.pendingGrant(q, g))
		}
	}
	return h.render(q, http.StatusOK, "admin", page{Title: "Administration", Nav: "admin", Data: p})
}

// pendingGrant is a grant waiting for a second administrator as a list
// shows it: Refused is why the reader may not decide it ("" when they
// may), from the service's two-person rule, so that the administrator
// who asked is told it waits for another instead of being sent to a
// decision they would be refused.
type pendingGrant struct {
	*domain.Grant
	Refused string
}

func (h *Handler) pendingGrant(q *visit, g *domain.Grant) pendingGrant {
	return pendingGrant{Grant: g, Refused: h.svc.MayDecideGrant(q.a, g)}
}

// userForm is what the add-user and change-roles pages show.
type userForm struct {
	User  *domain.User // nil when adding
	Units []*domain.Unit
	Ranks []domain.Rank
	Roles []domain.Role
	Held  map[string]bool // roles ticked
	Grant *domain.Grant   // pending grant for the user, if any
}

func (h *Handler) newUserForm(q *visit, u *domain.User, ticked []string) userForm {
	f := userForm{User: u, Units: sortedUnits(q.org), Ranks: domain.Ranks(), Roles: domain.Roles(),
		Held: map[string]bool{}}
	for _, r := range ticked {
		f.Held[r] = true
	}
	return f
}

func (h *Handler) adminNewUser(q *visit) error {
	if err := h.mustAdmin(q); err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "admin_user_form", page{Title: "Add a user", Nav: "admin",
		Data: h.newUserForm(q, nil, nil), Form: map[string]string{"unit_id": q.a.User.UnitID}})
}

// newUserFields is the add-user form's fields in the order of the page,
// for its error summary (placeErrors, form_errors.go): the service's
// refusals are listed in this order, each beside its field and naming it.
var newUserFields = []errField{
	{"name", "name", "the full name"},
	{"username", "username", "the username"},
	{"collar", "collar", "the collar or staff number"},
	{"email", "email", "the email address"},
	{"rank", "rank", "the rank"},
	{"unit_id", "unit_id", "the unit"},
	{"roles", "roles", "the list of roles"}, // and roles[0], roles[1]...: one role refused
	{"password", "password", "the first password"},
}

// mustAdmin refuses a page to anyone but an administrator before showing
// a form they could not send (the service refuses the command itself).
func (h *Handler) mustAdmin(q *visit) error {
	_, err := h.svc.PolicyText(q.a)
	return err
}

func (h *Handler) adminCreateUser(q *visit) error {
	f := q.r.PostForm
	var in service.NewUser
	var u *domain.User
	err := request.DecodeForm(f, &in)
	if err == nil {
		u, err = h.svc.CreateUser(q.r.Context(), q.a, in)
	}
	if ps, ok := domain.AsProblems(err); ok {
		// What was typed stays, but for the password: a page never
		// sends a password back.
		form := formMap(f)
		delete(form, "password")
		return h.render(q, http.StatusUnprocessableEntity, "admin_user_form", page{Title: "Add a user",
			Nav: "admin", Errors: placeErrors(ps, newUserFields), Data: h.newUserForm(q, nil, f["roles"]), Form: form})
	}
	if err != nil {
		return err
	}
	msg := rankedName(u) + " has been added"
	if waiting := powerfulOf(in.Roles); len(waiting) > 0 {
		msg += ". The " + roleList(waiting) + " waits for a second administrator's approval"
	}
	q.redirectDone("/admin/users/"+url.PathEscape(u.ID), msg)
	return nil
}

func powerfulOf(rs []domain.Role) []domain.Role {
	var out []domain.Role
	for _, r := range rs {
		if domain.IsPowerful(r) {
			out = append(out, r)
		}
	}
	return out
}

// roleList names roles in a sentence: "auditor role", "auditor and
// analyst roles".
// grantWhat says what a grant asks for, as a sentence's subject: roles
// given, or the administrator role taken away.
func grantWhat(g *domain.Grant) string {
	what := "The " + roleList(g.Roles)
	switch {
	case len(g.Remove) > 0 && len(g.Roles) > 0:
		what += ", and taking away the " + roleList(g.Remove) + ","
	case len(g.Remove) > 0:
		what = "Taking away the " + roleList(g.Remove)
	}
	return what
}

func roleList(rs []domain.Role) string {
	names := make([]string, len(rs))
	for i, r := range rs {
		names[i] = strings.ToLower(roleLabel(r))
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0] + " role"
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " roles"
}

// userPage is one user: who they are, what waits for them, what they hold.
type userPage struct {
	User    *domain.User
	Pending []pendingGrant
	Grants  []*domain.Grant // decided, newest first
	Work    *service.LeaverWork
	Self    bool
	// Lock is how they sign in: locked or not, failures, the last
	// sign-in, two-step sign-in (serving users only).
	Lock *service.SignInLock
	// Accreditations are what they are trained for (issue 21).
	Accreditations []service.AccreditationView
	Kinds          [][]string // value, label: the kinds the policy knows
}

func (h *Handler) userOf(q *visit) (*domain.User, error) {
	u := q.org.Users[q.r.PathValue("id")]
	if u == nil {
		return nil, service.ErrNotFound
	}
	return u, nil
}

func (h *Handler) adminUser(q *visit) error {
	p, err := h.userPageOf(q)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "admin_user", page{Title: rankedName(p.User), Nav: "admin", Data: p})
}

// userPageOf gathers one user's page.
func (h *Handler) userPageOf(q *visit) (userPage, error) {
	w, err := h.svc.LeaverWork(q.r.Context(), q.a, q.r.PathValue("id"))
	if err != nil {
		return userPage{}, err
	}
	gs, err := h.svc.Grants(q.r.Context(), q.a)
	if err != nil {
		return userPage{}, err
	}
	p := userPage{User: w.User, Work: w, Self: w.User.ID == q.a.ID()}
	if w.User.Active {
		if p.Lock, err = h.svc.SignInLockOf(q.r.Context(), q.a, w.User.ID); err != nil {
			return userPage{}, err
		}
	}
	accs, err := h.svc.Accreditations(q.r.Context(), q.a, w.User.ID)
	if err != nil {
		return userPage{}, err
	}
	p.Accreditations = accs.Accreditations
	for _, k := range h.svc.Policy().Training.Kinds {
		p.Kinds = append(p.Kinds, []string{k.Key, k.Label})
	}
	for _, g := range gs {
		if g.UserID != w.User.ID {
			continue
		}
		if g.Status == domain.GrantPending {
			p.Pending = append(p.Pending, h.pendingGrant(q, g))
		} else {
			p.Grants = append(p.Grants, g)
		}
	}
	return p, nil
}

func (h *Handler) adminRolesForm(q *visit) error {
	if err := h.mustAdmin(q); err != nil {
		return err
	}
	u, err := h.userOf(q)
	if err != nil {
		return err
	}
	var held []string
	for _, r := range u.Roles {
		held = append(held, string(r))
	}
	return h.render(q, http.StatusOK, "admin_user_form", page{Title: "Change " + rankedName(u) + "'s roles, rank and team",
		Nav: "admin", Data: h.newUserForm(q, u, held),
		Form: map[string]string{"rank": string(u.Rank), "unit_id": u.UnitID}})
}

func (h *Handler) adminChangeRoles(q *visit) error {
	u, err := h.userOf(q)
	if err != nil {
		return err
	}
	f := q.r.PostForm
	var in service.ChangeUser
	var res *service.UserChangeResult
	err = request.DecodeForm(f, &in)
	in.User = u.ID
	if err == nil {
		res, err = h.svc.ChangeUser(q.r.Context(), q.a, in)
	}
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(q, http.StatusUnprocessableEntity, "admin_user_form", page{
			Title: "Change " + rankedName(u) + "'s roles, rank and team", Nav: "admin", Errors: ps,
			Data: h.newUserForm(q, u, f["roles"]), Form: formMap(f)})
	}
	if err != nil {
		return err
	}
	msg := rankedName(u) + "'s record has been changed"
	if res.Grant != nil {
		msg += ". " + grantWhat(res.Grant) + " waits for a second administrator's approval"
	}
	q.redirectDone("/admin/users/"+url.PathEscape(u.ID), msg)
	return nil
}

// leaverPage is what a leaver holds, with their duties grouped: a case
// with ten links to review is one row saying so, not ten alike rows.
type leaverPage struct {
	*service.LeaverWork
	DutyGroups []leaverDutyGroup
	HandOn     bool // the reader may hand on the leaver's open cases (handover.go)
}

// leaverDutyGroup is the duties of one kind on one case that escalate to
// the same person; Due is the earliest of them.
type leaverDutyGroup struct {
	Ref, Kind, GoesTo string
	Due               time.Time
	Count             int
}

// Of names what Count counts: "2 victims", "10 links".
func (g leaverDutyGroup) Of() string {
	one, many := "duty", "duties"
	switch g.Kind {
	case duty.VictimUpdate, duty.DecisionNotice:
		one, many = "victim", "victims"
	case domain.DutyLinkRev:
		one, many = "possible link", "possible links"
	case duty.ActionTarget, duty.ActionReview:
		one, many = "action", "actions"
	case duty.FindingResponse:
		one, many = "finding", "findings"
	}
	if g.Count == 1 {
		return "1 " + one
	}
	return strconv.Itoa(g.Count) + " " + many
}

// Moves reports whether the duties go to the supervisor the moment the
// user leaves rather than escalating there: what a victim is owed is
// never left with someone who has gone (duty.Rules.Wanted since
// a2764b3; UserLeaves reconciles the cases at once).
func (g leaverDutyGroup) Moves() bool {
	switch g.Kind {
	case duty.FirstVictimContact, duty.ContactPlan, duty.VictimUpdate, duty.SupportReferral:
		return true
	}
	return false
}

// DueText is when the group falls due: the date, or for several duties
// the earliest of their dates, said so. It said "From 30 October 2017",
// which read as a duty running from then rather than the first of them
// falling due then.
func (g leaverDutyGroup) DueText() string {
	if g.Due.IsZero() {
		return "—"
	}
	if g.Count > 1 {
		return "Earliest " + govDate(g.Due)
	}
	return govDate(g.Due)
}

func groupLeaverDuties(ds []service.LeaverDuty) []leaverDutyGroup {
	var out []leaverDutyGroup
	at := map[[3]string]int{}
	for _, d := range ds {
		k := [3]string{d.Ref, d.Kind, d.GoesTo}
		if i, ok := at[k]; ok {
			out[i].Count++
			if d.Due.Before(out[i].Due) {
				out[i].Due = d.Due
			}
			continue
		}
		at[k] = len(out)
		out = append(out, leaverDutyGroup{Ref: d.Ref, Kind: d.Kind, GoesTo: d.GoesTo, Due: d.Due, Count: 1})
	}
	return out
}

func (h *Handler) leaverPageOf(q *visit, id string) (leaverPage, error) {
	w, err := h.svc.LeaverWork(q.r.Context(), q.a, id)
	if err != nil {
		return leaverPage{}, err
	}
	hand, err := h.mayHandOn(q, id)
	if err != nil {
		return leaverPage{}, err
	}
	return leaverPage{LeaverWork: w, DutyGroups: groupLeaverDuties(w.Duties), HandOn: hand}, nil
}

func (h *Handler) adminLeaverForm(q *visit) error {
	w, err := h.leaverPageOf(q, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "admin_leaver", page{Title: "Mark " + rankedName(w.User) + " as a leaver",
		Nav: "admin", Data: w})
}

func (h *Handler) adminLeave(q *visit) error {
	f := q.r.PostForm
	var in service.UserLeaves
	err := request.DecodeForm(f, &in)
	in.User = q.r.PathValue("id")
	if err == nil {
		err = h.svc.UserLeaves(q.r.Context(), q.a, in)
	}
	if ps, ok := domain.AsProblems(err); ok {
		w, werr := h.leaverPageOf(q, in.User)
		if werr != nil {
			return werr
		}
		return h.render(q, http.StatusUnprocessableEntity, "admin_leaver", page{
			Title: "Mark " + rankedName(w.User) + " as a leaver", Nav: "admin", Errors: ps, Data: w, Form: formMap(f)})
	}
	if err != nil {
		return err
	}
	name := in.User
	if u := q.org.Users[in.User]; u != nil {
		name = rankedName(u)
	}
	q.redirectDone("/admin/users/"+url.PathEscape(in.User), name+" has been marked as a leaver. "+
		"The watchdog tells each team's supervisor to reallocate their open cases")
	return nil
}

func (h *Handler) grantOf(q *visit) (*domain.Grant, error) {
	gs, err := h.svc.Grants(q.r.Context(), q.a)
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		if g.ID == q.r.PathValue("id") {
			return g, nil
		}
	}
	return nil, service.ErrNotFound
}

// grantPage is a grant of powerful roles, and why the reader may not
// decide it ("" if they may): the service's two-person rule, so the
// decision is offered only to whom the service would take it from.
type grantPage struct {
	*domain.Grant
	Refused string
}

func (h *Handler) grantPage(q *visit, g *domain.Grant) grantPage {
	return grantPage{Grant: g, Refused: h.svc.MayDecideGrant(q.a, g)}
}

func (h *Handler) adminGrant(q *visit) error {
	g, err := h.grantOf(q)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "admin_grant", page{Title: "Grant of a powerful role", Nav: "admin",
		Data: h.grantPage(q, g)})
}

func (h *Handler) adminDecideGrant(q *visit) error {
	g, err := h.grantOf(q)
	if err != nil {
		return err
	}
	f := q.r.PostForm
	in := service.DecideGrant{Grant: g.ID, Reason: f.Get("reason")}
	switch f.Get("decision") {
	case "approve":
		in.Approve = true
	case "reject":
	default:
		ps := domain.Problems{{Field: "decision", Rule: "required", Message: "Choose whether to approve or reject the grant"}}
		return h.render(q, http.StatusUnprocessableEntity, "admin_grant", page{Title: "Grant of a powerful role",
			Nav: "admin", Errors: ps, Data: h.grantPage(q, g), Form: formMap(f)})
	}
	_, err = h.svc.DecideGrant(q.r.Context(), q.a, in)
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(q, http.StatusUnprocessableEntity, "admin_grant", page{Title: "Grant of a powerful role",
			Nav: "admin", Errors: ps, Data: h.grantPage(q, g), Form: formMap(f)})
	}
	if err != nil {
		return err
	}
	name := g.UserID
	if u := q.org.Users[g.UserID]; u != nil {
		name = rankedName(u)
	}
	msg := grantWhat(g) + " for " + name + " has been rejected"
	if in.Approve {
		msg = name + " now holds the " + roleList(g.Roles)
		if len(g.Roles) == 0 {
			msg = name + " no longer holds the " + roleList(g.Remove)
		}
	}
	q.redirectDone("/admin/users/"+url.PathEscape(g.UserID), msg)
	return nil
}

func (h *Handler) adminNewUnit(q *visit) error {
	if err := h.mustAdmin(q); err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "admin_unit", page{Title: "Add a unit", Nav: "admin",
		Data: sortedUnits(q.org), Form: map[string]string{"kind": "team"}})
}

func (h *Handler) adminCreateUnit(q *visit) error {
	f := q.r.PostForm
	var in service.NewUnit
	var u *domain.Unit
	err := request.DecodeForm(f, &in)
	if err == nil {
		u, err = h.svc.CreateUnit(q.r.Context(), q.a, in)
	}
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(q, http.StatusUnprocessableEntity, "admin_unit", page{Title: "Add a unit", Nav: "admin",
			Errors: ps, Data: sortedUnits(q.org), Form: formMap(f)})
	}
	if err != nil {
		return err
	}
	q.redirectDone("/admin", u.Name+" has been added")
	return nil
}

// sweepPage is the watchdog run by hand: nothing yet, a dry run's report,
// or a real run's.
type sweepPage struct {
	Report *service.SweepReport
	DryRun bool
}

func (h *Handler) adminSweep(q *visit) error {
	p := sweepPage{}
	if q.r.URL.Query().Get("dry_run") != "" {
		rep, err := h.svc.Sweep(q.r.Context(), q.a, service.SweepOptions{DryRun: true,
			Overdue: service.OverdueCount})
		if err != nil {
			return err
		}
		p.Report, p.DryRun = rep, true
	} else if err := h.mustAdmin(q); err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "admin_sweep", page{Title: "Run the watchdog", Nav: "admin", Data: p})
}

func (h *Handler) adminSweepRun(q *visit) error {
	rep, err := h.svc.Sweep(q.r.Context(), q.a, service.SweepOptions{Overdue: service.OverdueCount})
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "admin_sweep", page{Title: "Run the watchdog", Nav: "admin",
		Data: sweepPage{Report: rep}, Flash: "The watchdog has run"})
}
