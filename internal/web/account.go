package web

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

// Your account (issue 17): your sessions and API tokens, your password;
// an administrator's password reset and unlock; the security log for
// administrators and auditors. docs/security.md says what each control does.

func (h *Handler) accountRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /account", h.signedIn(h.account))
	m.HandleFunc("POST /account/sessions/end", h.signedIn(h.endSessions))
	m.HandleFunc("POST /account/tokens", h.signedIn(h.createToken))
	m.HandleFunc("POST /account/tokens/{id}/revoke", h.signedIn(h.revokeToken))
	m.HandleFunc("GET /account/password", h.signedIn(h.passwordPage))
	m.HandleFunc("POST /account/password", h.signedIn(h.changePassword))
	m.HandleFunc("GET /admin/users/{id}/password", h.signedIn(h.resetPage))
	m.HandleFunc("POST /admin/users/{id}/password", h.signedIn(h.resetPassword))
	m.HandleFunc("POST /admin/users/{id}/unlock", h.signedIn(h.unlock))
	m.HandleFunc("GET /security-log", h.signedIn(h.securityLogPage))
	h.accountMFARoutes(m)
	h.passkeyRoutes(m)
}

type accountPage struct {
	Passkeys   []store.PasskeyRow
	PasskeysOn bool
	TwoStep    *service.TwoStep
	Sessions   []service.SessionView
	Tokens     []store.TokenRow
	NewToken   string // shown once, just after it was made
	Policy     string
}

func sessionCookie(q *visit) string {
	if c, err := q.r.Cookie(request.SessionCookie); err == nil {
		return c.Value
	}
	return ""
}

func (h *Handler) accountData(q *visit) (*accountPage, error) {
	ctx := q.r.Context()
	sess, err := h.svc.MySessions(ctx, q.a, sessionCookie(q))
	if err != nil {
		return nil, err
	}
	toks, err := h.svc.Tokens(ctx, q.a, service.TokenQuery{})
	if err != nil {
		return nil, err
	}
	two, err := h.svc.TwoStepOf(ctx, q.a)
	if err != nil {
		return nil, err
	}
	pks, err := h.svc.MyPasskeys(ctx, q.a)
	if err != nil {
		return nil, err
	}
	return &accountPage{Passkeys: pks, PasskeysOn: h.svc.PasskeysOn(), TwoStep: two, Sessions: sess, Tokens: toks,
		Policy: h.svc.Policy().Auth.String()}, nil
}

func (h *Handler) account(q *visit) error {
	d, err := h.accountData(q)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "account", page{Title: "Your account", Nav: "account", Data: d,
		Form: map[string]string{"scope": service.ScopeReadOnly}})
}

func (h *Handler) endSessions(q *visit) error {
	in := service.EndSessionsIn{ID: q.r.PostForm.Get("id"), All: q.r.PostForm.Get("all") == "yes",
		Others: q.r.PostForm.Get("others") == "yes"}
	n, err := h.svc.EndMySessions(q.r.Context(), q.a, sessionCookie(q), in)
	if err != nil {
		return err
	}
	if in.All {
		http.SetCookie(q.w, &http.Cookie{Name: request.SessionCookie, Value: "", Path: "/", MaxAge: -1,
			HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode})
		http.Redirect(q.w, q.r, "/sign-in", http.StatusSeeOther)
		return nil
	}
	msg := "You had no other session to sign out"
	if n > 0 {
		msg = domain.Capitalise(plural(n, "other session", "other sessions")) + " signed out"
	}
	q.redirectDone("/account", msg)
	return nil
}

func (h *Handler) createToken(q *visit) error {
	f := q.r.PostForm
	days, _ := strconv.Atoi(f.Get("days"))
	in := service.NewToken{Name: f.Get("name"), Scope: f.Get("scope"), Days: days, Password: f.Get("password")}
	t, err := h.svc.IssueToken(q.r.Context(), q.a, in)
	form := map[string]string{"name": in.Name, "scope": in.Scope, "days": f.Get("days")}
	d, derr := h.accountData(q)
	if derr != nil {
		return derr
	}
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(q, http.StatusUnprocessableEntity, "account", page{Title: "Your account", Nav: "account",
			Data: d, Errors: ps, Form: form})
	}
	if err != nil {
		return err
	}
	d.NewToken = t.Token
	return h.render(q, http.StatusCreated, "account", page{Title: "Your account", Nav: "account", Data: d,
		Flash: "API token " + t.Info.Name + " created: copy it now, it will not be shown again",
		Form:  map[string]string{"scope": service.ScopeReadOnly}})
}

func (h *Handler) revokeToken(q *visit) error {
	if err := h.svc.RevokeToken(q.r.Context(), q.a, service.RevokeTokenIn{ID: q.r.PathValue("id")}); err != nil {
		return err
	}
	back := "/account"
	if u := q.r.PostForm.Get("back"); u != "" {
		back = localNext(u)
	}
	q.redirectDone(back, "API token revoked")
	return nil
}

func (h *Handler) passwordPage(q *visit) error {
	must, err := h.svc.MustChangePassword(q.r.Context(), q.a)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "password", page{Title: "Change your password", Nav: "account",
		Data: passwordData{Must: must, Min: h.svc.Policy().Auth.PasswordMinLength}})
}

type passwordData struct {
	Must bool
	Min  int
}

