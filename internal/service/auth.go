package service

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/holdfast/holdfast/internal/auth"
	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/policy"
	"github.com/holdfast/holdfast/internal/store"
)

// SessionLifetime is the shipped policy's absolute session lifetime; the
// policy in force (auth.session_lifetime) decides.
const SessionLifetime = 12 * time.Hour

// argonParams follow RFC 9106's second recommended option, scaled for a
// 2-core server: 64 MiB, 1 pass would be the first; we keep memory modest.
var argonParams = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

func hashPassword(pw string) (string, error) {
	h, err := argon2id.CreateHash(pw, argonParams)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return h, nil
}

type sharedHashKey struct{}

// sharedHashes is the one hash of each password CreateUser has set under
// a context marked by ShareDemoPasswordHash.
type sharedHashes struct {
	mu sync.Mutex
	of map[string]string
}

// ShareDemoPasswordHash marks ctx so that users created under it who are
// given the same password get the same stored hash, salt and all, computed
// once: for the demo generator, whose 130 accounts all have the one
// published password, and for which 130 argon2 runs were a sixth of the
// work before anyone could sign in (issue 20), and for the tests' fixture
// (internal/fixture), whose dozen users share one password too. A
// real force must never do this: one salt for many accounts shows who
// shares a password and lets a stolen database be attacked once for all of
// them. Nothing else sets it; `holdfast user add`, the API and the pages
// hash every password afresh.
func ShareDemoPasswordHash(ctx context.Context) context.Context {
	return context.WithValue(ctx, sharedHashKey{}, &sharedHashes{of: map[string]string{}})
}

// userPasswordHash is hashPassword, or the hash already made for pw under
// a context marked by ShareDemoPasswordHash.
func userPasswordHash(ctx context.Context, pw string) (string, error) {
	sh, _ := ctx.Value(sharedHashKey{}).(*sharedHashes)
	if sh == nil {
		return hashPassword(pw)
	}
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if h, ok := sh.of[pw]; ok {
		return h, nil
	}
	h, err := hashPassword(pw)
	if err == nil {
		sh.of[pw] = h
	}
	return h, err
}

func randomToken() (string, []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	tok := base64.RawURLEncoding.EncodeToString(b)
	return tok, tokenHash(tok)
}

// tokenHash is what we store: a stolen database does not yield live tokens.
func tokenHash(tok string) []byte {
	h := sha256.Sum256([]byte(tok))
	return h[:]
}

// SessionID names a session to its owner (the "my sessions" list) without
// revealing the token: the first bytes of the hash of its stored hash.
func SessionID(tokenHash []byte) string {
	h := sha256.Sum256(tokenHash)
	return hex.EncodeToString(h[:8])
}

// Session is what a browser holds after signing in.
type Session struct {
	Token   string
	CSRF    string
	Expires time.Time
	Actor   *Actor
	// MustChangePassword: an administrator reset the password, so the
	// session may only change it (docs/security.md).
	MustChangePassword bool
	// Stage is "" when signed in; StageMFA or StageEnrol when the
	// password was right but the second step is still to come.
	Stage string
}

func (s *Service) authStore() (store.AuthStore, error) {
	as, ok := s.st.(store.AuthStore)
	if !ok {
		return nil, errors.New("the store keeps no authentication records")
	}
	return as, nil
}

// errBadSignIn is the one answer to every refused password sign-in.
var errBadSignIn = fmt.Errorf("sign in: the username or password is not right: %w", ErrUnauthenticated)

// lockTally is the count towards one lock: an address's on one account, or
// the account's from every address.
type lockTally struct {
	failures int       // in the window, or since its standing lock began
	locked   time.Time // when its standing lock began (zero: not locked)
	from     string    // the address recorded with that lock
	done     bool      // a success or a lock that ran out ended the count
}

