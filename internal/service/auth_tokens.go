package service

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"github.com/holdfast/holdfast/internal/ledger"
	"github.com/holdfast/holdfast/internal/store/sqlstore"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/holdfast/holdfast/internal/domain"
	"github.com/holdfast/holdfast/internal/store"
)

// API tokens (docs/security.md): each has a name, a scope (read-only or
// read-write), an expiry (the policy's token_days unless asked shorter),
// and its last use and address. Every request reads the token's row, so a
// revoked or expired token is refused at once by every instance sharing
// the database.

// Token scopes.
const (
	ScopeReadOnly  = "read-only"
	ScopeReadWrite = "read-write"
)

// NewToken asks for an API token. Password is the holder's current
// password: a session cookie alone must not be enough to mint a credential
// that outlives the session.
type NewToken struct {
	Name     string `json:"name"`
	Scope    string `json:"scope,omitempty"` // read-only (default) or read-write
	Days     int    `json:"days,omitempty"`  // 0: the policy's token_days
	Password string `json:"password"`
}

// IssuedToken is a new token, shown once.
type IssuedToken struct {
	Token string         `json:"token"`
	Info  store.TokenRow `json:"info"`
}

// TokenInfo is what a request authenticated by a token knows of it.
type TokenInfo struct {
	ID    string
	Scope string
}

// ReadOnly reports whether the token may only read.
func (t *TokenInfo) ReadOnly() bool { return t != nil && t.Scope == ScopeReadOnly }

