package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/exercise"
	"github.com/holdfast/holdfast/internal/http/request"
	"github.com/holdfast/holdfast/internal/http/response"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/service"
	"github.com/holdfast/holdfast/internal/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed all:assets/static
var staticFS embed.FS

// Handler serves the pages.
type Handler struct {
	svc    *service.Service
	pages  map[string]*template.Template
	mux    *http.ServeMux
	secure bool
	forms  map[string]caseForm           // the case page's forms
	plan   atomic.Pointer[exercise.Plan] // the exercise the database holds (exercise.go)
}

// New builds the pages over svc. secureCookies marks the session cookie
// Secure (behind TLS).
func New(svc *service.Service, secureCookies bool) (*Handler, error) {
	h := &Handler{svc: svc, mux: http.NewServeMux(), secure: secureCookies, pages: map[string]*template.Template{},
		forms: caseForms(svc)}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", n, err)
		}
		h.pages[base] = t
	}
	static, _ := fs.Sub(staticFS, "assets/static")
	h.mux.Handle("GET /assets/", http.StripPrefix("/assets/", http.FileServerFS(static)))
	h.routes()
	return h, nil
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

// page is what every template gets.
type page struct {
	Title  string
	Actor  *service.Actor
	CSRF   string
	Nav    string
	Errors domain.Problems
	Flash  string
	Org    *domain.OrgState
	Now    time.Time
	Data   any
	Form   map[string]string
	Unread int // new alerts in the reader's inbox, for the navigation (work.go)
	// UnreadKnown: the page counted Unread itself (render leaves it).
	UnreadKnown bool
	// Exercise: the reader has an exercise page (exercise.go).
	Exercise bool
	// MayLinks: the service lets the reader see links across cases and
	// the network (MayUseLinks), so the navigation offers its Links
	// section, whose index links the network (a header item of its own
	// wraps the header at 1280 pixels: TestHeaderNavigationFitsAt1280).
	MayLinks bool
	// MaySecurityLog: the service lets the reader read the security log
	// (MayReadSecurityLog), so the pages that offer it link it.
	MaySecurityLog bool
	// training is the policy's training section in force, so a refusal by
	// one of its requirements links its guidance (page.WhyOf).
	training *policy.Training
}

// visit is one signed-in request for a page.
type visit struct {
	w    http.ResponseWriter
	r    *http.Request
	a    *service.Actor
	csrf string
	org  *domain.OrgState
}

// signedIn wraps a page handler: it resolves the session (redirecting to
// sign-in without one) and checks the CSRF token on every form post.
func (h *Handler) signedIn(fn func(q *visit) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a, csrf, err := request.Authenticate(h.svc, r)
		if response.StatusOf(err) == http.StatusServiceUnavailable {
			// Not "sign in": the session may be fine, and signing in again
			// would lose what the officer typed.
			h.fail(w, r, nil, "", err)
			return
		}
		if errors.Is(err, request.ErrMustChangePassword) { // account.go
			http.Redirect(w, r, "/account/password", http.StatusSeeOther)
			return
		}
		if err != nil || csrf == "" {
			http.Redirect(w, r, "/sign-in?next="+urlEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if r.Method == http.MethodPost {
			if !parseForm(w, r) {
				return
			}
			if !request.CSRFOK(csrf, r.PostForm.Get("csrf")) {
				h.fail(w, r, a, csrf, errStaleForm)
				return
			}
		}
		org, err := h.svc.Org(r.Context(), a)
		if err != nil {
			h.fail(w, r, a, csrf, err)
			return
		}
		q := &visit{w: w, r: r.WithContext(request.WithActor(r.Context(), a)), a: a, csrf: csrf, org: org}
		if err := fn(q); err != nil {
			h.fail(w, r, a, csrf, err)
		}
	}
}

// parseForm reads a posted form no larger than the API takes a body
// (request.MaxBody): net/http alone would read 10 MB, and an attack stored
// a 9.5 MB note. It answers the request itself when it returns false.
func parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, request.MaxBody)
	err := r.ParseForm()
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		http.Error(w, fmt.Sprintf("The form is over %d bytes: shorten what you typed and send it again.",
			request.MaxBody), http.StatusRequestEntityTooLarge)
		return false
	case err != nil:
		http.Error(w, "The form could not be read: go back, reload and try again.", http.StatusBadRequest)
		return false
	}
	return true
}