// lockState is what the security log says of one subject's recent
// sign-ins, as seen from one client address. Wrong passwords lock the
// address (auth.AddressKey) out of the account after lockout_failures, so
// a guesser cannot lock the owner out from their own desk; the account is
// locked from everywhere after account_failures from all addresses, each
// counting at most lockout_failures (attempts after its own lock were
// never weighed), so a guess spread over many addresses still stops.
type lockState struct {
	addr    lockTally       // the client's address on this account
	account lockTally       // every network together
	net     int             // the failures the client's network adds to account (at most lockout_failures)
	locked  time.Time       // when a lock that stops the client began (zero: none)
	until   time.Time       // when the last standing lock, of any address, ends
	byAddr  []LockedAddress // the standing locks of addresses, oldest first
}

// reason is what the security log says of a refusal under a standing lock.
func (l lockState) reason() string {
	if !l.account.locked.IsZero() {
		return "account locked"
	}
	return "account locked from this address"
}

func (s *Service) lockStateOf(ctx context.Context, as store.AuthStore, subject, addr string, now time.Time,
	pol policy.Auth) (lockState, error) {
	var st lockState
	rows, err := signInHistory(ctx, as, subject, now.Add(-pol.LockoutWindow-pol.LockoutFor),
		4*max(pol.AccountFailures, pol.LockoutFailures)+8)
	if err != nil {
		return st, err
	}
	since := now.Add(-pol.LockoutWindow)
	pairs := map[string]*lockTally{}
	netOf := map[string]string{} // address key → network key
walk:
	for _, r := range rows {
		k := auth.AddressKey(r.Address)
		p := pairs[k]
		if p == nil {
			p = &lockTally{}
			pairs[k] = p
			netOf[k] = auth.NetworkKey(r.Address)
		}
		switch r.Kind {
		case EvUnlocked, EvPasswordReset:
			break walk
		case EvSignedIn:
			p.done = true // the owner, from here: its failures before were theirs
		case EvLocked:
			if now.Before(r.At.Add(pol.LockoutFor)) {
				st.account.locked = r.At
				continue
			}
			break walk // a lock that has run out starts every count again
		case EvAddressLocked:
			if p.done {
				continue
			}
			if now.Before(r.At.Add(pol.LockoutFor)) {
				p.locked, p.from = r.At, r.Address
				continue
			}
			p.done = true
		case EvSignInFailed:
			if !p.done && (!r.At.Before(since) || !p.locked.IsZero()) {
				p.failures++
			}
		}
	}
	if t := st.account.locked; !t.IsZero() {
		st.until = t.Add(pol.LockoutFor)
	}
	// Each network (an IPv6 /48: auth.NetworkKey) adds at most
	// lockout_failures to the account's count, however many addresses in
	// it failed, so reaching account_failures takes several networks.
	nets := map[string]int{}
	for k, p := range pairs {
		nets[netOf[k]] += min(p.failures, pol.LockoutFailures)
		if p.locked.IsZero() {
			continue
		}
		until := p.locked.Add(pol.LockoutFor)
		if until.After(st.until) {
			st.until = until
		}
		la := LockedAddress{Address: p.from, Since: p.locked, Until: until}
		if k != p.from {
			la.Network = k
		}
		st.byAddr = append(st.byAddr, la)
	}
	slices.SortFunc(st.byAddr, func(a, b LockedAddress) int {
		return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.Address, b.Address))
	})
	for _, n := range nets {
		st.account.failures += min(n, pol.LockoutFailures)
	}
	st.net = min(nets[auth.NetworkKey(addr)], pol.LockoutFailures)
	if p := pairs[auth.AddressKey(addr)]; p != nil {
		st.addr = *p
	}
	st.locked = st.account.locked
	if st.locked.IsZero() {
		st.locked = st.addr.locked
	}
	return st, nil
}

// lockKinds are the rows that begin or end a lock; decidingKinds, those
// and the rows that count towards one. No other kind of row (a 429 writes
// sign_in_throttled with any name it was given) bears on the lock.
var (
	lockKinds     = []string{EvLocked, EvAddressLocked, EvUnlocked, EvPasswordReset}
	decidingKinds = append([]string{EvSignInFailed, EvSignedIn}, lockKinds...)
)