// IssueToken checks the holder's password, then issues a token.
func (s *Service) IssueToken(ctx context.Context, a *Actor, in NewToken) (*IssuedToken, error) {
	if err := checkInput(in); err != nil {
		return nil, err
	}
	if a == nil || a.System {
		return nil, ErrUnauthenticated
	}
	var p domain.Problems
	if strings.TrimSpace(in.Name) == "" {
		p.Add("name", "required", "Name the token after the integration that will use it")
	}
	switch in.Scope {
	case "", ScopeReadOnly, ScopeReadWrite:
	default:
		p.Add("scope", "one_of", "Choose read-only or read-write")
	}
	if max := s.Policy().Auth.TokenDays; in.Days < 0 || in.Days > max {
		p.Add("days", "range", fmt.Sprintf("Choose between 1 and %d days, or leave it empty for %d", max, max))
	}
	if in.Password == "" {
		p.Add("password", "required", "Enter your password to create a token")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	if err := s.confirmPassword(ctx, a, in.Password, "password"); err != nil {
		return nil, err
	}
	if in.Scope == "" {
		in.Scope = ScopeReadOnly
	}
	return s.createToken(ctx, a, strings.TrimSpace(in.Name), in.Scope, in.Days)
}

// CreateToken issues a read-write token with the policy's expiry without
// asking for a password: for callers that have already established who is
// asking (the CLI, tests). Requests over HTTP use IssueToken.
func (s *Service) CreateToken(ctx context.Context, a *Actor, name string) (string, error) {
	if a == nil || a.System {
		return "", ErrUnauthenticated
	}
	if strings.TrimSpace(name) == "" {
		return "", domain.Problems{
			{Field: "name", Rule: "required", Message: "name the token after the integration that will use it"},
		}
	}
	t, err := s.createToken(ctx, a, name, ScopeReadWrite, 0)
	if err != nil {
		return "", err
	}
	return t.Token, nil
}

func (s *Service) createToken(ctx context.Context, a *Actor, name, scope string, days int) (*IssuedToken, error) {
	if days == 0 {
		days = s.Policy().Auth.TokenDays
	}
	tok, _ := randomToken()
	tok = "hf_" + tok
	th := tokenHash(tok)
	now := s.clock.Now().UTC()
	row := store.TokenRow{ID: hex.EncodeToString(th[:8]), TokenHash: th, UserID: a.ID(), Name: clipText(name, 100),
		Scope: scope, Created: now, Expires: now.AddDate(0, 0, days)}
	err := s.st.Write(ctx, func(tx store.Tx) error {
		ax, ok := tx.(store.AuthTx)
		if !ok {
			return errors.New("the store keeps no API tokens")
		}
		if err := ax.CreateTokenRow(row); err != nil {
			return err
		}
		// Sealed where it is issued, so a token planted in the table is
		// never taken for one the service issued (ledger/credentials.go).
		seal, err := domain.NewEvent(ledger.EvCredentialsSealed, a.ID(), "", now, ledger.CredentialsSealed{
			Tokens:  map[string]string{hex.EncodeToString(th[:]): sqlstore.TokenDigest(th[:], row.UserID, row.Name)},
			AtIssue: true})
		if err != nil {
			return err
		}
		if err := tx.Append(seal); err != nil {
			return err
		}
		return s.secEvent(ctx, tx, EvTokenCreated, a.ID(), SecurityEvent{UserID: a.ID(),
			Detail: fmt.Sprintf("token %s %q, %s, expires %s", row.ID, row.Name, scope,
				row.Expires.Format(time.DateOnly))})
	})
	if err != nil {
		return nil, fmt.Errorf("create token: %w", err)
	}
	return &IssuedToken{Token: tok, Info: row}, nil
}

// confirmPassword checks a signed-in person's password again (creating a
// token, changing the password), through the same throttle and lockout as
// signing in: a stolen session must not become a way to guess it.
func (s *Service) confirmPassword(ctx context.Context, a *Actor, password, field string) error {
	as, err := s.authStore()
	if err != nil {
		return err
	}
	pol := s.Policy().Auth
	now := s.clock.Now()
	lock, err := s.lockStateOf(ctx, as, a.User.Username, ClientOf(ctx).Address, now, pol)
	if err != nil {
		return fmt.Errorf("check password: %w: %w", ErrUnavailable, err)
	}
	hash, err := s.st.PasswordHash(ctx, a.ID())
	if errors.Is(err, store.ErrNotFound) {
		hash = dummyHash
	} else if err != nil {
		return fmt.Errorf("check password: %w: %w", ErrUnavailable, err)
	}
	if err := s.gate.acquire(ctx, 0, HashWait); err != nil {
		return err
	}
	ok, _ := argon2id.ComparePasswordAndHash(password, hash)
	s.gate.release()
	if ok && lock.locked.IsZero() && hash != dummyHash {
		return nil
	}
	why := "wrong password when confirming"
	if !lock.locked.IsZero() {
		why = lock.reason()
	}
	s.signInFailed(ctx, &a.User, a.User.Username, why, lock, pol, now)
	return domain.Problems{{Field: field, Rule: "password",
		Message: "Enter your current password correctly (after repeated mistakes your account is locked for a while)"}}
}

// TokenActor resolves an API token.
func (s *Service) TokenActor(ctx context.Context, token string) (*Actor, error) {
	a, _, err := s.TokenAuth(ctx, token)
	return a, err
}

// TokenAuth resolves an API token to its actor and scope. A revoked or
// expired token is refused, and the refusal recorded.
func (s *Service) TokenAuth(ctx context.Context, token string) (*Actor, *TokenInfo, error) {
	as, err := s.authStore()
	if err != nil {
		return nil, nil, err
	}
	t, err := as.TokenRow(ctx, tokenHash(token))
	if err != nil {
		return nil, nil, notSignedIn("check the API token", err)
	}
	now := s.clock.Now()
	exp := t.Expires
	if exp.IsZero() { // a token from before expiry: the policy's lifetime from its creation
		exp = t.Created.AddDate(0, 0, s.Policy().Auth.TokenDays)
	}
	why := ""
	switch {
	case !t.Revoked.IsZero():
		why = "the API token was revoked"
	case !now.Before(exp):
		why = "the API token has expired"
	}
	if why != "" {
		s.recordSecurity(context.WithoutCancel(ctx), EvTokenRefused, "", SecurityEvent{UserID: t.UserID,
			Detail: fmt.Sprintf("token %s %q: %s", t.ID, t.Name, why)})
		return nil, nil, fmt.Errorf("%s: ask for a new one: %w", why, ErrUnauthenticated)
	}
	a, err := s.actor(ctx, t.UserID)
	if err != nil {
		return nil, nil, err
	}
	addr := ClientOf(ctx).Address
	if now.Sub(t.LastUsed) >= touchEvery || addr != t.LastUsedAddr {
		if err := as.TouchToken(ctx, t.ID, now, addr); err != nil {
			return nil, nil, notSignedIn("record the token's use", err)
		}
		// The log notes a token's use when it is first used, from a new
		// address, or after an hour's quiet: enough to trace it, without
		// an event for every request an integration makes.
		if now.Sub(t.LastUsed) >= time.Hour || addr != t.LastUsedAddr {
			s.recordSecurity(ctx, EvTokenUsed, t.UserID, SecurityEvent{UserID: t.UserID,
				Detail: fmt.Sprintf("token %s %q", t.ID, t.Name)})
		}
	}
	return a, &TokenInfo{ID: t.ID, Scope: t.Scope}, nil
}

// TokenQuery says whose tokens to list: UserID "" for the actor's own;
// All (administrators) for everyone's.
type TokenQuery struct {
	UserID string `json:"user_id,omitempty"`
	All    bool   `json:"all,omitempty"`
}

// Tokens lists API tokens: your own, or (administrators) anyone's.
func (s *Service) Tokens(ctx context.Context, a *Actor, q TokenQuery) ([]store.TokenRow, error) {
	if a == nil {
		return nil, ErrUnauthenticated
	}
	user := a.ID()
	if q.All || (q.UserID != "" && q.UserID != a.ID()) {
		if err := a.need("listing another person's API tokens", domain.RoleAdmin); err != nil {
			return nil, err
		}
		user = q.UserID
	}
	as, err := s.authStore()
	if err != nil {
		return nil, err
	}
	rows, err := as.Tokens(ctx, user)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		if rows[i].Expires.IsZero() {
			rows[i].Expires = rows[i].Created.AddDate(0, 0, s.Policy().Auth.TokenDays)
		}
	}
	return rows, nil
}

// RevokeTokenIn names a token to revoke.
type RevokeTokenIn struct {
	ID string `json:"-" path:"id"`
}

// RevokeToken revokes an API token: your own, or (administrators) anyone's.
func (s *Service) RevokeToken(ctx context.Context, a *Actor, in RevokeTokenIn) error {
	if err := checkInput(in); err != nil {
		return err
	}
	if a == nil {
		return ErrUnauthenticated
	}
	as, err := s.authStore()
	if err != nil {
		return err
	}
	t, err := as.TokenByID(ctx, in.ID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && t.UserID != a.ID() && !a.has(domain.RoleAdmin)) {
		return fmt.Errorf("no API token %q of yours: %w", in.ID, ErrNotFound)
	}
	if err != nil {
		return err
	}
	return s.st.Write(ctx, func(tx store.Tx) error {
		ok, err := tx.(store.AuthTx).RevokeToken(t.ID, s.clock.Now().UTC())
		if err != nil || !ok {
			return err // already revoked: nothing to do
		}
		return s.secEvent(ctx, tx, EvTokenRevoked, a.ID(), SecurityEvent{UserID: t.UserID,
			Detail: fmt.Sprintf("token %s %q", t.ID, t.Name)})
	})
}
