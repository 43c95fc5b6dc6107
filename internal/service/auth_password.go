package service

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/store"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
)

// Passwords (docs/security.md) follow the NCSC's guidance: a minimum length
// (the policy's password_min_length, 12 by default), no composition rules,
// and a check against a list of common and breached passwords shipped in
// the binary: the 17,950 entries of eight characters or more of the
// common-password dictionary of zxcvbn-ts (@zxcvbn-ts/language-common
// 4.1.3, MIT licence), which is drawn from breach corpora and maintained
// with that project. Every change and reset is a security event, and the
// new hash is sealed in the same transaction (ledger.EvCredentialsSealed),
// so the ledger's check of stored credentials knows it was the service
// that changed it.

//go:embed auth_common_passwords.txt
var commonPasswordsText string

var commonPasswords = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, 18000)
	sc := bufio.NewScanner(strings.NewReader(commonPasswordsText))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" {
			m[strings.ToLower(w)] = true
		}
	}
	return m
})

// PasswordProblems says what is wrong with a new password for username, if
// anything: too short, too long, common or breached, or repetitive.
func (s *Service) PasswordProblems(field, username, pw string) domain.Problems {
	var p domain.Problems
	min := s.Policy().Auth.PasswordMinLength
	n := utf8.RuneCountInString(pw)
	low := strings.ToLower(pw)
	distinct := map[rune]bool{}
	for _, r := range low {
		distinct[r] = true
	}
	switch {
	case n < min:
		p.Add(field, "min_length", fmt.Sprintf("Use a password of at least %d characters: a few unrelated words "+
			"make a long one easy to remember", min))
	case len(pw) > 256:
		p.Add(field, "max_length", "Use a password of at most 256 characters")
	case commonPasswords()[low] || commonPasswords()[strings.Join(strings.Fields(low), "")]:
		p.Add(field, "common", "That password is on a list of common or breached passwords: choose another")
	case len(distinct) < 5:
		p.Add(field, "repetitive", "That password repeats too few characters: choose another")
	case username != "" && strings.Contains(low, strings.ToLower(username)):
		p.Add(field, "username", "Do not put your username in your password")
	}
	return p
}

// PasswordChange is a person changing their own password.
type PasswordChange struct {
	Current string `json:"current"`
	New     string `json:"new"`
}

// ChangePassword changes the actor's password, given the current one. Every
// other session of theirs ends; the one it was asked from (token) stays.
func (s *Service) ChangePassword(ctx context.Context, a *Actor, token string, in PasswordChange) error {
	if err := checkInput(in); err != nil {
		return err
	}
	if a == nil || a.System {
		return ErrUnauthenticated
	}
	var p domain.Problems
	if in.Current == "" {
		p.Add("current", "required", "Enter your current password")
	}
	p = append(p, s.PasswordProblems("new", a.User.Username, in.New)...)
	if in.New != "" && in.New == in.Current {
		p.Add("new", "unchanged", "Choose a new password that differs from your current one")
	}
	if err := p.Err(); err != nil {
		return err
	}
	if err := s.confirmPassword(ctx, a, in.Current, "current"); err != nil {
		return err
	}
	var keep []byte
	if token != "" {
		keep = tokenHash(token)
	}
	if err := s.setPassword(ctx, a, &a.User, in.New, false, EvPasswordChanged, "changed by its owner", keep); err != nil {
		return err
	}
	s.alertUser(ctx, &a.User, "your password was changed", "Your Holdfast password was changed, and your other "+
		"sessions were signed out.")
	return nil
}

// PasswordReset is an administrator setting another's password, which the
// user must change when they next sign in.
type PasswordReset struct {
	UserID string `json:"-" path:"id"`
	New    string `json:"new"`
}