// render writes a page; status is 200 unless the page reports a refusal.
func (h *Handler) render(q *visit, status int, name string, p page) error {
	p.Actor, p.CSRF, p.Org, p.Now = q.a, q.csrf, q.org, h.svc.Now()
	p.training = &h.svc.Policy().Training
	if !p.UnreadKnown {
		p.Unread = h.unread(q)
	}
	if p.Flash == "" {
		p.Flash = flash(q.csrf, q.r.URL.Query())
	}
	p.Exercise = h.exerciseNav(q)
	p.MayLinks = q.a != nil && h.svc.MayUseLinks(q.a) == nil
	p.MaySecurityLog = q.a != nil && h.svc.MayReadSecurityLog(q.a) == nil
	return h.write(q.w, status, name, p)
}

// The success banner shows only what the server said. A command's page
// redirects to path?done=<message>&sig=<HMAC of the message>, keyed by the
// session's CSRF token: only this server and this session know that key,
// so /work?done=<any text> from a link shows nothing (an attack put its own
// words in the green banner), and no server-side table or state is needed
// for the message, whichever instance serves the next request.

// redirectDone answers a successful form with a redirect to path (no query
// of its own) that shows msg in the success banner.
func (q *visit) redirectDone(path, msg string) {
	http.Redirect(q.w, q.r, doneURL(path, msg, q.csrf), http.StatusSeeOther)
}

// doneURL is path with the signed message in its query, before any
// fragment: after it, the browser would never send it, and the banner
// would not show.
func doneURL(path, msg, csrf string) string {
	path, frag, hasFrag := strings.Cut(path, "#")
	u := path + "?" + url.Values{"done": {msg}, "sig": {flashSig(csrf, msg)}}.Encode()
	if hasFrag {
		u += "#" + frag
	}
	return u
}

// flash is the banner's message from a request's query: empty unless it
// was signed for this session.
func flash(csrf string, query url.Values) string {
	msg := query.Get("done")
	if msg == "" || csrf == "" || !hmac.Equal([]byte(query.Get("sig")), []byte(flashSig(csrf, msg))) {
		return ""
	}
	return msg
}

