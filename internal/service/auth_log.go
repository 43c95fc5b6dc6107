package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/holdfast/holdfast/internal/clock"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// The security log (docs/security.md): every sign-in and its failure,
// lockout, session and token, password change and refusal (403) is a
// force-level event in the tamper-evident log — so it is in the ledger,
// checkpointed and witnessed like everything else — and also a structured
// log line. Each such event is indexed (store.SecurityRow) in the same
// transaction, so administrators and auditors can search it and lockouts
// can be counted without reading the log.

// Security event types. They are in the log forever: never rename one.
const (
	EvSignedIn        = "security.signed_in"
	EvSignInFailed    = "security.sign_in_failed"
	EvSignInThrottled = "security.sign_in_throttled"
	EvLocked          = "security.locked" // the account, from every address
	// EvAddressLocked: one address (auth.AddressKey) locked out of one
	// account; the owner elsewhere still signs in.
	EvAddressLocked   = "security.locked_from_address"
	EvUnlocked        = "security.unlocked"
	EvSignedOut       = "security.signed_out"
	EvSessionsEnded   = "security.sessions_ended"
	EvSessionExpired  = "security.session_expired"
	EvTokenCreated    = "security.token_created"
	EvTokenUsed       = "security.token_used"
	EvTokenRefused    = "security.token_refused"
	EvTokenRevoked    = "security.token_revoked"
	EvPasswordChanged = "security.password_changed"
	EvPasswordReset   = "security.password_reset"
	EvRefused         = "security.refused"
	EvSecurityLogRead = "security.log_read"
)

// SecurityKinds labels each security event type for people.
var SecurityKinds = map[string]string{
	EvSignedIn:        "Signed in",
	EvSignInFailed:    "Sign-in failed",
	EvSignInThrottled: "Sign-in refused: too many attempts",
	EvLocked:          "Account locked",
	EvAddressLocked:   "Sign-in locked from one address",
	EvUnlocked:        "Account unlocked",
	EvSignedOut:       "Signed out",
	EvSessionsEnded:   "Sessions ended",
	EvSessionExpired:  "Session timed out",
	EvTokenCreated:    "API token created",
	EvTokenUsed:       "API token used",
	EvTokenRefused:    "API token refused",
	EvTokenRevoked:    "API token revoked",
	EvPasswordChanged: "Password changed",
	EvPasswordReset:   "Password reset by an administrator",
	EvRefused:         "Refused (403)",
	EvSecurityLogRead: "Security log read",
	// Two-step sign-in (auth_mfa.go).
	EvPasswordAccepted: "Password accepted; second step asked",
	EvMFAEnrolled:      "Two-step sign-in set up",
	EvMFAReset:         "Two-step sign-in reset by an administrator",
	EvRecoveryUsed:     "Recovery code used",
	EvPasskeyAdded:     "Passkey added",
}

// IsSecurityEvent reports whether typ is a security event.
func IsSecurityEvent(typ string) bool { return strings.HasPrefix(typ, "security.") }