// ResetPassword sets a user's password to one the administrator gives them,
// to be changed at the next sign-in; every session of the user ends, and
// any lockout is lifted. Administrators only; not their own (they change it).
func (s *Service) ResetPassword(ctx context.Context, a *Actor, in PasswordReset) error {
	if err := checkInput(in); err != nil {
		return err
	}
	if a == nil {
		return ErrUnauthenticated
	}
	if err := a.need("resetting a password", domain.RoleAdmin); err != nil {
		return err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return err
	}
	u := org.Users[in.UserID]
	if u == nil {
		return fmt.Errorf("no user %q: %w", in.UserID, ErrNotFound)
	}
	var p domain.Problems
	if u.ID == a.ID() {
		p.Add("new", "own_password", "Change your own password on your account page, with your current one")
	}
	if !u.Active {
		p.Add("new", "left", fmt.Sprintf("%s has left: a leaver's password cannot be reset", u.Name))
	}
	// One administrator who could set another's password could sign in as
	// them and be the "second" administrator of the two-person rule: the
	// passwords of those holding a role that rule guards are reset only on
	// the server (holdfast user reset-password), which is recorded too.
	if r, ok := powerfulRoleOf(u); ok && !a.System {
		p.Add("new", "powerful_reset", fmt.Sprintf("%s is %s: their password is reset only on the server, "+
			"with holdfast user reset-password, so that no one administrator can sign in as another",
			u.Name, domain.WithArticle(domain.RoleLabel(r))))
	}
	p = append(p, s.PasswordProblems("new", u.Username, in.New)...)
	if err := p.Err(); err != nil {
		return err
	}
	if err := s.setPassword(ctx, a, u, in.New, true, EvPasswordReset,
		fmt.Sprintf("reset by an administrator for %s; to be changed at the next sign-in", u.Username), nil); err != nil {
		return err
	}
	s.alertUserAfter(ctx, u, "your password was reset", fmt.Sprintf("%s reset your Holdfast password. Your sessions were "+
		"signed out; choose a new password when you next sign in.", a.User.Name))
	return nil
}

// ResetOnServerOnly reports whether u's password is reset only on the
// server (ResetPassword's powerful_reset): the pages ask it so that they
// offer no reset the service would refuse.
func ResetOnServerOnly(u *domain.User) bool {
	_, ok := powerfulRoleOf(u)
	return ok
}

// powerfulRoleOf is the first role u holds that the two-person rule guards.
func powerfulRoleOf(u *domain.User) (domain.Role, bool) {
	for _, r := range u.Roles {
		if domain.IsPowerful(r) {
			return r, true
		}
	}
	return "", false
}

// setPassword stores a new hash, seals it, ends the user's sessions but
// keep, and records typ.
func (s *Service) setPassword(ctx context.Context, a *Actor, u *domain.User, pw string, mustChange bool, typ,
	detail string, keep []byte) error {
	userID := u.ID
	if err := s.gate.acquire(ctx, 0, HashWait); err != nil {
		return err
	}
	hash, err := hashPassword(pw)
	s.gate.release()
	if err != nil {
		return err
	}
	now := s.clock.Now().UTC()
	return s.st.Write(ctx, func(tx store.Tx) error {
		ax, ok := tx.(store.AuthTx)
		if !ok {
			return errors.New("the store keeps no passwords")
		}
		if err := ax.ChangePassword(userID, hash, mustChange, now); err != nil {
			return err
		}
		seal, err := domain.NewEvent(ledger.EvCredentialsSealed, a.ID(), "", now,
			ledger.CredentialsSealed{Passwords: map[string]string{userID: sqlstore.PasswordDigest(userID, hash)},
				AtIssue: true})
		if err != nil {
			return err
		}
		if err := tx.Append(seal); err != nil {
			return err
		}
		n, err := ax.EndSessions(userID, keep)
		if err != nil {
			return err
		}
		// A fresh variable, not detail itself: the write may run twice
		// (store.Store.Write), and a first run's note must not stay.
		said := detail
		if n > 0 {
			said += fmt.Sprintf("; %d other session(s) ended", n)
		}
		return s.secEvent(ctx, tx, typ, a.ID(), SecurityEvent{UserID: userID, Subject: u.Username, Detail: said})
	})
}

// MustChangePassword reports whether a's password was reset by an
// administrator and not yet changed: until it is, a session may only change it.
func (s *Service) MustChangePassword(ctx context.Context, a *Actor) (bool, error) {
	if a == nil || a.System {
		return false, nil
	}
	as, err := s.authStore()
	if err != nil {
		return false, err
	}
	must, _, err := as.PasswordState(ctx, a.ID())
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	return must, err
}