// signInHistory is what lockStateOf weighs, newest first: the subject's
// last rows of the deciding kinds since since, at most limit, and every
// lock (and unlock) since since however many rows came after it, so that
// no flood of rows — of any kind — pushes a standing lock out of sight.
// Lock rows are few without a bound on their number: an address lock
// needs lockout_failures weighed guesses, and none is weighed while the
// account lock stands, so a window holds only a handful.
func signInHistory(ctx context.Context, as store.AuthStore, subject string, since time.Time,
	limit int) ([]store.SecurityRow, error) {
	rows, err := as.SignInHistory(ctx, subject, since, decidingKinds, limit)
	if err != nil {
		return nil, err
	}
	locks, err := as.SignInHistory(ctx, subject, since, lockKinds, 0)
	if err != nil {
		return nil, err
	}
	seen := make(map[int64]bool, len(rows))
	for _, r := range rows {
		seen[r.Seq] = true
	}
	for _, r := range locks {
		if !seen[r.Seq] {
			rows = append(rows, r)
		}
	}
	slices.SortFunc(rows, func(a, b store.SecurityRow) int { return cmp.Compare(b.Seq, a.Seq) })
	return rows, nil
}

// signInDelay is the pause before answering a failed sign-in, doubling with
// each failure in the window: 0.1 s, 0.2, 0.4, 0.8, then 1.6 s at most.
func signInDelay(failures int) time.Duration {
	return 100 * time.Millisecond << min(max(failures-1, 0), 4)
}

// SignIn checks a password and opens a session. The same error, and
// similar timing, is given for an unknown user, a wrong password, a leaver
// and a locked account, so names cannot be probed; every attempt is in the
// security log with the client's address (ClientOf(ctx)). It may refuse
// with *Throttled (HTTP 429) before checking anything.
func (s *Service) SignIn(ctx context.Context, username, password string) (*Session, error) {
	as, err := s.authStore()
	if err != nil {
		return nil, err
	}
	pol := s.Policy().Auth
	c := ClientOf(ctx)
	subject := strings.ToLower(strings.TrimSpace(username))
	now := s.clock.Now()
	if !pol.PasswordsOn() {
		s.recordSecurity(ctx, EvSignInFailed, "", SecurityEvent{Subject: subject,
			Detail: "passwords are switched off (policy auth.local_passwords: false)"})
		return nil, fmt.Errorf("sign in with your force's sign-in: passwords are switched off: %w",
			ErrUnauthenticated)
	}
	if s.gate.busyFor(c.Address, now) {
		return nil, s.throttled(ctx, c.Address, subject, &Throttled{RetryAfter: time.Second,
			Reason: "Holdfast is busy checking other sign-ins"})
	}
	class, err := s.addressClass(ctx, as, c.Address, subject, now, pol)
	if err != nil {
		return nil, err
	}
	if !s.gate.enterSubject(subject) {
		return nil, s.throttled(ctx, c.Address, subject, &Throttled{RetryAfter: time.Second,
			Reason: "This account is already signing in"})
	}
	defer s.gate.leaveSubject(subject)
	lock, err := s.lockStateOf(ctx, as, subject, c.Address, now, pol)
	if err != nil {
		return nil, fmt.Errorf("sign in: %w: %w", ErrUnavailable, err)
	}
	u, err := s.st.UserByUsername(ctx, subject)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	hash, why := dummyHash, "unknown username"
	if u != nil {
		switch h, err := s.st.PasswordHash(ctx, u.ID); {
		case err == nil:
			hash, why = h, ""
		case errors.Is(err, store.ErrNotFound):
			why = "no password set"
		default:
			return nil, fmt.Errorf("sign in: %w: %w", ErrUnavailable, err)
		}
	}
	if err := s.gate.acquire(ctx, class, HashWait); err != nil {
		var t *Throttled
		if errors.As(err, &t) {
			return nil, s.throttled(ctx, c.Address, subject, t)
		}
		return nil, err
	}
	ok, _ := argon2id.ComparePasswordAndHash(password, hash)
	s.gate.release()
	switch {
	case why != "":
	case !ok:
		why = "wrong password"
	case !u.Active:
		why = "the user has left"
	case !lock.locked.IsZero():
		why = lock.reason()
	}
	if why != "" {
		return nil, s.signInFailed(ctx, u, subject, why, lock, pol, now)
	}
	stage, err := s.stageFor(ctx, as, u)
	if err != nil {
		return nil, fmt.Errorf("sign in: %w: %w", ErrUnavailable, err)
	}
	return s.openSession(ctx, as, u, now, pol, stage, "with a password")
}