func (h *Handler) changePassword(q *visit) error {
	f := q.r.PostForm
	in := service.PasswordChange{Current: f.Get("current"), New: f.Get("new")}
	err := h.svc.ChangePassword(q.r.Context(), q.a, sessionCookie(q), in)
	if ps, ok := domain.AsProblems(err); ok {
		must, _ := h.svc.MustChangePassword(q.r.Context(), q.a)
		return h.render(q, http.StatusUnprocessableEntity, "password", page{Title: "Change your password",
			Nav: "account", Errors: ps, Data: passwordData{Must: must, Min: h.svc.Policy().Auth.PasswordMinLength}})
	}
	if err != nil {
		return err
	}
	q.redirectDone("/account", "Your password has been changed; your other sessions were signed out")
	return nil
}

type resetData struct {
	User *domain.User
	Lock *service.SignInLock
	Min  int
}

func (h *Handler) resetData(q *visit) (*resetData, error) {
	id := q.r.PathValue("id")
	u := q.org.Users[id]
	if u == nil {
		return nil, fmt.Errorf("no such user: %w", service.ErrNotFound)
	}
	lock, err := h.svc.SignInLockOf(q.r.Context(), q.a, id)
	if err != nil {
		return nil, err
	}
	return &resetData{User: u, Lock: lock, Min: h.svc.Policy().Auth.PasswordMinLength}, nil
}

func (h *Handler) resetPage(q *visit) error {
	d, err := h.resetData(q)
	if err != nil {
		return err
	}
	return h.render(q, http.StatusOK, "reset", page{Title: "Reset password", Nav: "admin", Data: d})
}

func (h *Handler) resetPassword(q *visit) error {
	d, err := h.resetData(q)
	if err != nil {
		return err
	}
	in := service.PasswordReset{UserID: d.User.ID, New: q.r.PostForm.Get("new")}
	err = h.svc.ResetPassword(q.r.Context(), q.a, in)
	if ps, ok := domain.AsProblems(err); ok {
		return h.render(q, http.StatusUnprocessableEntity, "reset", page{Title: "Reset password", Nav: "admin",
			Data: d, Errors: ps})
	}
	if err != nil {
		return err
	}
	q.redirectDone("/admin/users/"+url.PathEscape(d.User.ID)+"/password", "Password reset for "+domain.PersonName(d.User)+
		": they must change it when they next sign in; their sessions were signed out")
	return nil
}

func (h *Handler) unlock(q *visit) error {
	d, err := h.resetData(q)
	if err != nil {
		return err
	}
	if err := h.svc.Unlock(q.r.Context(), q.a, service.UnlockIn{UserID: d.User.ID}); err != nil {
		return err
	}
	back := "/admin/users/" + url.PathEscape(d.User.ID) + "/password"
	if q.r.PostForm.Get("from") == "user" { // the user's page, which shows the lock too
		back = "/admin/users/" + url.PathEscape(d.User.ID)
	}
	q.redirectDone(back, domain.PersonName(d.User)+" may sign in again")
	return nil
}

type securityData struct {
	Rows   []store.SecurityRow
	Query  url.Values
	Older  string // query of the next (older) page
	CSV    string // query of the CSV of this filter
	Kinds  [][]string
	People [][]string
}

func (h *Handler) securityLogPage(q *visit) error {
	raw := q.r.URL.Query()
	form := map[string]string{"kind": raw.Get("kind"), "user": raw.Get("user"), "address": raw.Get("address"),
		"from": raw.Get("from"), "to": raw.Get("to")}
	qs, bad := filterDates(raw, form, [2]string{"from", "From"}, [2]string{"to", "To"})
	sq, err := service.SecurityQueryFrom(qs.Get)
	if len(bad) > 0 {
		err = bad
	}
	d := &securityData{Query: qs, Kinds: [][]string{{"", "Any kind"}}, People: [][]string{{"", "Anyone"}}}
	for k, label := range service.SecurityKinds {
		d.Kinds = append(d.Kinds, []string{k, label})
	}
	sort.Slice(d.Kinds[1:], func(i, j int) bool { return d.Kinds[i+1][1] < d.Kinds[j+1][1] })
	var users []*domain.User
	for _, u := range q.org.Users {
		users = append(users, u)
	}
	sort.Slice(users, func(i, j int) bool { return users[i].Name < users[j].Name })
	for _, u := range users {
		d.People = append(d.People, []string{u.ID, domain.PersonName(u)})
	}
	p := page{Title: "Security log", Nav: "account", Data: d, Form: form}
	if ps, ok := domain.AsProblems(err); ok {
		p.Errors = ps
		return h.render(q, http.StatusUnprocessableEntity, "security", p)
	}
	if sq.Limit == 0 {
		sq.Limit = 50
	}
	if d.Rows, err = h.svc.SecurityLog(q.r.Context(), q.a, sq); err != nil {
		if ps, ok := domain.AsProblems(err); ok {
			p.Errors = ps
			return h.render(q, http.StatusUnprocessableEntity, "security", p)
		}
		return err
	}
	csv := url.Values{}
	for _, k := range []string{"kind", "user", "address", "from", "to"} {
		if v := qs.Get(k); v != "" {
			csv.Set(k, v)
		}
	}
	d.CSV = csv.Encode()
	if len(d.Rows) == sq.Limit {
		older := url.Values{}
		for k, v := range csv {
			older[k] = v
		}
		older.Set("before", strconv.FormatInt(d.Rows[len(d.Rows)-1].Seq, 10))
		d.Older = older.Encode()
	}
	return h.render(q, http.StatusOK, "security", p)
}