// UnlockIn names a user whose sign-in lock to lift.
type UnlockIn struct {
	UserID string `json:"-" path:"id"`
}

// SignInLock is whether a user's sign-in is locked — from every address, or
// from one or more — and until when, with what an administrator needs
// beside it: the addresses locked out of the account now, the failures
// counted towards the account's lock, the last successful sign-in and
// whether two-step sign-in is set up.
type SignInLock struct {
	Locked     bool            `json:"locked"`
	Everywhere bool            `json:"everywhere"` // the account, not only some addresses
	Until      time.Time       `json:"until,omitzero"`
	Addresses  []LockedAddress `json:"addresses"` // locked out of the account now, oldest lock first
	Failures   int             `json:"failures"`
	LastSignIn time.Time       `json:"last_sign_in,omitzero"` // zero: never (on this record)
	TwoStep    bool            `json:"two_step"`              // an authenticator app is set up
	Passkeys   int             `json:"passkeys"`              // passkeys registered
}

// LockedAddress is one address locked out of an account: the address the
// security log recorded with the lock; the network the lock holds for
// when that is wider (an IPv6 address's /64: auth.AddressKey), else "";
// and when the lock began and ends.
type LockedAddress struct {
	Address string    `json:"address"`
	Network string    `json:"network,omitempty"`
	Since   time.Time `json:"since"`
	Until   time.Time `json:"until"`
}

// SignInLockOf says whether a user is locked out (administrators), and
// from where: lockStateOf's decision, the one the next sign-in meets.
func (s *Service) SignInLockOf(ctx context.Context, a *Actor, userID string) (*SignInLock, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	if err := a.need("checking a sign-in lock", domain.RoleAdmin); err != nil {
		return nil, err
	}
	u, as, err := s.userAndStore(ctx, userID)
	if err != nil {
		return nil, err
	}
	pol := s.Policy().Auth
	st, err := s.lockStateOf(ctx, as, u.Username, "", s.clock.Now(), pol)
	if err != nil {
		return nil, err
	}
	out := &SignInLock{Failures: st.account.failures, Addresses: append([]LockedAddress{}, st.byAddr...)}
	if !st.until.IsZero() {
		out.Locked, out.Until, out.Everywhere = true, st.until, !st.account.locked.IsZero()
	}
	last, err := as.SecurityLog(ctx, store.SecurityFilter{Kind: EvSignedIn, UserID: u.ID, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(last) > 0 {
		out.LastSignIn = last[0].At
	}
	sf, err := as.SecondFactor(ctx, u.ID)
	switch {
	case err == nil:
		out.TwoStep = sf.Secret != ""
	case !errors.Is(err, store.ErrNotFound):
		return nil, err
	}
	pks, err := as.Passkeys(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out.Passkeys = len(pks)
	return out, nil
}

func (s *Service) userAndStore(ctx context.Context, userID string) (*domain.User, store.AuthStore, error) {
	as, err := s.authStore()
	if err != nil {
		return nil, nil, err
	}
	org, err := s.st.Org(ctx)
	if err != nil {
		return nil, nil, err
	}
	u := org.Users[userID]
	if u == nil {
		return nil, nil, fmt.Errorf("no user %q: %w", userID, ErrNotFound)
	}
	return u, as, nil
}

// Unlock lifts a user's sign-in lock and clears their count of failures
// (administrators).
func (s *Service) Unlock(ctx context.Context, a *Actor, in UnlockIn) error {
	if err := checkInput(in); err != nil {
		return err
	}
	if a == nil {
		return ErrUnauthenticated
	}
	if err := a.need("unlocking a sign-in", domain.RoleAdmin); err != nil {
		return err
	}
	u, _, err := s.userAndStore(ctx, in.UserID)
	if err != nil {
		return err
	}
	return s.recordSecurity(ctx, EvUnlocked, a.ID(), SecurityEvent{UserID: u.ID, Subject: u.Username,
		Detail: "unlocked by an administrator"})
}