// addressClass decides the client address's queue class, or refuses it
// when it (its IPv6 /64: auth.AddressKey) has failed address_failures
// times within the lockout window.
func (s *Service) addressClass(ctx context.Context, as store.AuthStore, addr, subject string, now time.Time,
	pol policy.Auth) (int, error) {
	if addr == "" {
		return 0, nil
	}
	s.gate.mu.Lock()
	dirty := s.gate.refusedLately(addr, now)
	s.gate.mu.Unlock()
	rows, err := as.SecurityLog(ctx, store.SecurityFilter{Kind: EvSignInFailed, AddressKey: addr,
		From: now.Add(-pol.LockoutWindow), Limit: pol.AddressFailures})
	if err != nil {
		return 0, fmt.Errorf("sign in: %w: %w", ErrUnavailable, err)
	}
	if len(rows) == 0 && !dirty {
		return 0, nil
	}
	if len(rows) >= pol.AddressFailures {
		oldest := rows[len(rows)-1].At
		return 0, s.throttled(ctx, addr, subject, &Throttled{RetryAfter: oldest.Add(pol.LockoutWindow).Sub(now),
			Reason: "Too many failed sign-ins from your address"})
	}
	return 1, nil
}

// throttled records a refused attempt — at most once a minute, by the
// service's clock, for an address (its IPv6 /64), so a flood cannot fill
// the log with refusals — and returns t.
func (s *Service) throttled(ctx context.Context, addr, subject string, t *Throttled) error {
	now := s.clock.Now()
	key := auth.AddressKey(addr)
	s.gate.mu.Lock()
	if s.gate.noted == nil {
		s.gate.noted = map[string]time.Time{}
	}
	last, seen := s.gate.noted[key]
	if !seen || now.Sub(last) > time.Minute {
		s.gate.noted[key] = now
		if len(s.gate.noted) > 10000 {
			clear(s.gate.noted)
		}
		seen = false
	}
	s.gate.mu.Unlock()
	if !seen {
		s.recordSecurity(context.WithoutCancel(ctx), EvSignInThrottled, "",
			SecurityEvent{Subject: subject, Detail: t.Reason + " (further refusals from this address in the next " +
				"minute are not recorded)"})
	}
	s.log.WarnContext(ctx, "sign-in throttled", "address", addr, "subject", clipText(subject, 64), "reason", t.Reason)
	return t
}