func flashSig(csrf, msg string) string {
	m := hmac.New(sha256.New, []byte(csrf))
	m.Write([]byte("holdfast success banner\x00" + msg))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// fragment writes one named template of a page: htmx swaps it in.
func (h *Handler) fragment(q *visit, name, tmpl string, p page) error {
	p.Actor, p.CSRF, p.Org, p.Now = q.a, q.csrf, q.org, h.svc.Now()
	return h.exec(q.w, http.StatusOK, name, tmpl, p)
}

func (h *Handler) write(w http.ResponseWriter, status int, name string, p page) error {
	return h.exec(w, status, name, "layout.html", p)
}

func (h *Handler) exec(w http.ResponseWriter, status int, name, tmpl string, p page) error {
	t := h.pages[name]
	if t == nil {
		return fmt.Errorf("no page %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, tmpl, p); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := w.Write(buf.Bytes())
	return err
}

// fail shows an error page with the status the API would give.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, a *service.Actor, csrf string, err error) {
	if response.ClientGone(r, err) {
		w.WriteHeader(response.StatusClientGone)
		return
	}
	status := response.StatusOf(err)
	switch status {
	case http.StatusInternalServerError:
		slog.ErrorContext(r.Context(), "page failed", "path", r.URL.Path, "err", err)
	case http.StatusServiceUnavailable:
		response.Unavailable(w, r, err)
	}
	p := page{
		Title: errorTitle(err, status),
		Actor: a,
		CSRF:  csrf,
		Now:   h.svc.Now(),
		Data: errorPage{Status: status, Message: message(r, err, status), Glass: breakGlassOffer(r, a, status),
			Ask: h.whoToAsk(r, a, err, status)},
	}
	if ps, ok := domain.AsProblems(err); ok {
		p.Errors = ps
	}
	if werr := h.write(w, status, "error", p); werr != nil {
		http.Error(w, message(r, err, status), status)
	}
}

type errorPage struct {
	Status  int
	Message string
	Glass   string // where to ask for emergency access to the case, if offered (breakglass.go)
	Offer   *pageOffer
	Ask     string // who to ask, when the person may not do what they tried
}

// errStaleForm refuses a form whose CSRF token is not this session's.
var errStaleForm = fmt.Errorf("the form was stale or came from another site: %w", service.ErrForbidden)

// pageOffer is where an error page offers to go instead (a history page
// that is none offers the first).
type pageOffer struct {
	URL, Text string
}

// errorTitle names the error page in the GOV.UK pattern's words, never
// HTTP's ("Forbidden"); a full disk is named as such, since waiting will
// not mend it (docs/reliability.md), and so is a busy database. A refusal
// says what the person cannot do.
func errorTitle(err error, status int) string {
	switch {
	case status == http.StatusServiceUnavailable && store.DiskFull(err):
		return response.DiskFullTitle
	case status == http.StatusServiceUnavailable && store.Busy(err):
		return response.BusyTitle
	case status == http.StatusServiceUnavailable:
		return "Sorry, the service is unavailable"
	case status == http.StatusInternalServerError:
		return "Sorry, there is a problem with the service"
	case status == http.StatusNotFound:
		return "Page not found"
	case errors.Is(err, errStaleForm):
		return "The form could not be sent"
	case status == http.StatusForbidden:
		if f, ok := service.AsForbidden(err); ok && f.Doing != "" {
			return "You cannot " + f.Doing
		}
		return "You cannot do this"
	}
	return http.StatusText(status)
}

// whoToAsk says who can help a person refused: the people a rule names,
// the force's administrators (who give roles) when a role is missing, or
// their supervisor.
func (h *Handler) whoToAsk(r *http.Request, a *service.Actor, err error, status int) string {
	f, ok := service.AsForbidden(err)
	if status != http.StatusForbidden || !ok || a == nil {
		return ""
	}
	org, oerr := h.svc.Org(r.Context(), a)
	if oerr != nil {
		return "If your work needs you to do this, ask your supervisor."
	}
	names := func(ids []string) string {
		var ns []string
		for _, id := range ids {
			if u := org.Users[id]; u != nil && u.Active {
				ns = append(ns, domain.PersonName(u))
			}
		}
		slices.Sort(ns)
		if len(ns) > 3 {
			ns = ns[:3]
		}
		return domain.JoinOr(ns)
	}
	if who := names(f.Who); who != "" {
		return "Ask " + who + "."
	}
	if f.Rule == "role" {
		var admins []string
		for id, u := range org.Users {
			if u.HasRole(domain.RoleAdmin) {
				admins = append(admins, id)
			}
		}
		if who := names(admins); who != "" {
			return "If your work needs you to, ask an administrator to give you the role: " + who + "."
		}
	}
	return "If your work needs you to do this, ask your supervisor."
}

func message(r *http.Request, err error, status int) string {
	switch {
	case status == http.StatusInternalServerError:
		return "Something went wrong on our side. It has been logged: tell your administrator the time it happened."
	case status == http.StatusServiceUnavailable && store.DiskFull(err):
		return response.DiskFullMessage
	case status == http.StatusServiceUnavailable && store.Busy(err):
		return response.BusyMessage(r)
	case status == http.StatusServiceUnavailable:
		return response.UnavailableMessage(r)
	case errors.Is(err, service.ErrNotFound):
		return "There is no such page or case, or you do not need to know about it."
	case errors.Is(err, errStaleForm):
		return "The form was open too long, or came from another site. Go back, reload the page and try again."
	}
	if _, ok := service.AsForbidden(err); !ok && status == http.StatusForbidden {
		// A refusal wrapped by hand ("planning an audit is for auditors:
		// not allowed") reads as a sentence, without the sentinel's words.
		return domain.Sentence(strings.TrimSuffix(err.Error(), ": "+service.ErrForbidden.Error()))
	}
	return err.Error()
}