// SecurityEvent is the payload of every security event.
type SecurityEvent struct {
	UserID    string `json:"user_id,omitempty"` // the account it concerns
	Subject   string `json:"subject,omitempty"` // the username as typed
	Address   string `json:"address,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
	Detail    string `json:"detail,omitempty"`
}

// Client is who is at the other end of a request: its address (as
// request.ClientAddr decided it) and user agent, for the security log.
type Client struct {
	Address   string
	UserAgent string
}

type clientKey struct{}

// WithClient returns ctx carrying c.
func WithClient(ctx context.Context, c Client) context.Context {
	return context.WithValue(ctx, clientKey{}, c)
}

// ClientOf is the client a request came from (zero outside a request).
func ClientOf(ctx context.Context) Client {
	c, _ := ctx.Value(clientKey{}).(Client)
	return c
}

// anonymous is the actor of a security event nobody signed in did.
const anonymous = "anonymous"

// clip keeps a logged field short: a username field can hold anything.
func clipText(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8Start(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// secEvent appends one security event in tx and indexes it. actor is who
// did it ("" for anonymous); the client comes from ctx unless p names one.
func (s *Service) secEvent(ctx context.Context, tx store.Tx, typ, actor string, p SecurityEvent) error {
	c := ClientOf(ctx)
	if p.Address == "" {
		p.Address = c.Address
	}
	if p.UserAgent == "" {
		p.UserAgent = c.UserAgent
	}
	p.Subject, p.UserAgent, p.Detail = clipText(p.Subject, 64), clipText(p.UserAgent, 256), clipText(p.Detail, 500)
	if actor == "" {
		actor = anonymous
	}
	now := s.clock.Now().UTC()
	e, err := domain.NewEvent(typ, actor, "", now, p)
	if err != nil {
		return err
	}
	if err := tx.Append(e); err != nil {
		return err
	}
	ax, ok := tx.(store.AuthTx)
	if !ok {
		return errors.New("security log: the store cannot index security events")
	}
	row := store.SecurityRow{Seq: e.Seq, At: now, Kind: typ, UserID: p.UserID, Subject: strings.ToLower(p.Subject),
		Address: p.Address, UserAgent: p.UserAgent, Detail: p.Detail}
	if actor != anonymous {
		row.ActorID = actor
	}
	if err := ax.IndexSecurity(row); err != nil {
		return err
	}
	level := slog.LevelInfo
	switch typ {
	case EvSignInFailed, EvSignInThrottled, EvLocked, EvAddressLocked, EvRefused, EvTokenRefused:
		level = slog.LevelWarn
	}
	s.log.Log(ctx, level, "security event", "kind", typ, "seq", e.Seq, "actor", actor, "user", p.UserID,
		"subject", p.Subject, "address", p.Address, "user_agent", p.UserAgent, "detail", p.Detail)
	return nil
}

// recordSecurity writes one security event in its own transaction.
func (s *Service) recordSecurity(ctx context.Context, typ, actor string, p SecurityEvent) error {
	err := s.st.Write(ctx, func(tx store.Tx) error { return s.secEvent(ctx, tx, typ, actor, p) })
	if err != nil {
		s.log.ErrorContext(ctx, "security event not recorded", "kind", typ, "actor", actor, "err", err)
		return fmt.Errorf("record %s: %w", typ, err)
	}
	return nil
}

// RecordRefusal writes a refused request (HTTP 403) to the security log:
// a is who asked (nil if nobody was signed in), what the method and path.
func (s *Service) RecordRefusal(ctx context.Context, a *Actor, what string) {
	actor, user := "", ""
	if a != nil {
		actor, user = a.ID(), a.ID()
	}
	s.recordSecurity(context.WithoutCancel(ctx), EvRefused, actor, SecurityEvent{UserID: user, Detail: what})
}

// securityReaders may read the security log.
var securityReaders = []domain.Role{domain.RoleAdmin, domain.RoleAuditor}

// MayReadSecurityLog says whether the actor may read the security log, and
// if not, who may: the one rule for the log and the pages that offer it.
func (s *Service) MayReadSecurityLog(a *Actor) error {
	if a == nil {
		return ErrUnauthenticated
	}
	return a.need("reading the security log", securityReaders...)
}

// SecurityQuery filters the security log. Times are inclusive From,
// exclusive To; Before pages back from a sequence number.
type SecurityQuery struct {
	Kind    string    `json:"kind,omitempty"`
	UserID  string    `json:"user_id,omitempty"`
	Address string    `json:"address,omitempty"`
	From    time.Time `json:"from,omitzero"`
	To      time.Time `json:"to,omitzero"`
	Before  int64     `json:"before,omitempty"`
	Limit   int       `json:"limit,omitempty"`
}

// SecurityLog lists security events, newest first (administrators and
// auditors). Reading it is itself recorded: it holds where officers were.
func (s *Service) SecurityLog(ctx context.Context, a *Actor, q SecurityQuery) ([]store.SecurityRow, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := s.MayReadSecurityLog(a); err != nil {
		return nil, err
	}
	if q.Kind != "" && SecurityKinds[q.Kind] == "" {
		return nil, domain.Problems{{Field: "kind", Rule: "one_of",
			Message: "Choose a kind of security event from the list"}}
	}
	as, ok := s.st.(store.AuthStore)
	if !ok {
		return nil, errors.New("security log: the store keeps none")
	}
	if q.Limit <= 0 || q.Limit > 5000 {
		q.Limit = 50
	}
	rows, err := as.SecurityLog(ctx, store.SecurityFilter{Kind: q.Kind, UserID: q.UserID, Address: q.Address,
		From: q.From, To: q.To, Before: q.Before, Limit: q.Limit})
	if err != nil {
		return nil, fmt.Errorf("security log: %w", err)
	}
	detail := s.searchWords(ctx, a, q)
	if err := s.recordSecurity(ctx, EvSecurityLogRead, a.ID(), SecurityEvent{UserID: a.ID(), Detail: detail}); err != nil {
		return nil, err
	}
	return rows, nil
}

// searchWords says in words what a reader of the security log searched
// for, naming the person searched for, never their id: the log is read
// by people, and it is append-only, so what it says now it says for good.
func (s *Service) searchWords(ctx context.Context, a *Actor, q SecurityQuery) string {
	who := ""
	if q.UserID != "" {
		if org, err := s.Org(ctx, a); err == nil && org.Users[q.UserID] != nil {
			who = org.Users[q.UserID].Name
		}
	}
	return SearchWords(q, who)
}

// SearchWords says a search of the security log in words ("Searched the
// security log: all kinds, everyone, any date"); who names the person
// searched for ("" if none, or unknown). The security log's page says old
// rows, stored before the log wrote words, with it too.
func SearchWords(q SecurityQuery, who string) string {
	kind, when := "all kinds", "any date"
	if q.Kind != "" {
		if kind = strings.ToLower(SecurityKinds[q.Kind]); kind == "" {
			kind = "one kind"
		}
	}
	switch {
	case q.UserID == "":
		who = "everyone"
	case who == "":
		who = "one person"
	}
	const day = "2 January 2006"
	switch {
	case !q.From.IsZero() && !q.To.IsZero():
		when = "from " + q.From.UTC().Format(day) + " until before " + q.To.UTC().Format(day)
	case !q.From.IsZero():
		when = "from " + q.From.UTC().Format(day)
	case !q.To.IsZero():
		when = "before " + q.To.UTC().Format(day)
	}
	out := "Searched the security log: " + kind + ", " + who
	if q.Address != "" {
		out += ", from the address " + q.Address
	}
	out += ", " + when
	if q.Before > 0 {
		out += " (an older page)"
	}
	return out
}

// sentence starts words with a capital letter.
func sentence(w string) string {
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// SecurityQueryFrom reads a security log query from named text values (a
// URL's query): kind, user, address, from and to (dates, YYYY-MM-DD, the
// to date included), before and limit.
func SecurityQueryFrom(get func(string) string) (SecurityQuery, error) {
	q := SecurityQuery{Kind: get("kind"), UserID: get("user"), Address: strings.TrimSpace(get("address"))}
	var p domain.Problems
	day := func(field string) time.Time {
		v := strings.TrimSpace(get(field))
		if v == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation(time.DateOnly, v, clock.London)
		if err != nil {
			p.Add(field, "date", "Enter the date as year-month-day, for example 2026-03-02")
		}
		return t
	}
	q.From = day("from")
	if q.To = day("to"); !q.To.IsZero() {
		q.To = q.To.AddDate(0, 0, 1)
	}
	num := func(field string) int64 {
		v := strings.TrimSpace(get(field))
		if v == "" {
			return 0
		}
		var n int64
		if _, err := fmt.Sscan(v, &n); err != nil || n < 0 {
			p.Add(field, "number", "Give a whole number")
		}
		return n
	}
	q.Before, q.Limit = num("before"), int(num("limit"))
	return q, p.Err()
}

// SecurityCSV is the security log as CSV rows, a header first, in the
// page's words (people open it in a spreadsheet, not a program).
func SecurityCSV(rows []store.SecurityRow, org *domain.OrgState) [][]string {
	out := [][]string{{"Event number", "When (UTC)", "Kind code", "What happened", "Done by", "Account",
		"Username typed", "Client address", "Browser (user agent)", "Detail"}}
	name := func(id string) string {
		if u := org.Users[id]; u != nil {
			return u.Name
		}
		return id
	}
	for _, r := range rows {
		out = append(out, []string{fmt.Sprint(r.Seq), r.At.UTC().Format(time.RFC3339), r.Kind, SecurityKinds[r.Kind],
			cell(name(r.ActorID)), cell(name(r.UserID)), cell(r.Subject), cell(r.Address), cell(r.UserAgent),
			cell(r.Detail)})
	}
	return out
}

// cell keeps text typed by anyone (a username, a user agent) from being
// read as a formula by a spreadsheet.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// alertUser tells a person by email (when mail is set up and they have an
// address) that something happened to how they sign in, so that a change
// they did not make is noticed: a lock, a password reset or change, a
// second factor reset or set up. A failure to send is logged, never fatal.
func (s *Service) alertUser(ctx context.Context, u *domain.User, subject, body string) {
	s.sendAlert(context.WithoutCancel(ctx), u, subject, body)
}

// sendAlert is alertUser within ctx's deadline.
func (s *Service) sendAlert(ctx context.Context, u *domain.User, subject, body string) {
	if s.mail == nil || u == nil || u.Email == "" {
		return
	}
	body += "\n\nIf this was not you or an administrator you expected, tell your administrator at once." +
		"\n(Holdfast security notice: no reply is read.)"
	if err := s.mail.Send(ctx, u, "Holdfast: "+subject, body); err != nil {
		s.log.WarnContext(ctx, "security alert not sent", "user", u.ID, "subject", subject, "err", err)
	}
}

// alertUserAfter is alertUser without waiting for the mail server: a
// failed sign-in that brings on a lock, or an administrator's reset of a
// password or of two-step sign-in, is answered as fast whether or not the
// person has an email address, so its timing tells nothing of them, and
// no answer waits on a slow relay. The send is bounded by a minute (the
// context given the Mailer).
func (s *Service) alertUserAfter(ctx context.Context, u *domain.User, subject, body string) {
	if s.mail == nil || u == nil || u.Email == "" {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	go func() {
		defer cancel()
		s.sendAlert(ctx, u, subject, body)
	}()
}