// signInFailed records a failed sign-in (and the locks it brings on),
// waits the progressive delay, and returns the one refusal. A guess made
// while a lock stood was not weighed, so it brings on no further lock.
func (s *Service) signInFailed(ctx context.Context, u *domain.User, subject, why string, lock lockState,
	pol policy.Auth, now time.Time) error {
	user := ""
	if u != nil {
		user = u.ID
	}
	failures, account := lock.addr.failures+1, lock.account.failures
	if failures <= pol.LockoutFailures && lock.net < pol.LockoutFailures {
		account++
	}
	weighed := lock.locked.IsZero()
	lockAddr := weighed && failures >= pol.LockoutFailures
	lockAll := weighed && account >= pol.AccountFailures
	addr := ClientOf(ctx).Address
	err := s.st.Write(ctx, func(tx store.Tx) error {
		if err := s.secEvent(ctx, tx, EvSignInFailed, "", SecurityEvent{UserID: user, Subject: subject,
			Detail: why}); err != nil {
			return err
		}
		if lockAddr {
			if err := s.secEvent(ctx, tx, EvAddressLocked, "", SecurityEvent{UserID: user, Subject: subject,
				Detail: fmt.Sprintf("%d failed sign-ins from this address within %s: it is locked out of the "+
					"account for %s", failures, pol.LockoutWindow, pol.LockoutFor)}); err != nil {
				return err
			}
		}
		if lockAll {
			return s.secEvent(ctx, tx, EvLocked, "", SecurityEvent{UserID: user, Subject: subject,
				Detail: fmt.Sprintf("%d failed sign-ins from every address within %s: locked for %s", account,
					pol.LockoutWindow, pol.LockoutFor)})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sign in: record the failure: %w", err)
	}
	switch {
	case lockAll:
		s.alertUserAfter(ctx, u, "your sign-in is locked", fmt.Sprintf("After %d failed attempts to sign in as you, "+
			"from several addresses (the last %s), Holdfast has locked your sign-in for %s, from everywhere.",
			account, addr, pol.LockoutFor))
	case lockAddr:
		s.alertUserAfter(ctx, u, "your sign-in is locked", fmt.Sprintf("After %d failed attempts to sign in as you, "+
			"from %s, Holdfast has locked your sign-in from that address for %s. You can still sign in from "+
			"elsewhere.", failures, addr, pol.LockoutFor))
	}
	t := time.NewTimer(signInDelay(failures))
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
	return errBadSignIn
}

// openSession starts a session for u, recorded in the security log.
func (s *Service) openSession(ctx context.Context, as store.AuthStore, u *domain.User, now time.Time,
	pol policy.Auth, stage, how string) (*Session, error) {
	must, _, err := as.PasswordState(ctx, u.ID)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("sign in: %w: %w", ErrUnavailable, err)
	}
	tok, th := randomToken()
	csrf, _ := randomToken()
	c := ClientOf(ctx)
	row := store.SessionRow{TokenHash: th, UserID: u.ID, CSRF: csrf, Created: now, LastSeen: now,
		Expires: now.Add(pol.SessionLifetime), Address: c.Address, UserAgent: clipText(c.UserAgent, 256), Stage: stage}
	typ := EvSignedIn
	if stage != "" { // half signed in: good only for the second step, briefly
		row.Expires, typ = now.Add(pendingFor), EvPasswordAccepted
	}
	err = s.st.Write(ctx, func(tx store.Tx) error {
		ax, ok := tx.(store.AuthTx)
		if !ok {
			return errors.New("the store keeps no sessions")
		}
		if err := ax.CreateSessionRow(row); err != nil {
			return err
		}
		// Words for the log's readers; the session's reference stays at
		// the end, in brackets, so that an investigator can match a
		// sign-in to its sign-out in the CSV (the page leaves it out).
		detail := "Signed in " + how
		if typ == EvPasswordAccepted {
			detail = "Password accepted"
		}
		switch {
		case stage == StageMFA:
			detail += "; waiting for the second step"
		case stage == StageEnrol:
			detail += "; two-step sign-in must be set up first"
		case must:
			detail += "; the password must be changed before anything else"
		}
		detail += " (session " + SessionID(th) + ")"
		return s.secEvent(ctx, tx, typ, u.ID, SecurityEvent{UserID: u.ID, Subject: u.Username, Detail: detail})
	})
	if err != nil {
		return nil, fmt.Errorf("sign in: %w", err)
	}
	return &Session{Token: tok, CSRF: csrf, Expires: row.Expires, Actor: &Actor{User: *u},
		MustChangePassword: must, Stage: stage}, nil
}

var dummyHash, _ = hashPassword("not a real password, only for timing")

// touchEvery is how stale a session's or token's last use may be before it
// is written again: a write on every request would cost more than it tells.
const touchEvery = time.Minute

// SessionActor resolves a session cookie to its actor and CSRF token. A
// session unused for the policy's session_idle, or older than its
// session_lifetime, has ended.
func (s *Service) SessionActor(ctx context.Context, token string) (*Actor, string, error) {
	a, sess, err := s.SessionOf(ctx, token)
	if err != nil {
		return nil, "", err
	}
	return a, sess.CSRF, nil
}

// SessionOf resolves a session cookie to its actor and session.
func (s *Service) SessionOf(ctx context.Context, token string) (*Actor, *store.SessionRow, error) {
	as, err := s.authStore()
	if err != nil {
		return nil, nil, err
	}
	th := tokenHash(token)
	sess, err := as.SessionRow(ctx, th)
	if err != nil {
		return nil, nil, notSignedIn("check the session", err)
	}
	now := s.clock.Now()
	pol := s.Policy().Auth
	seen := sess.LastSeen
	if seen.IsZero() {
		seen = now // a session from before idle timeouts
	}
	if sess.Stage != "" {
		return nil, nil, fmt.Errorf("finish signing in with your second step: %w", ErrUnauthenticated)
	}
	ended := ""
	switch {
	case !now.Before(sess.Expires):
		ended = "the session reached its end"
	case !sess.Created.IsZero() && !now.Before(sess.Created.Add(pol.SessionLifetime)):
		ended = fmt.Sprintf("the session reached its lifetime of %s", pol.SessionLifetime)
	case now.Sub(seen) >= pol.SessionIdle:
		ended = fmt.Sprintf("the session was idle for %s", pol.SessionIdle.Round(time.Second))
	}
	if ended != "" {
		err := s.st.Write(ctx, func(tx store.Tx) error {
			n, err := tx.(store.AuthTx).EndSession(sess.UserID, th)
			if err != nil || n == 0 {
				return err // another request ended it first
			}
			return s.secEvent(ctx, tx, EvSessionExpired, sess.UserID, SecurityEvent{UserID: sess.UserID,
				Detail: sentence(ended) + " (session " + SessionID(th) + ")"})
		})
		if err != nil {
			return nil, nil, notSignedIn("end the session", err)
		}
		return nil, nil, fmt.Errorf("%s: %w", ended, ErrUnauthenticated)
	}
	a, err := s.actor(ctx, sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	if now.Sub(seen) >= touchEvery || sess.LastSeen.IsZero() {
		if err := as.TouchSession(ctx, th, now); err != nil {
			return nil, nil, notSignedIn("record the session's use", err)
		}
	}
	return a, sess, nil
}

// SignOut ends a session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	as, err := s.authStore()
	if err != nil {
		return err
	}
	th := tokenHash(token)
	sess, err := as.SessionRow(ctx, th)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.st.Write(ctx, func(tx store.Tx) error {
		n, err := tx.(store.AuthTx).EndSession(sess.UserID, th)
		if err != nil || n == 0 {
			return err
		}
		return s.secEvent(ctx, tx, EvSignedOut, sess.UserID, SecurityEvent{UserID: sess.UserID,
			Detail: "Signed out (session " + SessionID(th) + ")"})
	})
}

func (s *Service) actor(ctx context.Context, userID string) (*Actor, error) {
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, notSignedIn("read who is signed in", err)
	}
	u, ok := org.Users[userID]
	if !ok || !u.Active {
		return nil, ErrUnauthenticated
	}
	return &Actor{User: *u}, nil
}

// Bootstrap creates a force and its first administrator when the record is
// empty. It is how `holdfast serve` and `holdfast user add` start a force.
func (s *Service) Bootstrap(ctx context.Context, forceName string, admin NewUser) (*domain.User, error) {
	if err := checkInput(admin); err != nil {
		return nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, err
	}
	sys := SystemActor("bootstrap")
	sys.User.Roles = []domain.Role{domain.RoleAdmin}
	if admin.UnitID == "" {
		var force *domain.Unit
		for _, u := range org.Units {
			if u.Kind == domain.UnitForce {
				force = u
				break
			}
		}
		if force == nil {
			if force, err = s.CreateUnit(ctx, sys, NewUnit{Name: forceName, Kind: domain.UnitForce}); err != nil {
				return nil, err
			}
		}
		admin.UnitID = force.ID
	}
	return s.CreateUser(ctx, sys, admin)
}

// notSignedIn turns a failed look-up of who a request is from into the
// answer the client must act on. Only "no such session or token" means
// "sign in"; any other failure is the database's, and answering 401 for it
// would send a browser to the sign-in page (losing what was typed) and tell
// an integration its token was revoked. So it is ErrUnavailable (503), with
// the cause kept for the log.
func notSignedIn(what string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return ErrUnauthenticated
	}
	return fmt.Errorf("%s: %w: %w", what, ErrUnavailable, err)
}
